"""An authenticator reset by an agency admin or safeguarding lead, after an identity check (checklist A4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.lifecycle import IdentityCheck, mfa_reset
from safeguarding.accounts.models import AuthEvent, AuthEventType, RecoveryCode, UserSession
from safeguarding.accounts.services import recovery_codes_issue
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.roles import Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, UserFactory
from tests.helpers import assert_access_rows, signed_in, totp_code, tracked

pytestmark = pytest.mark.django_db

GOOD = {"identity_check": IdentityCheck.IN_PERSON, "identity_note": "Saw their trust ID badge at the Riverside office"}


def confirmed(user: Any) -> Client:
    client = signed_in(user)
    client.post(reverse("accounts:reauth"), {"password": TEST_PASSWORD, "code": totp_code(TEST_TOTP_KEY)})
    return client


def reset_url(person: Any) -> str:
    return reverse("accounts:person-mfa-reset", args=[person.pk])


@pytest.fixture
def colleague() -> Any:
    person = UserFactory()
    recovery_codes_issue(user=person)
    return person


def admin_of(person: Any, role: str = Role.AGENCY_ADMIN) -> Any:
    return UserFactory(agency=person.agency_membership.agency, roles=[role])


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.SAFEGUARDING_LEAD])
def test_an_admin_or_lead_resets_a_colleagues_authenticator_and_gets_a_one_time_link(colleague: Any, role: str) -> None:
    their_session = tracked(signed_in(colleague), colleague)
    admin = admin_of(colleague, role)
    with assert_access_rows(1, user=admin, object_ids=[colleague.pk]):
        response = confirmed(admin).post(reset_url(colleague), GOOD)
    assert response.status_code == 200  # the link is shown in this response only, never in a URL
    link = re.search(r'id="enrolment-link">([^<]+)<', response.content.decode()).group(1)
    assert "/accounts/enrol/" in link
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not RecoveryCode.objects.filter(user=colleague).exists()
    assert their_session.get(reverse("web:my-work")).status_code == 302
    assert UserSession.objects.get(user=colleague).end_reason == "mfa_reset"
    event = AuthEvent.objects.get(user=colleague, event_type=AuthEventType.MFA_RESET)
    assert event.actor == admin
    assert "In person, with photo ID" in event.detail and "trust ID badge" in event.detail
    assert AuthEvent.objects.filter(
        user=colleague, event_type=AuthEventType.ENROLMENT_LINK_ISSUED, actor=admin
    ).exists()
    # The link sets a password and leads to setting up a new authenticator.
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    fresh = Client()
    password = "a-fresh-passphrase-after-reset"
    response = fresh.post(path, {"new_password": password, "confirm_password": password})
    assert response["Location"] == reverse("accounts:mfa-enrol")


def test_a_reset_needs_recent_re_authentication(colleague: Any) -> None:
    response = signed_in(admin_of(colleague)).post(reset_url(colleague), GOOD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauth"))
    assert TOTPDevice.objects.filter(user=colleague).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"identity_note": "Saw their ID badge in person"}, "identity_check"),
        ({"identity_check": IdentityCheck.VIDEO, "identity_note": "ok"}, "identity_note"),
        ({"identity_check": "guessed", "identity_note": "Looked like them to me"}, "identity_check"),
    ],
)
def test_the_identity_check_must_be_recorded(colleague: Any, data: dict[str, str], field: str) -> None:
    response = confirmed(admin_of(colleague)).post(reset_url(colleague), data)
    assert response.status_code == 400 and b"govuk-error-summary" in response.content
    assert f'href="#id_{field}'.encode() in response.content
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_only_admins_and_leads_of_the_same_agency_may_reset(colleague: Any) -> None:
    practitioner = UserFactory(agency=colleague.agency_membership.agency)
    assert confirmed(practitioner).post(reset_url(colleague), GOOD).status_code == 403
    other_admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    assert confirmed(other_admin).post(reset_url(colleague), GOOD).status_code == 404
    admin = admin_of(colleague)
    assert confirmed(admin).get(reset_url(admin)).status_code == 403  # not your own: use "replace authenticator"
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_the_service_refuses_without_the_role_and_for_deactivated_accounts(colleague: Any) -> None:
    with pytest.raises(ActionForbidden):
        mfa_reset(user=colleague, by=UserFactory(agency=colleague.agency_membership.agency), **GOOD)
    with pytest.raises(InvalidInput):
        mfa_reset(user=colleague, by=admin_of(colleague), identity_check=IdentityCheck.CALL_BACK, identity_note="")
    colleague.is_active = False
    colleague.save()
    with pytest.raises(TransitionNotAllowed):
        mfa_reset(user=colleague, by=admin_of(colleague), **GOOD)


def test_a_superuser_may_reset_anyone(colleague: Any) -> None:
    root = UserFactory(roles=[])
    type(root).objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    root.refresh_from_db()
    result = mfa_reset(user=colleague, by=root, **GOOD)
    assert result.enrolment_link.startswith("http")
