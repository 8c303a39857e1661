"""Users see and end their other sessions (checklist S3, ASVS 7.5.2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.accounts.devices import describe_user_agent
from safeguarding.accounts.models import AuthEvent, AuthEventType, UserSession
from tests.factories import UserFactory
from tests.helpers import signed_in, tracked

pytestmark = pytest.mark.django_db

SESSIONS = reverse("accounts:sessions")
MY_WORK = reverse("web:my-work")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


def test_the_session_list_shows_each_open_session_without_its_key() -> None:
    user = UserFactory()
    other = tracked(signed_in(user), user, FIREFOX_WINDOWS)
    me = tracked(signed_in(user), user, CHROME_MAC)
    page = me.get(SESSIONS).content.decode()
    assert "Firefox on Windows" in page and "Chrome on macOS" in page and "This session" in page
    for client in (me, other):
        assert client.session.session_key not in page  # a session key is a bearer secret
    assert page.count("End session") == 1


def test_ending_another_session_signs_it_out_at_once() -> None:
    user = UserFactory()
    other = tracked(signed_in(user), user, FIREFOX_WINDOWS)
    me = tracked(signed_in(user), user)
    row = UserSession.objects.get(session_key=other.session.session_key)
    response = me.post(reverse("accounts:session-end", args=[row.public_id]))
    assert response.status_code == 302
    assert other.get(MY_WORK).status_code == 302
    assert me.get(MY_WORK).status_code == 200
    row.refresh_from_db()
    assert row.ended_at is not None and row.end_reason == "ended_by_user"
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.SESSION_ENDED, actor=user).count() == 1


def test_ending_a_session_with_htmx_replaces_its_row() -> None:
    user = UserFactory()
    other = tracked(signed_in(user), user)
    me = tracked(signed_in(user), user)
    row = UserSession.objects.get(session_key=other.session.session_key)
    response = me.post(reverse("accounts:session-end", args=[row.public_id]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="session-{row.public_id}"'.encode() in response.content and b"Ended" in response.content
    assert b"<html" not in response.content


def test_the_current_session_is_ended_by_signing_out_not_from_the_list() -> None:
    user = UserFactory()
    me = tracked(signed_in(user), user)
    row = UserSession.objects.get(session_key=me.session.session_key)
    response = me.post(reverse("accounts:session-end", args=[row.public_id]), follow=True)
    assert b"To end this session, sign out" in response.content
    assert me.get(MY_WORK).status_code == 200


def test_someone_elses_session_cannot_be_ended_and_answers_404() -> None:
    victim = UserFactory()
    theirs = tracked(signed_in(victim), victim)
    row = UserSession.objects.get(session_key=theirs.session.session_key)
    attacker = tracked(signed_in(UserFactory()), UserFactory())
    assert attacker.post(reverse("accounts:session-end", args=[row.public_id])).status_code == 404
    assert theirs.get(MY_WORK).status_code == 200


def test_signing_out_of_all_other_sessions() -> None:
    user = UserFactory()
    others = [tracked(signed_in(user), user) for _ in range(3)]
    me = tracked(signed_in(user), user)
    response = me.post(reverse("accounts:sessions-end-others"), follow=True)
    assert b"3 other sessions ended" in response.content
    assert all(client.get(MY_WORK).status_code == 302 for client in others)
    assert UserSession.objects.filter(user=user, ended_at=None).count() == 1


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        ("", "Unknown device"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1",
            "Safari on iPhone",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0", "Edge on Linux"),
        ("curl/8.5.0", "A browser"),
    ],
)
def test_devices_are_described_in_plain_words(agent: str, described: str) -> None:
    assert describe_user_agent(agent) == described
