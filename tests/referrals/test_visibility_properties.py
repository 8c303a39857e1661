"""Property: whatever happens to a referral, the recipient sees it (and the case, at the decision's scope) exactly
while its own decision is live, the sender always sees it, and a third agency never sees either."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.selectors import SCOPE_FROM_GRANT, case_scope_for_user
from referrals import selectors, services
from safeguarding.exceptions import ServiceError
from tests.referrals.conftest import ReferralWorld

pytestmark = pytest.mark.django_db

STEPS = ["send", "acknowledge", "accept", "decline", "withdraw", "close", "list", "not_list", "heard"]


def _step(world: ReferralWorld, referral: Any, step: str) -> None:
    from django.utils import timezone

    recipient = (
        world.coordinator
        if referral.kind == "marac"
        else world.la_manager
        if referral.kind == "s42_concern"
        else world.housing_lead
    )
    calls = {
        "send": lambda: services.referral_send(referral=referral, by=world.practitioner),
        "acknowledge": lambda: services.referral_acknowledge(referral=referral, by=recipient),
        "accept": lambda: services.referral_accept(referral=referral, by=recipient),
        "decline": lambda: services.referral_decline(referral=referral, by=recipient, reason="Not for us."),
        "withdraw": lambda: services.referral_withdraw(referral=referral, by=world.practitioner, reason="Changed."),
        "close": lambda: services.referral_close(referral=referral, by=recipient),
        "list": lambda: services.marac_list(
            referral=referral, by=recipient, intended_sitting_date=timezone.localdate()
        ),
        "not_list": lambda: services.marac_not_list(referral=referral, by=recipient, reason="Below threshold."),
        "heard": lambda: services.marac_referral_heard(referral=referral, by=recipient),
    }
    with contextlib.suppress(ServiceError):  # not allowed now (or not for this kind): nothing changes
        calls[step]()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["s42_concern", "marac", "service"]), steps=st.lists(st.sampled_from(STEPS), max_size=5))
def test_visibility_follows_the_referrals_own_decision(db: Any, kind: str, steps: list[str]) -> None:
    world = ReferralWorld()
    referral = {"s42_concern": world.s42, "marac": world.marac, "service": world.service}[kind](send=False)
    recipient = {"s42_concern": world.la_manager, "marac": world.coordinator, "service": world.housing_officer}[kind]
    for step in steps:
        _step(world, referral, step)
        referral.refresh_from_db()
        decision = referral.sharing_decision
        live = decision is not None and decision.is_live()
        seen = selectors.referral_list_for_user(user=recipient).filter(pk=referral.pk).exists()
        assert seen == (referral.sent_at is not None and live), (step, referral.state)
        scope = case_scope_for_user(user=recipient, case=referral.case)
        assert scope == (SCOPE_FROM_GRANT[decision.scope] if live and decision else None)
        assert selectors.referral_list_for_user(user=world.practitioner).filter(pk=referral.pk).exists()
        assert (
            not selectors.referral_list_for_user(user=world.housing_officer if kind != "service" else world.officer)
            .filter(pk=referral.pk)
            .exists()
        )
        assert case_scope_for_user(user=world.commissioner, case=referral.case) is None
