"""The hash chain over the access log: linking after commit, per agency, and verification that finds a changed,
a deleted or an inserted row. Tampering needs the triggers off, which only the table owner can do (as here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from safeguarding.audit.chain import GENESIS, chain_all, chain_pending, verify_chain
from safeguarding.audit.models import AccessChainLink, AccessChainPending, AccessLog
from safeguarding.audit.services import record_access
from safeguarding.celery import app as celery_app
from safeguarding.tasks import chain_access_log
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def triggers_off(table: str) -> Iterator[None]:
    with connection.cursor() as cursor:
        # Deferred foreign-key checks from the test's inserts must run first: ALTER TABLE refuses pending events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def reads(user: object, n: int) -> list[AccessLog]:
    return [
        record_access(user=user, objects_or_ids=[str(i)], object_type="x", route="r")  # type: ignore[arg-type]
        for i in range(n)
    ]


def chain_key(user: object) -> str:
    return str(user.agency_membership.agency_id)  # type: ignore[attr-defined]


def test_rows_are_linked_after_commit_into_one_chain_per_actor_agency() -> None:
    alice, bob = UserFactory(), UserFactory()
    reads(alice, 3)
    reads(bob, 2)
    assert AccessChainPending.objects.count() == 5
    assert chain_all() == 5
    assert not AccessChainPending.objects.exists()
    alice_links = list(AccessChainLink.objects.filter(chain_key=chain_key(alice)).order_by("position"))
    assert [link.position for link in alice_links] == [1, 2, 3]
    assert alice_links[0].prev_hash == GENESIS and alice_links[1].prev_hash == alice_links[0].row_hash
    assert AccessChainLink.objects.filter(chain_key=chain_key(bob)).count() == 2
    assert verify_chain() == []
    reads(alice, 1)
    assert chain_pending() == 1
    assert AccessChainLink.objects.filter(chain_key=chain_key(alice)).order_by("-position").first().position == 4


def test_verification_finds_a_changed_row() -> None:
    user = UserFactory()
    rows = reads(user, 4)
    chain_all()
    with triggers_off("safeguarding_accesslog"):
        AccessLog.objects.filter(pk=rows[2].pk).update(route="edited-afterwards")
    (found,) = verify_chain(chain_key(user))
    assert (found.position, found.entry_id, found.reason) == (3, rows[2].pk, "the access-log row was changed")


def test_verification_finds_a_deleted_row() -> None:
    user = UserFactory()
    rows = reads(user, 4)
    chain_all()
    with triggers_off("safeguarding_accesslog"):
        AccessLog.objects.filter(pk=rows[1].pk).delete()
    (found,) = verify_chain(chain_key(user))
    assert (found.position, found.entry_id, found.reason) == (2, rows[1].pk, "the access-log row was deleted")


def test_verification_finds_a_row_inserted_behind_the_services_back() -> None:
    user = UserFactory()
    first = reads(user, 1)[0]
    with connection.cursor() as cursor:  # take an id from the sequence, then let a later row pass it
        cursor.execute("SELECT nextval(pg_get_serial_sequence('safeguarding_accesslog', 'id'))")
        (gap,) = cursor.fetchone()
    reads(user, 2)
    chain_all()
    assert verify_chain() == []
    forged = AccessLog(
        id=gap, occurred_at=first.occurred_at, user=user, agency_id=first.agency_id, object_type="x", route="forged"
    )
    with triggers_off("safeguarding_accesslog"):  # a forger with the database's keys skips the queueing trigger
        forged.save(force_insert=True)  # no pending row, no link: the chainer never saw it
    (found,) = verify_chain()
    assert (found.entry_id, found.reason) == (gap, "row is in no chain and not pending")


def test_verification_finds_a_removed_link() -> None:
    user = UserFactory()
    rows = reads(user, 3)
    chain_all()
    with triggers_off("safeguarding_accesschainlink"):
        AccessChainLink.objects.filter(chain_key=chain_key(user), position=2).delete()
    missing, orphan = verify_chain(chain_key(user))
    assert missing.position == 2 and missing.reason == "a chain position is missing"
    assert orphan.entry_id == rows[1].pk and orphan.reason == "row is in no chain and not pending"


def test_the_command_reports_an_intact_chain_and_the_first_broken_row() -> None:
    user = UserFactory()
    rows = reads(user, 2)
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)  # links pending rows first
    assert "Audit chain intact." in out.getvalue()
    with triggers_off("safeguarding_accesslog"):
        AccessLog.objects.filter(pk=rows[0].pk).update(outcome="denied")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", "--agency", user.agency_membership.agency.name, stdout=out)
    assert f"access-log row {rows[0].pk}" in out.getvalue() and "changed" in out.getvalue()


def test_every_inserted_row_is_queued_for_the_chainer_whoever_writes_it() -> None:
    row = AccessLog.objects.create(user=UserFactory(), object_type="x", route="written directly")
    assert AccessChainPending.objects.filter(entry_id=row.pk).exists()
    chain_all()
    assert verify_chain() == []


def test_the_chainer_runs_on_the_beat_schedule_as_a_registered_task() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["audit-chain"]
    assert entry["task"] == "safeguarding.tasks.chain_access_log"
    assert float(entry["schedule"]) <= 60  # type: ignore[arg-type]
    assert "safeguarding.tasks.chain_access_log" in celery_app.tasks
    reads(UserFactory(), 2)
    assert chain_access_log() == 2
    assert chain_access_log() == 0
