"""Generated worlds against a small oracle written from the policy, not from the production code.

Property: in random worlds of agencies, users (with random roles), cases and sharing decisions (some expired,
some revoked), the ids each user gets from the list API equal the oracle's, and every other case answers 404 on
detail, chronology and search. A stateful machine then shares, revokes, expires (moving time), deactivates users,
merges people, asks and answers information requests (a disclosure is a decision to the requesting agency), breaks
glass (a 60-minute named grant) and exports (exactly the scope's sections; never under break-glass alone), comparing
every user's visible cases, people and information requests with the oracle after each step.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from cases import services
from cases.models import Person
from cases.selectors import case_list_for_paging, case_list_for_user, person_list_for_user
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.organisations.models import AgencyType
from safeguarding.roles import Role
from safeguarding.sharing import break_glass, exports
from safeguarding.sharing import services as sharing
from safeguarding.sharing.requests import (
    information_request_create,
    information_request_respond,
    information_requests_visible_to,
)
from tests.cases.factories import concern_data
from tests.factories import TEST_TOTP_KEY, AgencyFactory, AreaFactory, UserFactory
from tests.helpers import api_client, totp_code

pytestmark = pytest.mark.django_db

ROLES = [Role.PRACTITIONER, Role.SAFEGUARDING_LEAD, Role.COMMISSIONER, Role.AUDITOR, Role.AGENCY_ADMIN]
CASE_ROLES = {Role.PRACTITIONER, Role.SAFEGUARDING_LEAD}


def _nhs(prefix: int) -> str:
    digits = f"{prefix:09d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
    return digits + str(0 if check == 11 else check) if check != 10 else ""


# Valid, distinct NHS numbers, one per case index (given to a case's adult when break-glass looks them up).
NHS_NUMBERS = [n for n in (_nhs(943476590 + i) for i in range(20)) if n][:5]
SHARE = {
    "data_items": ["identity"],
    "lawful_basis_art6": "6_1_e_public_task",
    "consent_status": "given",
    "rationale": "Needed to coordinate support and keep the adult safe.",
    "adult_informed": True,
    "purpose": "individual_care",
}


# --- the oracle -----------------------------------------------------------------------------------------------


@dataclass
class OUser:
    pk: Any
    agency: int
    role: str
    active: bool = True


@dataclass
class ODecision:
    pk: Any
    case: int
    agency: int | None
    user: Any
    expires_at: datetime
    revoked: bool = False
    scope: str = "full"
    break_glass: bool = False


@dataclass
class Oracle:
    users: list[OUser] = field(default_factory=list)
    case_owner: list[int] = field(default_factory=list)
    decisions: list[ODecision] = field(default_factory=list)

    def may_see(self, user: OUser, case: int, now: datetime) -> bool:
        if not user.active or user.role not in CASE_ROLES:
            return False
        if self.case_owner[case] == user.agency:
            return True
        return any(
            d.case == case
            and not d.revoked
            and d.expires_at > now
            and (d.user == user.pk or (d.user is None and d.agency == user.agency))
            for d in self.decisions
        )

    def live(self, user: OUser, case: int, now: datetime) -> list[ODecision]:
        return [
            d
            for d in self.decisions
            if d.case == case
            and not d.revoked
            and d.expires_at > now
            and (d.user == user.pk or (d.user is None and d.agency == user.agency))
        ]

    def scope(self, user: OUser, case: int, now: datetime) -> str | None:
        """The widest scope ``user`` holds on ``case`` (``owner`` for the owning agency)."""
        if not self.may_see(user, case, now):
            return None
        if self.case_owner[case] == user.agency:
            return "owner"
        order = ["summary", "full", "contribute"]
        return max((d.scope for d in self.live(user, case, now)), key=order.index)


# --- building a world through the services --------------------------------------------------------------------


class WorldBuilder:
    def __init__(self, agency_count: int) -> None:
        self.agencies = [AgencyFactory(agency_type=AgencyType.NHS_MENTAL_HEALTH_TRUST) for _ in range(agency_count)]
        AreaFactory(agencies=self.agencies)
        # A practitioner per agency who logs the cases and decides on sharing (not one of the users under test).
        self.owners = [UserFactory(agency=a, roles=[Role.PRACTITIONER]) for a in self.agencies]
        self.users: list[Any] = []
        self.cases: list[Any] = []
        self.requests: list[tuple[Any, int, int]] = []
        self.oracle = Oracle()

    def add_user(self, agency: int, role: str) -> None:
        user = UserFactory(agency=self.agencies[agency], roles=[role])
        self.users.append(user)
        self.oracle.users.append(OUser(user.pk, agency, role))

    def add_case(self, agency: int) -> None:
        owner = self.owners[agency]
        person = services.person_create(by=owner, given_name="Gen", family_name=f"Person{len(self.cases)}")
        self.cases.append(services.concern_log(by=owner, adult=person, concern=concern_data()).case)
        self.oracle.case_owner.append(agency)

    def share(self, case: int, agency: int, user: int | None, hours: int, scope: str) -> Any:
        owner_agency = self.oracle.case_owner[case]
        recipient_user = self.users[user] if user is not None else None
        if recipient_user is None and agency == owner_agency:
            return None
        if recipient_user is not None and (
            self.oracle.users[user].agency == owner_agency
            or self.oracle.users[user].role not in CASE_ROLES  # type: ignore[index]
            or not recipient_user.is_active
        ):
            return None
        decision = sharing.share_record(
            obj=self.cases[case],
            decided_by=self.owners[owner_agency],
            scope=scope,
            recipient_agency=None if recipient_user else self.agencies[agency],
            recipient_user=recipient_user,
            expires_at=timezone.now() + timedelta(hours=hours),
            **SHARE,
        )
        self.oracle.decisions.append(
            ODecision(
                decision.pk,
                case,
                None if recipient_user else agency,
                recipient_user.pk if recipient_user else None,
                decision.expires_at,
                scope=scope,
            )
        )
        return decision

    def request_and_answer(self, case: int, requester: int, disclose: bool) -> None:
        """A user asks the owning agency about a case they can see; the owner discloses (a decision to the
        requester's agency, as the engine records it) or refuses (nothing changes)."""
        ouser = self.oracle.users[requester]
        owner_agency = self.oracle.case_owner[case]
        now = timezone.now()
        if ouser.agency == owner_agency or not self.oracle.may_see(ouser, case, now):
            return
        request = information_request_create(
            by=self.users[requester],
            holder_agency=self.agencies[owner_agency],
            purpose="individual_care",
            lawful_basis="6_1_e_public_task",
            what="Their risk assessment and current plan.",
            why="To coordinate the support we give the adult.",
            case=self.cases[case],
        )
        self.requests.append((request.pk, ouser.agency, owner_agency))
        event("information request answered")
        outcome = "disclose" if disclose else "refuse"
        answered = information_request_respond(
            request=request,
            by=self.owners[owner_agency],
            outcome=outcome,
            reasons="Needed to coordinate support and keep the adult safe.",
            scope="full",
            data_items=["identity"],
            lawful_basis_art6="6_1_e_public_task",
            consent_status="given",
            adult_informed=True,
        )
        if disclose:
            assert answered.decision is not None and answered.decision.expires_at is not None
            self.oracle.decisions.append(
                ODecision(answered.decision.pk, case, ouser.agency, None, answered.decision.expires_at)
            )

    def break_glass(self, case: int, user_index: int) -> None:
        """A safeguarding lead breaks glass on a case they cannot see: a 60-minute named grant in the oracle."""
        ouser, user = self.oracle.users[user_index], self.users[user_index]
        now = timezone.now()
        if ouser.role != Role.SAFEGUARDING_LEAD or not ouser.active or self.oracle.may_see(ouser, case, now):
            return
        target = self.cases[case]
        target.refresh_from_db()  # a merge may have moved the case to the surviving person
        if not target.adult.nhs_number:
            Person.objects.filter(pk=target.adult_id).update(nhs_number=NHS_NUMBERS[case])
            target.adult.refresh_from_db()
        break_glass.break_glass_lookup(user=user, nhs_number=target.adult.nhs_number)
        try:
            access = break_glass.break_glass_open(
                user=user,
                obj=target,
                reason_code="immediate_risk",
                reason="An emergency that cannot wait for the owning agency.",
                otp=totp_code(TEST_TOTP_KEY),
            )
        except InvalidInput:
            return  # the same code twice in one 30-second step is refused (replay): nothing opened
        self.oracle.decisions.append(
            ODecision(access.decision_id, case, None, user.pk, access.expires_at, break_glass=True)
        )
        event("break-glass opened")

    def export(self, case: int, user_index: int) -> None:
        """A user who sees a case exports it: the file holds exactly their scope's sections; a user who reaches it
        only through break-glass cannot export at all."""
        ouser, now = self.oracle.users[user_index], timezone.now()
        scope = self.oracle.scope(ouser, case, now)
        assert scope is not None
        live = self.oracle.live(ouser, case, now)
        only_break_glass = self.oracle.case_owner[case] != ouser.agency and all(d.break_glass for d in live)
        try:
            export = exports.export_request(
                user=self.users[user_index],
                obj=self.cases[case],
                scope=scope,
                fmt="json",
                recipient="Strategy meeting",
                purpose="Strategy meeting pack",
            )
        except ActionForbidden:
            assert only_break_glass
            return
        assert not only_break_glass
        exports.export_render(export_id=export.pk)
        export.refresh_from_db()
        headings = [section["heading"] for section in json.loads(bytes(export.content))["sections"]]
        if scope == "summary":
            assert headings == ["Case summary", "The adult"]
        else:
            assert "Chronology" in headings and "Risk" in headings
        event(f"exported at {scope}")

    def expected_requests(self, user_index: int) -> set[Any]:
        user = self.oracle.users[user_index]
        if not user.active or user.role not in CASE_ROLES:
            return set()
        return {pk for pk, requester, holder in self.requests if user.agency in (requester, holder)}

    def revoke(self, index: int) -> None:
        entry = self.oracle.decisions[index]
        if entry.revoked:
            return
        from safeguarding.sharing.models import SharingDecision

        decision = SharingDecision.objects.get(pk=entry.pk)
        sharing.revoke_share(decision=decision, by=self.owners[self.oracle.case_owner[entry.case]], reason="Ended")
        entry.revoked = True

    def expected_cases(self, user_index: int, now: datetime) -> set[str]:
        user = self.oracle.users[user_index]
        return {str(c.pk) for i, c in enumerate(self.cases) if self.oracle.may_see(user, i, now)}


worlds = st.fixed_dictionaries(
    {
        "agencies": st.integers(2, 4),
        "users": st.lists(st.tuples(st.integers(0, 3), st.sampled_from(ROLES)), min_size=1, max_size=6),
        "cases": st.lists(st.integers(0, 3), min_size=1, max_size=5),
        "shares": st.lists(
            st.tuples(
                st.integers(0, 4),
                st.integers(0, 3),
                st.one_of(st.none(), st.integers(0, 5)),
                st.integers(1, 48),
                st.sampled_from(["summary", "full", "contribute"]),
                st.booleans(),
            ),
            max_size=8,
        ),
        "later_hours": st.integers(0, 60),
    }
)


def build(spec: dict[str, Any]) -> WorldBuilder:
    builder = WorldBuilder(spec["agencies"])
    for agency, role in spec["users"]:
        builder.add_user(agency % spec["agencies"], role)
    for agency in spec["cases"]:
        builder.add_case(agency % spec["agencies"])
    for case, agency, user, hours, scope, revoked in spec["shares"]:
        user_index = None if user is None or user >= len(builder.users) else user
        decision = builder.share(case % len(builder.cases), agency % spec["agencies"], user_index, hours, scope)
        if decision is not None and revoked:
            builder.revoke(len(builder.oracle.decisions) - 1)
    return builder


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(spec=worlds)
def test_every_user_sees_exactly_the_oracles_cases_and_404_on_the_rest(spec: dict[str, Any]) -> None:
    with transaction.atomic():
        builder = build(spec)
        with time_machine.travel(timezone.now() + timedelta(hours=spec["later_hours"]), tick=False):
            now = timezone.now()
            for index, user in enumerate(builder.users):
                expected = builder.expected_cases(index, now)
                client = api_client(user)
                listed = {row["id"] for row in client.get("/api/v1/cases/?page_size=200").json()["results"]}
                assert listed == expected, (builder.oracle.users[index], spec)
                for case in builder.cases:
                    if str(case.pk) in expected:
                        continue
                    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
                    assert client.get(f"/api/v1/cases/{case.pk}/chronology/").status_code == 404
                found = client.post("/api/v1/cases/search/", {"text": "gen"}, format="json").json()["results"]
                assert {row["id"] for row in found} == expected
                # An export holds exactly what the user's scope allows (summary sections, or the full record).
                scopes = {
                    i: builder.oracle.scope(builder.oracle.users[index], i, now) for i in range(len(builder.cases))
                }
                # Shared cases first (their scope is what the check is about), one export per user.
                for case_index in sorted((i for i in scopes if scopes[i]), key=lambda i: scopes[i] == "owner"):
                    case, scope = builder.cases[case_index], scopes[case_index]
                    job = client.post(
                        f"/api/v1/cases/{case.pk}/exports/",
                        {"format": "json", "recipient": "Panel", "purpose": "Generated check"},
                        format="json",
                    ).json()
                    assert job["scope"] == scope
                    exports.export_render(export_id=job["id"])
                    body = client.get(f"/api/v1/cases/{case.pk}/exports/{job['id']}/download/").json()
                    headings = [section["heading"] for section in body["sections"]]
                    assert ("Chronology" in headings) is (scope != "summary"), (scope, headings)
                    break
        transaction.set_rollback(True)


# --- the stateful machine -------------------------------------------------------------------------------------


class SharingMachine(RuleBasedStateMachine):
    """Share, revoke, expire (move time), deactivate users and merge people; compare with the oracle throughout."""

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = time_machine.travel(timezone.now(), tick=False)
        self.traveller = self.clock.start()
        self.builder: WorldBuilder

    @initialize(
        agencies=st.integers(2, 3),
        users=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(ROLES)), min_size=2, max_size=5),
        cases=st.lists(st.integers(0, 2), min_size=2, max_size=4),
    )
    def setup(self, agencies: int, users: list[tuple[int, str]], cases: list[int]) -> None:
        self.builder = WorldBuilder(agencies)
        for agency, role in users:
            self.builder.add_user(agency % agencies, role)
        for agency in cases:
            self.builder.add_case(agency % agencies)

    @rule(
        case=st.integers(0, 3),
        agency=st.integers(0, 2),
        user=st.one_of(st.none(), st.integers(0, 4)),
        hours=st.integers(1, 30),
        scope=st.sampled_from(["summary", "full", "contribute"]),
    )
    def share(self, case: int, agency: int, user: int | None, hours: int, scope: str) -> None:
        b = self.builder
        user_index = None if user is None or user >= len(b.users) else user
        b.share(case % len(b.cases), agency % len(b.agencies), user_index, hours, scope)

    @rule(index=st.integers(0, 20))
    def revoke(self, index: int) -> None:
        if self.builder.oracle.decisions:
            self.builder.revoke(index % len(self.builder.oracle.decisions))

    @rule(hours=st.integers(1, 24))
    def advance_time(self, hours: int) -> None:
        self.traveller.shift(timedelta(hours=hours))
        sharing.expire_shares()

    @rule(index=st.integers(0, 4))
    def deactivate(self, index: int) -> None:
        b = self.builder
        if not b.users:
            return
        user = b.users[index % len(b.users)]
        user.is_active = False
        user.save(update_fields=["is_active"])
        b.oracle.users[index % len(b.users)].active = False

    @rule(a=st.integers(0, 3), b=st.integers(0, 3))
    def merge_people(self, a: int, b: int) -> None:
        """A lead of the agency owning both cases merges their adults: visibility of cases must not change."""
        builder = self.builder
        first, second = builder.cases[a % len(builder.cases)], builder.cases[b % len(builder.cases)]
        if first.pk == second.pk or first.owning_agency_id != second.owning_agency_id:
            return
        first.refresh_from_db()
        second.refresh_from_db()
        if first.adult_id == second.adult_id or second.status != "raised":
            return
        if first.adult.nhs_number or second.adult.nhs_number:
            return  # given NHS numbers for break-glass: different people
        lead = UserFactory(agency=first.owning_agency, roles=[Role.SAFEGUARDING_LEAD], email=f"{uuid.uuid4()}@x.test")
        services.case_transition(
            case=second,
            by=builder.owners[builder.oracle.case_owner[b % len(builder.cases)]],
            transition="close",
            reason="duplicate",
        )
        services.person_merge(keep=first.adult, merge=second.adult, by=lead, reason="The same person")

    @rule(case=st.integers(0, 3), user=st.integers(0, 4), disclose=st.booleans())
    def request_information(self, case: int, user: int, disclose: bool) -> None:
        """The first (user, case) pair from the drawn offsets where a user sees another agency's case."""
        b, now = self.builder, timezone.now()
        for i in range(len(b.users)):
            for j in range(len(b.cases)):
                u, c = (user + i) % len(b.users), (case + j) % len(b.cases)
                ouser = b.oracle.users[u]
                if ouser.agency != b.oracle.case_owner[c] and b.oracle.may_see(ouser, c, now):
                    b.request_and_answer(c, u, disclose)
                    return

    @rule(case=st.integers(0, 3), user=st.integers(0, 4))
    def break_glass(self, case: int, user: int) -> None:
        """The first active safeguarding lead (from the drawn offset) breaks glass on a case they cannot see."""
        b, now = self.builder, timezone.now()
        for i in range(len(b.users)):
            u = (user + i) % len(b.users)
            ouser = b.oracle.users[u]
            if ouser.role != Role.SAFEGUARDING_LEAD or not ouser.active:
                continue
            for j in range(len(b.cases)):
                c = (case + j) % len(b.cases)
                if not b.oracle.may_see(ouser, c, now):
                    b.break_glass(c, u)
                    return

    @rule(case=st.integers(0, 3), user=st.integers(0, 4))
    def export(self, case: int, user: int) -> None:
        """The first (user, case) pair from the drawn offsets where the user sees the case."""
        b, now = self.builder, timezone.now()
        for i in range(len(b.users)):
            for j in range(len(b.cases)):
                u, c = (user + i) % len(b.users), (case + j) % len(b.cases)
                if b.oracle.may_see(b.oracle.users[u], c, now):
                    b.export(c, u)
                    return

    @invariant()
    def requests_are_visible_to_the_two_agencies_only(self) -> None:
        if not hasattr(self, "builder"):
            return
        b = self.builder
        for index, user in enumerate(b.users):
            user.refresh_from_db()
            seen = set(information_requests_visible_to(user).values_list("pk", flat=True))
            assert seen == b.expected_requests(index)

    @invariant()
    def visible_cases_and_people_match_the_oracle(self) -> None:
        if not hasattr(self, "builder"):
            return
        now = timezone.now()
        b = self.builder
        for index, user in enumerate(b.users):
            user.refresh_from_db()
            expected = b.expected_cases(index, now)
            assert {str(pk) for pk in case_list_for_user(user=user).values_list("pk", flat=True)} == expected
            for walk_from in (1, 10_000):  # both SQL shapes of the paged list give the same rows
                with override_settings(CASE_LIST_WALK_THRESHOLD=walk_from):
                    paged = case_list_for_paging(user=user).values_list("pk", flat=True)
                    assert {str(pk) for pk in paged} == expected
            people = {str(pk) for pk in person_list_for_user(user=user).values_list("pk", flat=True)}
            from cases.models import Case

            adults = {str(a) for a in Case.objects.filter(pk__in=expected).values_list("adult_id", flat=True)}
            assert people == adults

    def teardown(self) -> None:
        self.clock.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)


def test_the_sharing_state_machine_agrees_with_the_oracle() -> None:
    run_state_machine_as_test(
        SharingMachine,
        settings=settings(
            max_examples=8,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
