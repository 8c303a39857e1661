"""Configuration in the admin: new policy versions and calendar overrides go through the services."""

from __future__ import annotations

from datetime import date

import pytest

from escalation.calendar import ENGLAND_AND_WALES, is_working_day
from escalation.models import CalendarOverride, TimescalePolicy
from safeguarding.accounts.models import User
from tests.factories import AreaFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> User:
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    user.refresh_from_db()
    return user


def test_adding_a_policy_in_the_admin_creates_the_next_version(superuser: User) -> None:
    area = AreaFactory()
    client = signed_in(superuser)
    form = {
        "area": str(area.pk),
        "key": "sar_decision",
        "basis": "working_days",
        "amount": "15",
        "active_from_0": "2026-01-01",
        "active_from_1": "00:00:00",
        "note": "Board decision March 2026",
    }
    for _ in range(2):
        response = client.post("/admin/escalation/timescalepolicy/add/", form)
        assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(TimescalePolicy.objects.filter(area=area, key="sar_decision").values_list("version", "amount"))
    assert versions == [(2, 15), (1, 15)]
    assert TimescalePolicy.objects.filter(area=area).first().created_by == superuser  # type: ignore[union-attr]
    change = client.get(f"/admin/escalation/timescalepolicy/{TimescalePolicy.objects.first().pk}/change/")  # type: ignore[union-attr]
    assert change.status_code == 200 and b'name="amount"' not in change.content  # versions are read-only


def test_an_override_added_in_the_admin_changes_the_calendar(superuser: User) -> None:
    response = signed_in(superuser).post(
        "/admin/escalation/calendaroverride/add/",
        {"nation": ENGLAND_AND_WALES, "area": "", "day": "2026-06-15", "action": "add", "reason": "Proclamation"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarOverride.objects.get().created_by == superuser
    assert not is_working_day(date(2026, 6, 15), ENGLAND_AND_WALES)


def test_agency_admins_do_not_see_the_clock_configuration() -> None:
    from safeguarding.roles import Role

    admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    assert signed_in(admin).get("/admin/escalation/timescalepolicy/").status_code == 403
