"""Reads for cases and people. ``case_list_for_user`` is the one visibility rule for cases; every other model here
is read through it (nested objects are fetched through the visible case queryset).

Visibility comes from membership of the owning agency (for case-working roles) and, through the sharing engine,
from live grants. The scope a user holds on a case decides which fields and sub-resources they may read.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cases.models import (
    CapacityAssessment,
    Case,
    CasePerson,
    ChronologyEntry,
    Concern,
    DashAssessment,
    Enquiry,
    Person,
    PlanAction,
    SafeguardingPlan,
)
from safeguarding.accounts.models import User
from safeguarding.actions.services import action_visibility
from safeguarding.audit.services import record_access, record_denied
from safeguarding.organisations.selectors import case_working_agency_id
from safeguarding.requests import is_uuid
from safeguarding.sharing import selectors as sharing
from safeguarding.sharing.break_glass import active_break_glass

SEARCH_CAP = 1000


class Scope(enum.IntEnum):
    """What a user may do with a case they can see. Ordered: a wider scope includes the narrower ones."""

    do_not_call_in_templates = enum.nonmember(True)

    SUMMARY = 1
    FULL = 2
    CONTRIBUTE = 3  # full + adding chronology entries and contributions
    OWNER = 4  # the owning agency

    @property
    def label(self) -> str:
        return self.name.lower()


SCOPE_FROM_GRANT = {"summary": Scope.SUMMARY, "full": Scope.FULL, "contribute": Scope.CONTRIBUTE}


GRANT_SCOPE = {Scope.SUMMARY: "summary", Scope.FULL: "full", Scope.CONTRIBUTE: "contribute"}


def _visible_ids(user: User, min_scope: Scope) -> QuerySet[Any] | None:
    """``owned UNION ALL granted`` ids, or None when nothing can reach the user."""
    own = case_working_agency_id(user)
    owned = Case.objects.filter(owning_agency_id=own).order_by().values("pk") if own is not None else None
    if min_scope == Scope.OWNER:
        return owned
    granted = sharing.granted_ids(Case, user, min_scope=GRANT_SCOPE[min_scope])
    parts = [p for p in (owned, granted) if p is not None]
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def case_visibility_q(user: User, min_scope: Scope = Scope.SUMMARY) -> Q:
    """Owned by the user's agency, or granted by a live sharing decision: one ``id IN (owned UNION ALL granted)``
    so a user who sees few cases never walks the whole table (``bench/bench_sharing.py``)."""
    ids = _visible_ids(user, min_scope)
    return Q(pk__in=ids) if ids is not None else Q(pk__in=[])


def case_list_for_user(*, user: User, min_scope: Scope = Scope.SUMMARY) -> QuerySet[Case]:
    """Every case ``user`` may see (at ``min_scope`` or wider). Inactive and anonymous users see nothing.

    Sub-resources (chronology, enquiry, plans, assessments, attachments) are read through
    ``case_list_for_user(user=…, min_scope=Scope.FULL)``: a summary grantee sees none of them.
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(case_visibility_q(user, min_scope))


def case_list_for_paging(*, user: User) -> QuerySet[Case]:
    """``case_list_for_user`` (the same rule, the same rows) in the SQL shape that pages fastest for this user.

    Ordered by last update with a page limit, ``id IN (owned UNION ALL granted)`` reads and sorts every visible case,
    which is quick for a user who sees few and slow for one who sees thousands; ``owned OR EXISTS(grant)`` walks the
    update-time index and stops at the page's end, which is the reverse. One bounded probe (at most
    ``CASE_LIST_WALK_THRESHOLD`` ids) chooses. Lists use this; details and sub-resources use ``case_list_for_user``.
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    ids = _visible_ids(user, Scope.SUMMARY)
    threshold = settings.CASE_LIST_WALK_THRESHOLD
    if ids is None or ids.order_by()[:threshold].count() < threshold:
        return Case.objects.filter(Q(pk__in=ids) if ids is not None else Q(pk__in=[]))
    own = case_working_agency_id(user)
    owned = Q(owning_agency_id=own) if own is not None else Q(pk__in=[])
    return Case.objects.filter(owned | sharing.grant_exists_q(Case, user))


def case_scope_for_user(*, user: User, case: Case) -> Scope | None:
    own = case_working_agency_id(user)
    if own is not None and case.owning_agency_id == own:
        return Scope.OWNER
    scope = sharing.granted_scopes(Case, user, [case.pk]).get(case.pk)
    return SCOPE_FROM_GRANT[scope] if scope else None


def case_scopes_for_user(*, user: User, cases: Sequence[Case]) -> dict[Any, Scope]:
    """Scopes for a page of cases in one query (for list rows)."""
    own = case_working_agency_id(user)
    scopes: dict[Any, Scope] = {c.pk: Scope.OWNER for c in cases if own is not None and c.owning_agency_id == own}
    others = [c.pk for c in cases if c.pk not in scopes]
    if others:
        scopes.update({pk: SCOPE_FROM_GRANT[g] for pk, g in sharing.granted_scopes(Case, user, others).items()})
    return scopes


def case_get_for_user(
    *, user: User, case_id: Any, route: str, min_scope: Scope = Scope.SUMMARY, purpose: str = "", audit: bool = True
) -> tuple[Case, Scope]:
    """The case and the caller's scope, or 404 (the same for missing, invisible and out-of-scope sub-resources).

    Writes one access-log row: allowed, or denied when the answer is 404.

    The rule answers "may they see it" on its own (an id-only query), then the case is read with its related rows:
    joined into the rule's ``UNION ALL`` subquery, those five joins cost PostgreSQL more to plan than both queries
    take to run (``bench/bench_sharing.py``, audited detail).
    """
    case = None
    if is_uuid(case_id) and case_list_for_user(user=user).filter(pk=case_id).exists():
        case = (
            Case.objects.select_related("owning_agency", "area", "team", "lead_practitioner", "adult")
            .filter(pk=case_id)
            .first()
        )
    scope = case_scope_for_user(user=user, case=case) if case is not None else None
    if case is None or scope is None or scope < min_scope:
        if audit:
            record_denied(user=user, object_type=Case, object_id=case_id, route=route, purpose=purpose)
        raise Http404("Not found")
    if audit:
        emergency = active_break_glass(user=user, obj=case) if scope < Scope.OWNER else None
        record_access(
            user=user,
            objects_or_ids=case,
            route=route,
            purpose=purpose,
            break_glass=emergency is not None,
            break_glass_reason=f"{emergency.reason_code}: {emergency.reason}" if emergency is not None else "",
        )
    return case, scope


# --- people ---------------------------------------------------------------------------------------------------


def person_list_for_user(*, user: User) -> QuerySet[Person]:
    """People ``user`` may see: only through a case they can see (as its adult or another person in it)."""
    cases = case_list_for_user(user=user)
    as_adult = cases.filter(adult=OuterRef("pk"))
    in_case = CasePerson.objects.filter(person=OuterRef("pk"), case__in=cases)
    return Person.objects.filter(Exists(as_adult) | Exists(in_case), merged_into__isnull=True)


def normalise_name(given: str, family: str) -> str:
    text = f"{given} {family}".strip().lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() or ch == " " else " " for ch in text).split())


def person_possible_duplicates(
    *, user: User, nhs_number: str = "", given_name: str = "", family_name: str = "", date_of_birth: Any = None
) -> QuerySet[Person]:
    """Possible duplicates among the people ``user`` can see: same NHS number, or same normalised name and DOB."""
    condition = Q(pk__in=[])
    if nhs_number:
        condition |= Q(nhs_number=nhs_number)
    if given_name and family_name and date_of_birth:
        condition |= Q(normalised_name=normalise_name(given_name, family_name), date_of_birth=date_of_birth)
    return person_list_for_user(user=user).filter(condition)


# --- nested objects, always through the visible case ------------------------------------------------------------


def chronology_for_case(*, case: Case) -> QuerySet[ChronologyEntry]:
    return case.chronology.select_related("author", "author_agency").order_by("-event_date", "-created_at")


def chronology_list_for_user(*, user: User) -> QuerySet[ChronologyEntry]:
    return ChronologyEntry.objects.filter(case__in=case_list_for_user(user=user, min_scope=Scope.FULL))


def concern_list_for_user(*, user: User) -> QuerySet[Concern]:
    return Concern.objects.filter(case__in=case_list_for_user(user=user, min_scope=Scope.FULL))


def enquiry_list_for_user(*, user: User) -> QuerySet[Enquiry]:
    return Enquiry.objects.filter(case__in=case_list_for_user(user=user, min_scope=Scope.FULL))


def plan_list_for_user(*, user: User) -> QuerySet[SafeguardingPlan]:
    return SafeguardingPlan.objects.filter(case__in=case_list_for_user(user=user, min_scope=Scope.FULL))


def plan_action_list_for_user(*, user: User) -> QuerySet[PlanAction]:
    """An action is visible to its owner agency (case-working roles) and to those who can see its plan."""
    return action_visibility(PlanAction, SafeguardingPlan)(user)


def capacity_list_for_user(*, user: User) -> QuerySet[CapacityAssessment]:
    return CapacityAssessment.objects.filter(case__in=case_list_for_user(user=user, min_scope=Scope.FULL))


def dash_list_for_user(*, user: User) -> QuerySet[DashAssessment]:
    return DashAssessment.objects.filter(case__in=case_list_for_user(user=user, min_scope=Scope.FULL))


# --- search ----------------------------------------------------------------------------------------------------


def case_search(*, user: User, text: str = "", date_of_birth: Any = None, nhs_number: str = "") -> QuerySet[Case]:
    """Search visible cases by the adult's name, date of birth, NHS number, or the case reference."""
    qs = case_list_for_user(user=user).select_related("adult", "owning_agency")
    text = (text or "").strip()
    if text:
        if text.upper().startswith("SG-"):
            qs = qs.filter(reference__iexact=text)
        else:
            terms = normalise_name(text, "").split()
            for term in terms:
                qs = qs.filter(adult__search_text__contains=term)
    if date_of_birth:
        qs = qs.filter(adult__date_of_birth=date_of_birth)
    if nhs_number:
        qs = qs.filter(adult__nhs_number=nhs_number)
    return qs


def capped_count(qs: QuerySet[Any], cap: int = SEARCH_CAP) -> int:
    """Count no further than ``cap + 1`` (shown as "1,000+")."""
    return qs[: cap + 1].count()
