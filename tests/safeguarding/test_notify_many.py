"""``notify_many``: the batch form of ``notify`` the clock engine uses, and its batched email task."""

from __future__ import annotations

import pytest

from safeguarding.notifications.models import Notification, Priority
from safeguarding.notifications.services import Notice, notify, notify_many
from safeguarding.notifications.tasks import send_notification_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_many_creates_each_notice_once_and_one_email_task_per_fifty(
    django_capture_on_commit_callbacks,
) -> None:
    users = [UserFactory() for _ in range(3)]
    inactive = UserFactory()
    inactive.is_active = False
    inactive.save()
    notices = [Notice(recipients=[u], kind="test", title=f"Ref {n}", dedupe_key=f"k:{n}") for n, u in enumerate(users)]
    notices.append(Notice(recipients=[inactive], kind="test", title="Nobody", dedupe_key="k:x"))
    with django_capture_on_commit_callbacks() as callbacks:
        created = notify_many(notices=notices)
        again = notify_many(notices=notices)
    assert len(created) == 3 and again == []
    assert Notification.objects.count() == 3
    assert len(callbacks) == 1


def test_notify_many_and_notify_share_the_dedupe_keys() -> None:
    user = UserFactory()
    notify(recipients=[user], kind="test", title="x", dedupe_key="same", email=False)
    assert notify_many(notices=[Notice(recipients=[user], kind="test", title="x", dedupe_key="same")]) == []


def test_a_notice_requiring_acknowledgement_is_high_priority() -> None:
    user = UserFactory()
    [row] = notify_many(notices=[Notice(recipients=[user], kind="risk", title="x", requires_ack=True)], email=False)
    assert row.priority == Priority.HIGH and row.requires_ack


def test_the_batched_email_task_sends_each_email_once(mailoutbox) -> None:
    users = [UserFactory() for _ in range(3)]
    created = notify_many(notices=[Notice(recipients=[u], kind="test", title="t") for u in users], email=False)
    ids = [str(n.pk) for n in created]
    assert send_notification_emails(ids) == 3
    assert send_notification_emails(ids) == 0  # a redelivered task sends nothing more
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    assert all(u.full_name not in m.body for m in mailoutbox for u in users)
