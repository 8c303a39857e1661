"""The access log (checklist L1): one row per read, denied rows that survive the 404's rollback, append-only."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from safeguarding.accounts.models import AuthEvent, AuthEventType
from safeguarding.accounts.services import auth_event_record
from safeguarding.audit.models import AccessChainLink, AccessLog, Outcome
from safeguarding.audit.services import access_rows_for, record_access
from safeguarding.roles import Role
from tests.factories import UserFactory, WidgetFactory
from tests.helpers import assert_access_rows, signed_in


@pytest.mark.django_db
def test_each_read_writes_exactly_one_row_with_who_what_and_where() -> None:
    widget = WidgetFactory()
    user = UserFactory(agency=widget.agency, roles=[Role.PRACTITIONER, Role.TEAM_MANAGER])
    client = signed_in(user)
    url = reverse("testapp:widget", args=[widget.pk])
    with assert_access_rows(1, user=user, object_ids=[widget.pk], outcome=Outcome.ALLOWED) as rows:
        response = client.get(url, headers={"X-Request-ID": "req-12345678", "User-Agent": "Test browser"})
    assert response.status_code == 200
    row = rows.only()
    assert row.object_type == "testapp.widget"
    assert row.agency_id == widget.agency_id and row.subject_agency_ids == [widget.agency_id]
    assert row.roles == sorted([Role.PRACTITIONER, Role.TEAM_MANAGER])
    assert row.route == "testapp:widget"
    assert row.request_id == "req-12345678" and row.user_agent == "Test browser" and row.ip_address == "127.0.0.1"
    with assert_access_rows(1):
        client.get(url)  # a second read is a second row


@pytest.mark.django_db
def test_a_list_read_records_the_ids_returned() -> None:
    user = UserFactory()
    ids = [WidgetFactory().pk for _ in range(3)]
    with assert_access_rows(1, user=user, object_ids=ids):
        record_access(user=user, objects_or_ids=ids, object_type="testapp.widget", route="testapp:list")
    assert access_rows_for(object_ids=[ids[1]]).count() == 1


@pytest.mark.django_db(transaction=True, databases=["default", "audit"])
def test_a_denied_read_keeps_its_row_although_the_404_rolls_the_request_back() -> None:
    widget = WidgetFactory()
    outsider = UserFactory()
    url = reverse("testapp:widget-atomic", args=[widget.pk])
    response = signed_in(outsider).get(url)
    assert response.status_code == 404
    rows = list(AccessLog.objects.filter(user=outsider))
    assert len(rows) == 1
    assert rows[0].outcome == Outcome.DENIED and rows[0].user_id == outsider.pk
    assert rows[0].object_ids == [str(widget.pk)] and rows[0].route == "testapp:widget-atomic"


@pytest.mark.django_db(transaction=True, databases=["default", "audit"])
def test_a_denied_row_survives_even_when_the_caller_rolls_back_explicitly() -> None:
    from safeguarding.audit.services import record_denied

    user = UserFactory()

    def failing_request() -> None:
        with transaction.atomic():
            record_access(user=user, objects_or_ids=["a"], object_type="x", route="r")  # allowed: same transaction
            record_denied(user=user, object_type="x", object_id="b", route="r")  # denied: its own connection
            raise RuntimeError("the request fails")

    with pytest.raises(RuntimeError):
        failing_request()
    assert list(AccessLog.objects.values_list("object_ids", "outcome")) == [(["b"], Outcome.DENIED)]


@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["UPDATE {table} SET route = 'x'", "DELETE FROM {table}"])
@pytest.mark.parametrize("table", ["safeguarding_accesslog", "safeguarding_accesschainlink", "safeguarding_authevent"])
def test_audit_tables_refuse_update_and_delete(statement: str, table: str) -> None:
    from safeguarding.audit.chain import chain_all

    user = UserFactory()
    record_access(user=user, objects_or_ids=["1"], object_type="x", route="r")
    auth_event_record(event_type=AuthEventType.SIGN_IN_SUCCESS, user=user)
    chain_all()
    assert AccessChainLink.objects.exists() and AuthEvent.objects.exists()
    sql = statement.format(table=table)
    if table != "safeguarding_accesslog":
        sql = sql.replace("route = 'x'", "id = id")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic(), connection.cursor() as c:
        c.execute(sql)


@pytest.mark.django_db
def test_the_orm_cannot_edit_or_delete_an_access_row_either() -> None:
    row = record_access(user=UserFactory(), objects_or_ids=["1"], object_type="x", route="r")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(outcome=Outcome.DENIED)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
