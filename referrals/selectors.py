"""Reads for referrals. ``referral_list_for_user`` is the one visibility rule for referrals and
``nominal_list_for_user`` the one for MAPPA nominals; every list, detail, API route and task reads through them.

A referral is seen by the sending agency (case-working roles; drafts too) and, once sent and for as long as its own
sharing decision is live, by the receiving side:
- an s42 concern, MAPPA information or a service referral: the recipient agency's case-working staff;
- a MARAC referral: only the named coordinator, and the recipient agency's staff holding the MARAC coordinator role
  (MARAC material reaches others only through the meetings capability, to the agreement's signatories).
What the recipient may read of the *case* is what the referral's own sharing decision grants, through the case's
visibility rule, and nothing else. Third agencies see nothing.

A MAPPA nominal is seen by its responsible authority and the agencies it names, nobody else.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from referrals.codes import AWAITING_RECIPIENT, MARAC_LISTABLE, Kind, MaracCriterion, State
from referrals.models import MappaNominal, Referral
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access, record_denied
from safeguarding.organisations.models import Area
from safeguarding.organisations.selectors import case_working_agency_id
from safeguarding.requests import is_uuid
from safeguarding.roles import Role

DEFAULT_REPEAT_RULE_TEXT = (
    "A repeat is any further incident of abuse between the same victim and person or people causing harm, within 12 "
    "months of the last MARAC referral, identified by any agency, whether or not it is criminal or reported to the "
    "police. After 12 months it is a new referral. (SafeLives)"
)
REPEAT_WINDOW_DAYS = 365


def repeat_rule_text() -> str:
    """The repeat rule's wording, configurable per deployment (``MARAC_REPEAT_RULE_TEXT``)."""
    return str(getattr(settings, "MARAC_REPEAT_RULE_TEXT", DEFAULT_REPEAT_RULE_TEXT))


def own_agency_id(user: User) -> Any:
    """The user's agency id when their role works with cases, else None."""
    return case_working_agency_id(user)


def referral_visibility_q(user: User) -> Q:
    own = case_working_agency_id(user)
    if own is None:
        return Q(pk__in=[])
    # The receiving side sees a referral while its own sharing decision is live (none is needed within one agency):
    # declining, withdrawing or the decision's expiry ends it, like the access to the case it granted.
    now = timezone.now()
    live = Q(sharing_decision__isnull=True) | (
        Q(sharing_decision__revoked_at__isnull=True)
        & (Q(sharing_decision__expires_at__isnull=True) | Q(sharing_decision__expires_at__gt=now))
    )
    sent = Q(sent_at__isnull=False) & live  # never a draft, nor a draft withdrawn before it was sent
    condition = Q(sender_agency_id=own)
    condition |= sent & ~Q(kind=Kind.MARAC) & Q(recipient_agency_id=own)
    condition |= sent & Q(kind=Kind.MARAC) & Q(recipient_user_id=user.pk)
    if user.has_role(Role.MARAC_COORDINATOR):
        condition |= sent & Q(kind=Kind.MARAC) & Q(recipient_agency_id=own)
    return condition


def referral_list_for_user(*, user: User) -> QuerySet[Referral]:
    """Every referral ``user`` may see (the visibility rule). Inactive and anonymous users see nothing."""
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    return Referral.objects.filter(referral_visibility_q(user))


def referral_get_for_user(*, user: User, referral_id: Any, route: str, purpose: str = "") -> Referral:
    """One visible referral or 404 (the same for missing and invisible); writes one access-log row."""
    referral = (
        referral_list_for_user(user=user)
        .select_related(
            "case",
            "case__adult",
            "area",
            "sender_agency",
            "sender_user",
            "recipient_agency",
            "recipient_user",
            "concern",
            "dash",
            "victim",
            "mappa_subject",
            "mappa_lead_agency",
            "idva_agency",
            "previous_referral",
            "sharing_decision",
        )
        .filter(pk=referral_id)
        .first()
        if is_uuid(referral_id)
        else None
    )
    if referral is None:
        record_denied(user=user, object_type=Referral, object_id=referral_id, route=route, purpose=purpose)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=referral, route=route, purpose=purpose)
    return referral


def is_sender(referral: Referral, user: User) -> bool:
    return bool(case_working_agency_id(user) == referral.sender_agency_id)


def is_recipient(referral: Referral, user: User) -> bool:
    if referral.state == State.DRAFT or referral.sent_at is None:
        return False
    decision = referral.sharing_decision
    if decision is not None and not decision.is_live():
        return False
    own = case_working_agency_id(user)
    if referral.kind == Kind.MARAC:
        return referral.recipient_user_id == user.pk or (
            own == referral.recipient_agency_id and user.has_role(Role.MARAC_COORDINATOR)
        )
    return bool(own is not None and own == referral.recipient_agency_id)


# --- boxes --------------------------------------------------------------------------------------------------------


def referrals_sent(*, user: User) -> QuerySet[Referral]:
    own = case_working_agency_id(user)
    return referral_list_for_user(user=user).filter(sender_agency_id=own)


def referrals_received(*, user: User) -> QuerySet[Referral]:
    own = case_working_agency_id(user)
    qs = referral_list_for_user(user=user).exclude(state=State.DRAFT)
    return qs.filter(Q(recipient_agency_id=own) | Q(recipient_user_id=user.pk)).exclude(sender_agency_id=own)


def inbox_counts(*, user: User) -> dict[str, int]:
    """Counts per state of the received box (for the inbox's filter links)."""
    rows = referrals_received(user=user).values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def referrals_for_case(*, user: User, case: Any) -> QuerySet[Referral]:
    return (
        referral_list_for_user(user=user)
        .filter(case=case)
        .select_related("sender_agency", "recipient_agency", "recipient_user")
        .order_by("-created_at")
    )


def referral_timeline(*, referral: Referral) -> QuerySet[Any]:
    return referral.log.select_related("by", "agency").order_by("at", "id")


# --- MARAC ----------------------------------------------------------------------------------------------------------


def marac_queue(*, user: User, area: Area | None = None) -> QuerySet[Referral]:
    """The coordinator's queue: referred (eligible, waiting to be listed or not), not listed (with the referrer's
    professional-judgement text and any challenge), and listed or emergency (ready for a sitting)."""
    qs = referrals_received(user=user).filter(
        kind=Kind.MARAC, state__in=[State.REFERRED, State.NOT_LISTED, *MARAC_LISTABLE]
    )
    if area is not None:
        qs = qs.filter(area=area)
    return qs.select_related("case", "victim", "sender_agency", "area", "previous_referral").order_by(
        "intended_sitting_date", "sent_at"
    )


def marac_referrals_ready_to_list(*, area: Area, by: User) -> QuerySet[Referral]:
    """MARAC referrals in ``area`` that ``by`` (a coordinator) may put on a sitting's agenda: listed (with their
    intended sitting date) or emergency, not yet heard; ordered by intended sitting date, repeats first."""
    return (
        referral_list_for_user(user=by)
        .filter(kind=Kind.MARAC, area=area, state__in=MARAC_LISTABLE)
        .select_related("case", "victim", "sender_agency", "recipient_user")
        .order_by("intended_sitting_date", "-is_repeat", "sent_at")
    )


def previous_marac_referral(
    *, victim_id: Any, causing_harm_ids: list[Any], incident_date: date, exclude_id: Any = None
) -> Referral | None:
    """The last MARAC referral (sent by any agency) for the same victim and the same person(s) causing harm within
    the 12 months before ``incident_date`` — the repeat rule (domain §2.10). Not a visibility read: the result is
    shown to the referrer only as a flag, never as the other agency's content."""
    if victim_id is None or incident_date is None:
        return None
    since = incident_date - timedelta(days=REPEAT_WINDOW_DAYS)
    qs = Referral.objects.filter(kind=Kind.MARAC, victim_id=victim_id).exclude(state__in=[State.DRAFT, State.WITHDRAWN])
    qs = qs.filter(sent_at__date__gte=since, sent_at__date__lte=incident_date)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    wanted = set(causing_harm_ids)
    for candidate in qs.order_by("-sent_at").prefetch_related("persons_causing_harm"):
        theirs = {p.pk for p in candidate.persons_causing_harm.all()}
        if wanted and wanted & theirs:
            return candidate
    return None


def marac_criteria_from_dash(
    *, yes_count: int | None, professional_judgement: str, incidents_12m: int | None
) -> list[str]:
    criteria: list[str] = []
    if yes_count is not None and yes_count >= 14:
        criteria.append(MaracCriterion.VISIBLE_HIGH_RISK)
    if professional_judgement.strip():
        criteria.append(MaracCriterion.PROFESSIONAL_JUDGEMENT)
    if incidents_12m is not None and incidents_12m >= 3:
        criteria.append(MaracCriterion.POTENTIAL_ESCALATION)
    return criteria


def awaiting_recipient(*, user: User) -> QuerySet[Referral]:
    return referrals_received(user=user).filter(state__in=AWAITING_RECIPIENT)


# --- MAPPA ----------------------------------------------------------------------------------------------------------


def nominal_visibility_q(user: User) -> Q:
    own = case_working_agency_id(user)
    if own is None:
        return Q(pk__in=[])
    return Q(responsible_authority_id=own) | Q(named_agencies__id=own)


def nominal_list_for_user(*, user: User) -> QuerySet[MappaNominal]:
    """MAPPA nominals ``user`` may see: their responsible authority and the agencies it names, nobody else."""
    if not user.is_authenticated or not user.is_active:
        return MappaNominal.objects.none()
    ids = MappaNominal.objects.filter(nominal_visibility_q(user)).values("pk")
    return MappaNominal.objects.filter(pk__in=ids)


def nominal_get_for_user(*, user: User, nominal_id: Any, route: str) -> MappaNominal:
    nominal = (
        nominal_list_for_user(user=user)
        .select_related("person", "responsible_authority", "lead_agency", "area", "case")
        .filter(pk=nominal_id)
        .first()
        if is_uuid(nominal_id)
        else None
    )
    if nominal is None:
        record_denied(user=user, object_type=MappaNominal, object_id=nominal_id, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=nominal, route=route)
    return nominal
