"""The information-sharing demo step, seeded twice on top of the organisations and cases demo (the whole
``seed_demo`` is covered by test_demo.py)."""

from __future__ import annotations

import pytest

from safeguarding import registry
from safeguarding.sharing.models import BreakGlassAccess, InformationRequest, SharingAgreement

pytestmark = pytest.mark.django_db
BEFORE = ("organisations", "notifications", "timescale policies and calendars", "cases")


def _seed() -> None:
    steps = {step.name: step for step in registry.demo_steps()}
    for name in (*BEFORE, "information sharing"):
        steps[name].run()


def test_the_demo_has_an_answered_and_an_open_request_an_agreement_and_a_break_glass_under_review() -> None:
    _seed()
    _seed()
    assert InformationRequest.objects.filter(status="approved_partial").count() == 1
    assert InformationRequest.objects.filter(status="requested").count() == 1
    assert SharingAgreement.objects.count() == 1
    assert BreakGlassAccess.objects.filter(review_status="pending").count() == 1
