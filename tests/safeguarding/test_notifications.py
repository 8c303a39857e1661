from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.notifications.models import Notification
from safeguarding.notifications.services import notification_acknowledge, notify
from safeguarding.notifications.tasks import send_notification_email
from tests.factories import AgencyFactory, UserFactory
from tests.helpers import api_client, signed_in

pytestmark = pytest.mark.django_db


def test_notify_is_idempotent_per_dedupe_key(django_capture_on_commit_callbacks, mailoutbox) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        first = notify(recipients=[user], kind="test", title="Case SG-2026-000001 needs you", dedupe_key="k1")
        again = notify(recipients=[user], kind="test", title="Case SG-2026-000001 needs you", dedupe_key="k1")
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(callbacks) == 1  # one email enqueued after commit
    assert send_notification_email(str(first[0].pk)) is True
    assert send_notification_email(str(first[0].pk)) is False  # a redelivered task sends nothing
    assert len(mailoutbox) == 1
    assert user.full_name not in mailoutbox[0].body
    assert "/notifications/" in mailoutbox[0].body


def test_inactive_users_are_not_notified() -> None:
    user = UserFactory()
    user.is_active = False
    user.save()
    assert notify(recipients=[user], kind="test", title="x") == []


def test_api_lists_only_the_callers_notifications_and_acknowledges() -> None:
    me, other = UserFactory(), UserFactory()
    mine = notify(recipients=[me], kind="risk", title="High risk", requires_ack=True, email=False)[0]
    theirs = notify(recipients=[other], kind="risk", title="Theirs", email=False)[0]
    client = api_client(me)
    ids = [row["id"] for row in client.get("/api/v1/notifications/").json()["results"]]
    assert ids == [str(mine.pk)]
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    body = client.post(f"/api/v1/notifications/{mine.pk}/acknowledge/").json()
    assert body["acknowledged_at"] and body["read_at"]


def test_acknowledging_a_deputys_copy_settles_the_original() -> None:
    holder, deputy = UserFactory(), UserFactory()
    original = notify(recipients=[holder], kind="risk", title="x", requires_ack=True, email=False)[0]
    copy = notify(recipients=[deputy], kind="risk", title="x", requires_ack=True, email=False, escalated_from=original)[
        0
    ]
    notification_acknowledge(notification=copy, user=deputy)
    original.refresh_from_db()
    assert original.acknowledged_at is not None


def test_opening_a_notification_about_something_no_longer_visible_says_so() -> None:
    user = UserFactory()
    agency = AgencyFactory()  # a target with no visibility rule is never available
    n = notify(recipients=[user], kind="x", title="About something", target=agency, email=False)[0]
    response = signed_in(user).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 200
    assert b"no longer available" in response.content


def test_notification_centre_lists_and_marks_read() -> None:
    user = UserFactory()
    n = notify(recipients=[user], kind="x", title="Something happened", email=False)[0]
    client = signed_in(user)
    page = client.get(reverse("notifications:list"))
    assert b"Something happened" in page.content
    client.post(reverse("notifications:read", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at is not None
    assert client.get(reverse("notifications:open", args=[UserFactory().pk])).status_code == 404
