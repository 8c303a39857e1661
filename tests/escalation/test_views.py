"""The deadline page, its forms and the "My work" panel."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from escalation import services
from escalation.models import Deadline
from safeguarding.notifications.models import Notification
from tests.escalation.conftest import Cast, run_clocks, uk
from tests.helpers import assert_access_rows, signed_in

pytestmark = pytest.mark.django_db


def breached(cast: Cast, reference: str = "S-1") -> Deadline:
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        deadline = services.start_clock(
            subject=cast.subject(reference), kind="clocktest_response", holder_user=cast.practitioner
        )
    run_clocks(uk("2026-06-16 00:01"))
    deadline.refresh_from_db()
    return deadline


def test_the_deadline_page_shows_its_history_and_who_was_told(cast: Cast) -> None:
    deadline = breached(cast)
    run_clocks(uk("2026-06-18 00:01"))
    with assert_access_rows(1, user=cast.practitioner, object_ids=[deadline.pk]):
        response = signed_in(cast.practitioner).get(reverse("escalation:deadline", args=[deadline.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Test response", deadline.reference, "Started", "Overdue", "Escalated", "Told: Tia Manager"):
        assert text in page
    assert "Give a reason for the delay" in page and "Extend the deadline" in page


@pytest.mark.django_db(transaction=True, databases=["default", "audit"])
def test_an_invisible_deadline_page_answers_404(cast: Cast) -> None:
    deadline = breached(cast)
    client = signed_in(cast.outsider)
    assert client.get(reverse("escalation:deadline", args=[deadline.pk])).status_code == 404
    assert client.post(reverse("escalation:deadline-reason", args=[deadline.pk]), {"reason": "x"}).status_code == 404


def test_the_reason_form_shows_an_error_summary_then_saves(cast: Cast) -> None:
    deadline = breached(cast)
    client = signed_in(cast.practitioner)
    url = reverse("escalation:deadline-reason", args=[deadline.pk])
    response = client.post(url, {"reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and 'href="#id_reason"' in page and "Give the reason for the delay" in page
    assert "<title>Error:" in page
    response = client.post(url, {"reason": "Waiting for a mental capacity assessment"})
    assert response.status_code == 302 and response["Location"] == reverse("escalation:deadline", args=[deadline.pk])
    deadline.refresh_from_db()
    assert deadline.reason_for_delay == "Waiting for a mental capacity assessment"


def test_the_extend_form_refuses_a_past_date_and_accepts_a_later_one(cast: Cast) -> None:
    deadline = breached(cast)
    client = signed_in(cast.practitioner)
    url = reverse("escalation:deadline-extend", args=[deadline.pk])
    past = client.post(url, {"due_date_0": "1", "due_date_1": "1", "due_date_2": "2020", "reason": "x"})
    assert past.status_code == 400 and "The new due date must be in the future" in past.content.decode()
    nonsense = client.post(url, {"due_date_0": "31", "due_date_1": "2", "due_date_2": "2099", "reason": "x"})
    assert "must be a real date" in nonsense.content.decode()
    ok = client.post(url, {"due_date_0": "1", "due_date_1": "2", "due_date_2": "2099", "reason": "Adult's wishes"})
    assert ok.status_code == 302
    deadline.refresh_from_db()
    assert deadline.due_at == uk("2099-02-01 23:59:59") and deadline.status == "pending"


def test_a_colleague_who_may_not_act_sees_no_forms_and_is_refused(cast: Cast) -> None:
    from tests.factories import UserFactory

    deadline = breached(cast)
    colleague = UserFactory(agency=cast.agency)
    client = signed_in(colleague)
    page = client.get(reverse("escalation:deadline", args=[deadline.pk])).content.decode()
    assert "Extend the deadline" not in page
    response = client.post(reverse("escalation:deadline-reason", args=[deadline.pk]), {"reason": "x"})
    assert response.status_code == 403


def test_the_my_work_panel_counts_and_lists_what_needs_attention(cast: Cast) -> None:
    overdue = breached(cast, "S-1")
    with time_machine.travel(uk("2026-06-15 10:00"), tick=False):
        soon = services.start_clock(
            subject=cast.subject("S-2"), kind="clocktest_response", holder_user=cast.practitioner
        )
    # Due by the end of 22 June: within a week of 18 June.
    with (
        time_machine.travel(uk("2026-06-18 10:00"), tick=False),
        assert_access_rows(1, user=cast.practitioner, object_ids=[overdue.pk, soon.pk]),
    ):
        response = signed_in(cast.practitioner).get(reverse("escalation:my-deadlines"), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert "<html" not in fragment and 'id="deadlines-panel"' in fragment
    assert "Reason for delay needed" in fragment and overdue.reference in fragment and soon.reference in fragment


def test_escalated_deadlines_appear_on_the_managers_panel(cast: Cast) -> None:
    deadline = breached(cast)
    run_clocks(uk("2026-06-18 00:01"))
    with time_machine.travel(uk("2026-06-18 09:00"), tick=False):
        page = signed_in(cast.manager).get(reverse("escalation:my-deadlines")).content.decode()
    assert "<html" in page  # without htmx the panel is a whole page
    assert "Escalated to you" in page and deadline.reference in page


def test_the_my_work_page_offers_the_deadlines_panel(cast: Cast) -> None:
    page = signed_in(cast.practitioner).get(reverse("web:my-work")).content.decode()
    assert reverse("escalation:my-deadlines") in page


def test_opening_an_overdue_notification_leads_to_the_deadline(cast: Cast) -> None:
    deadline = breached(cast)
    notification = Notification.objects.get(recipient=cast.practitioner)
    response = signed_in(cast.practitioner).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("escalation:deadline", args=[deadline.pk])
