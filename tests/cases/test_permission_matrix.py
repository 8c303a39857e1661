"""The permission matrix: relationship × route × method → 404 (invisible), 403 (visible, not allowed) or through.

Each route names the scope at which the case becomes visible on it and the scope needed to act. The cast
(tests/cases/cast.py) holds one user per relationship. A meta-test fails when a route touching cases or people is
missing from the matrix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cases.models import Case
from tests.cases.cast import RELATIONSHIPS, Cast, build_cast
from tests.helpers import api_client, signed_in

pytestmark = pytest.mark.django_db

LEVEL = {None: 0, "summary": 1, "full": 2, "contribute": 3, "owner": 4}
THROUGH = "through"  # neither 403 nor 404: the permission gate let the request reach the service


def _future(days: int = 14) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _html_date(prefix: str, days: int = 0) -> dict[str, str]:
    day = timezone.localdate() + timedelta(days=days)
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@dataclass
class Route:
    name: str
    method: str
    url: Callable[[Cast], str]
    visible_at: str
    allowed_at: str
    body: Callable[[Cast], dict[str, Any]] = field(default_factory=lambda: lambda c: {})
    api: bool = True
    # Per-relationship exceptions to the scope rule (e.g. a role check inside the service).
    overrides: dict[str, str] = field(default_factory=dict)


def case_url(path: str, api: bool = True) -> Callable[[Cast], str]:
    prefix = "/api/v1/cases" if api else "/cases"
    return lambda c: f"{prefix}/{c.case.pk}/{path}"


def plan_url(path: str, api: bool = True) -> Callable[[Cast], str]:
    prefix = "/api/v1/cases" if api else "/cases"
    return lambda c: f"{prefix}/{c.case.pk}/plans/{c.case.plans.get().pk}/{path}"


def decision_url(api: bool) -> Callable[[Cast], str]:
    def url(c: Cast) -> str:
        decision = c.full_share_decision  # type: ignore[attr-defined]
        return (
            f"/api/v1/cases/{c.case.pk}/sharing-decisions/{decision.pk}/revoke/"
            if api
            else (f"/cases/{c.case.pk}/sharing/{decision.pk}/revoke/")
        )

    return url


SHARE_BODY = {
    "recipient_agency_id": None,
    "purpose": "individual_care",
    "scope": "summary",
    "data_items": ["identity"],
    "lawful_basis_art6": "6_1_e_public_task",
    "consent_status": "given",
    "adult_informed": True,
    "rationale": "Needed to coordinate support and keep the adult safe.",
}

LEADS_ONLY = {"owner_practitioner": "403"}
NO_EXPORT = "00000000-0000-4000-8000-000000000000"
ALL_404 = dict.fromkeys(RELATIONSHIPS, "404")
BREAK_GLASS = {name: ("through" if name == "owner_lead" else "403") for name in RELATIONSHIPS}
NONE_OPEN = dict.fromkeys(RELATIONSHIPS, "404")

# Full-scope grantees see the enquiry, plans and so on; writing to them needs the owner (lead agency/LA).
ROUTES = [
    Route("api:case-detail", "get", case_url(""), "summary", "summary"),
    Route("api:case-detail", "patch", case_url(""), "summary", "owner", lambda c: {"risk_level": "high"}),
    Route(
        "api:case-transitions",
        "post",
        case_url("transitions/"),
        "summary",
        "owner",
        lambda c: {"transition": "close", "reason": "withdrawn"},
    ),
    Route("api:case-chronology", "get", case_url("chronology/"), "full", "full"),
    Route(
        "api:case-chronology",
        "post",
        case_url("chronology/"),
        "full",
        "contribute",
        lambda c: {"summary": "Telephone call with the adult"},
    ),
    Route("api:case-enquiry", "get", case_url("enquiry/"), "full", "full"),
    Route("api:case-enquiry", "patch", case_url("enquiry/"), "full", "owner", lambda c: {"scope": "Lines"}),
    Route(
        "api:case-enquiry-conclude",
        "post",
        case_url("enquiry/conclude/"),
        "full",
        "owner",
        overrides={"owner_practitioner": "403"},
    ),
    Route("api:case-plans", "get", case_url("plans/"), "full", "full"),
    Route(
        "api:case-plans",
        "post",
        case_url("plans/"),
        "full",
        "owner",
        lambda c: {"risks": "Further harm", "review_date": _future()},
    ),
    Route(
        "api:case-plan-review",
        "post",
        plan_url("review/"),
        "full",
        "owner",
        lambda c: {"notes": "Reviewed", "next_review_date": _future()},
    ),
    Route(
        "api:case-plan-actions",
        "post",
        plan_url("actions/"),
        "full",
        "owner",
        lambda c: {"description": "Visit", "due_date": _future()},
    ),
    Route("api:case-capacity", "get", case_url("capacity-assessments/"), "full", "full"),
    Route(
        "api:case-capacity",
        "post",
        case_url("capacity-assessments/"),
        "full",
        "contribute",
        lambda c: {
            "decision": "Where to live",
            "assessed_at": timezone.now().isoformat(),
            "outcome": "has_capacity",
            "reasoning": "Understood and weighed it.",
        },
    ),
    Route("api:case-dash", "get", case_url("dash-assessments/"), "full", "full"),
    Route(
        "api:case-dash",
        "post",
        case_url("dash-assessments/"),
        "full",
        "contribute",
        lambda c: {"answers": {str(n): "no" for n in range(1, 25)}},
    ),
    Route("api:case-sharing-decisions", "get", case_url("sharing-decisions/"), "summary", "summary"),
    Route(
        "api:case-sharing-decisions",
        "post",
        case_url("sharing-decisions/"),
        "summary",
        "owner",
        lambda c: {**SHARE_BODY, "recipient_agency_id": str(c.world.police.pk)},
    ),
    Route(
        "api:case-sharing-decision-revoke",
        "post",
        decision_url(True),
        "summary",
        "owner",
        lambda c: {"reason": "Finished"},
        overrides={
            # The decision itself is visible only to its recipient and the owner.
            "summary_share": "404",
            "contribute_share": "404",
            "named_user_share": "404",
            "overlapping_one_revoked": "404",
            "full_share": "403",
        },
    ),
    Route("api:case-visibility", "get", case_url("visibility/"), "summary", "owner"),
    # Break-glass: only its roles (the owning agency's safeguarding lead here) get past the role gate, and the case
    # is already visible to them (409); every other relationship is refused by role (403), whatever it can see.
    Route(
        "api:case-break-glass",
        "post",
        case_url("break-glass/"),
        "summary",
        "owner",
        lambda c: {
            "reason_code": "immediate_risk",
            "reason": "An emergency that cannot wait for the owner.",
            "otp": "1",
        },
        overrides=BREAK_GLASS,
    ),
    Route("cases:break-glass", "get", case_url("break-glass/", api=False), "summary", "owner", overrides=BREAK_GLASS),
    # Ending emergency access: only one's own open access can be ended, and no relationship here has one: 404 for all.
    Route("api:case-break-glass-end", "post", case_url("break-glass/end/"), "summary", "owner", overrides=NONE_OPEN),
    Route(
        "cases:break-glass-end",
        "post",
        case_url("break-glass/end/", api=False),
        "summary",
        "owner",
        overrides=NONE_OPEN,
    ),
    # Who viewed this record: the owning agency's safeguarding leads only.
    Route("api:case-access-log", "get", case_url("access-log/"), "summary", "owner", overrides=LEADS_ONLY),
    Route("cases:access-log", "get", case_url("access-log/", api=False), "summary", "owner", overrides=LEADS_ONLY),
    # Exports: anyone who sees the case may export what their scope allows (202); a job is its requester's alone,
    # so someone else's (here: no such) export answers 404 on every relationship.
    Route(
        "api:case-exports",
        "post",
        case_url("exports/"),
        "summary",
        "summary",
        lambda c: {"format": "json", "recipient": "Strategy meeting", "purpose": "Strategy meeting pack"},
    ),
    Route("api:case-exports", "get", case_url("exports/"), "summary", "summary"),
    Route("cases:exports", "get", case_url("exports/", api=False), "summary", "summary"),
    Route(
        "cases:exports",
        "post",
        case_url("exports/", api=False),
        "summary",
        "summary",
        lambda c: {"format": "json", "recipient": "Strategy meeting", "purpose": "Strategy meeting pack"},
    ),
    Route(
        "cases:export-download",
        "get",
        case_url(f"exports/{NO_EXPORT}/download/", api=False),
        "summary",
        "summary",
        overrides=ALL_404,
    ),
    Route("api:case-export", "get", case_url(f"exports/{NO_EXPORT}/"), "summary", "summary", overrides=ALL_404),
    Route(
        "api:case-export-download",
        "get",
        case_url(f"exports/{NO_EXPORT}/download/"),
        "summary",
        "summary",
        overrides=ALL_404,
    ),
    Route("api:person-detail", "get", lambda c: f"/api/v1/people/{c.case.adult_id}/", "summary", "summary"),
    Route(
        "api:person-detail",
        "patch",
        lambda c: f"/api/v1/people/{c.case.adult_id}/",
        "summary",
        "owner",
        lambda c: {"address": "1 New Road"},
    ),
    Route(
        "api:person-merge",
        "post",
        lambda c: f"/api/v1/people/{c.case.adult_id}/merge/",
        "summary",
        "owner",
        lambda c: {"merge_id": str(c.case.adult_id), "reason": "Same person"},
        overrides={"owner_practitioner": "403"},
    ),
    # Browser routes.
    Route("cases:detail", "get", case_url("", api=False), "summary", "summary", api=False),
    Route(
        "cases:chronology-add",
        "post",
        case_url("chronology/", api=False),
        "full",
        "contribute",
        lambda c: {"summary": "Visit", "entry_type": "note", **_html_date("event_date")},
        api=False,
    ),
    Route(
        "cases:risk-update",
        "post",
        case_url("risk/", api=False),
        "full",
        "owner",
        lambda c: {"risk_level": "high", "mha_status": "none", "version": c.case.version},
        api=False,
    ),
    Route("cases:transition", "get", lambda c: f"/cases/{c.case.pk}/transitions/close/", "full", "full", api=False),
    Route(
        "cases:transition",
        "post",
        lambda c: f"/cases/{c.case.pk}/transitions/close/",
        "full",
        "owner",
        lambda c: {"reason": "withdrawn"},
        api=False,
    ),
    Route("cases:capacity-add", "get", case_url("capacity/new/", api=False), "full", "full", api=False),
    Route(
        "cases:capacity-add",
        "post",
        case_url("capacity/new/", api=False),
        "full",
        "contribute",
        lambda c: {"decision": "x", "outcome": "has_capacity", "reasoning": "y", **_html_date("assessed_on")},
        api=False,
    ),
    Route("cases:dash-add", "get", case_url("dash/new/", api=False), "full", "full", api=False),
    Route(
        "cases:dash-add",
        "post",
        case_url("dash/new/", api=False),
        "full",
        "contribute",
        lambda c: {f"q{n}": "no" for n in range(1, 25)},
        api=False,
    ),
    Route("cases:share", "get", case_url("share/", api=False), "summary", "owner", api=False),
    Route("cases:share", "post", case_url("share/", api=False), "summary", "owner", api=False),
    Route("cases:revoke", "get", decision_url(False), "summary", "owner", api=False),
    Route("cases:revoke", "post", decision_url(False), "summary", "owner", lambda c: {"reason": "Done"}, api=False),
    Route("cases:enquiry-edit", "get", case_url("enquiry/", api=False), "full", "full", api=False),
    Route(
        "cases:enquiry-edit",
        "post",
        case_url("enquiry/", api=False),
        "full",
        "owner",
        lambda c: {"scope": "x", "version": c.case.enquiries.get().version, "action": "save"},
        api=False,
    ),
    Route("cases:plan-new", "get", case_url("plans/new/", api=False), "full", "full", api=False),
    Route(
        "cases:plan-new",
        "post",
        case_url("plans/new/", api=False),
        "full",
        "owner",
        lambda c: {"risks": "x", **_html_date("review_date", 14)},
        api=False,
    ),
    Route("cases:plan-review", "get", plan_url("review/", api=False), "full", "full", api=False),
    Route(
        "cases:plan-review",
        "post",
        plan_url("review/", api=False),
        "full",
        "owner",
        lambda c: {"notes": "x", **_html_date("next_review_date", 14)},
        api=False,
    ),
    Route("cases:plan-action-new", "get", plan_url("actions/new/", api=False), "full", "full", api=False),
    Route(
        "cases:plan-action-new",
        "post",
        plan_url("actions/new/", api=False),
        "full",
        "owner",
        lambda c: {"description": "x"},
        api=False,
    ),
]


def expected(route: Route, relationship: str) -> str:
    if relationship in route.overrides:
        return route.overrides[relationship]
    scope = LEVEL[RELATIONSHIPS[relationship]]
    if scope < LEVEL[route.visible_at]:
        return "404"
    if scope < LEVEL[route.allowed_at]:
        return "403"
    return THROUGH


def outcome(status: int) -> str:
    return str(status) if status in (403, 404) else THROUGH


@pytest.fixture
def cast() -> Cast:
    from cases import services
    from safeguarding.sharing.models import SharingDecision

    built = build_cast()
    services.plan_create(
        case=built.case,
        by=built.world.practitioner,
        lead_agency=built.world.trust,
        risks="Further harm",
        review_date=timezone.localdate() + timedelta(days=20),
    )
    built.full_share_decision = SharingDecision.objects.get(  # type: ignore[attr-defined]
        recipient_agency=built.users["full_share"].membership.agency
    )
    return built


@pytest.mark.parametrize("relationship", list(RELATIONSHIPS))
def test_every_route_answers_the_relationship_as_the_matrix_says(cast: Cast, relationship: str) -> None:
    """One cast per relationship; every route is called inside a savepoint that is rolled back afterwards."""
    from tests.cases.cast import after_expiry

    user = cast.users[relationship]
    failures = []
    with after_expiry():
        for route in ROUTES:
            client = api_client(user) if route.api else signed_in(user)
            with transaction.atomic():
                kwargs: dict[str, Any] = {"format": "json"} if route.api else {}
                if route.method in ("patch", "put"):
                    kwargs["HTTP_IF_MATCH"] = "*"
                call = getattr(client, route.method)
                url = route.url(cast)
                response = call(url) if route.method == "get" else call(url, route.body(cast), **kwargs)
                transaction.set_rollback(True)
            if not user.is_active:
                # A deactivated account's session is no longer signed in: refused before any record is looked up.
                if response.status_code not in (302, 401, 403):
                    failures.append(f"{route.method.upper()} {route.name}: deactivated got {response.status_code}")
                continue
            want, got = expected(route, relationship), outcome(response.status_code)
            if got != want:
                failures.append(f"{route.method.upper()} {route.name}: expected {want}, got {response.status_code}")
    assert not failures, f"{relationship}: " + "; ".join(failures)


def test_lists_and_search_contain_the_case_exactly_for_relationships_that_see_it(cast: Cast) -> None:
    from tests.cases.cast import after_expiry

    with after_expiry():
        for relationship, user in cast.users.items():
            if not user.is_active:
                continue
            sees = RELATIONSHIPS[relationship] is not None
            client = api_client(user)
            listed = {r["id"] for r in client.get("/api/v1/cases/").json()["results"]}
            found = {
                r["id"] for r in client.post("/api/v1/cases/search/", {"text": "alex"}, format="json").json()["results"]
            }
            people = {r["id"] for r in client.get("/api/v1/people/").json()["results"]}
            assert (str(cast.case.pk) in listed) is sees, relationship
            assert (str(cast.case.pk) in found) is sees, relationship
            assert (str(cast.case.adult_id) in people) is sees, relationship


def _walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _walk(entry, prefix + str(entry.pattern), f"{ns}{entry.namespace}:" if entry.namespace else ns)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((prefix + str(entry.pattern), f"{ns}{entry.name}"))
    return found


# Case and people routes covered elsewhere (collections, searches, the concern journey, team views).
COVERED_ELSEWHERE = {
    "api:case-list",
    "api:case-search",
    "api:person-list",
    "api:person-search",
    "cases:list",
    "cases:team",
    "cases:search",
    "cases:concern-start",
    "cases:concern-step",
    "cases:concern-match",
    "cases:concern-check",
}


def test_every_route_touching_cases_or_people_is_in_the_matrix() -> None:
    in_matrix = {r.name for r in ROUTES} | COVERED_ELSEWHERE
    touching = {
        name
        for route, name in _walk(get_resolver())
        if re.search(r"^api/v1/(cases|people)/", route) or name.startswith("cases:")
    }
    missing = sorted(touching - in_matrix)
    assert not missing, f"routes missing from the permission matrix: {missing}"


def test_the_case_is_the_one_every_route_is_about(cast: Cast) -> None:
    assert Case.objects.filter(pk=cast.case.pk, status="plan").exists()
