"""The referrals app's timescales on the clock engine (registered from ``ReferralsConfig.ready()``).

- ``referral_acknowledgement``: the recipient acknowledges a sent referral (an s42 concern uses the LA's
  ``concern_acknowledgement`` policy, the others ``referral_acknowledgement``);
- ``referral_response``: the recipient accepts or declines (s42: the LA records its decision instead);
- ``s42_decision``: the LA decides whether a section 42 enquiry is needed, from receipt;
- ``marac_listing``: the area's MARAC coordinator lists the referral for a sitting, or not;
- ``strategy_discussion``: started on the case by an s42 decision; the meetings capability meets it through
  ``referrals.services.strategy_discussion_held``;
- ``mappa_review``: a level 2 or 3 MAPPA nominal's next review (16 or 8 weeks by default, unconfirmed).

Each escalates up the engine's standard ladder when missed.
"""

from __future__ import annotations

from typing import Any

from escalation import services as clocks
from escalation.kinds import register_kind
from escalation.models import Basis
from escalation.policies import register_policy_default

ACKNOWLEDGEMENT = "referral_acknowledgement"
RESPONSE = "referral_response"
S42_DECISION = "s42_decision"
MARAC_LISTING = "marac_listing"
STRATEGY_DISCUSSION = "strategy_discussion"
MAPPA_REVIEW = "mappa_review"

MAPPA_REVIEW_POLICY = {
    "level2_active_multi_agency": "mappa_l2_review",
    "level3_active_multi_agency_senior": "mappa_l3_review",
}


def _referral_area(referral: Any) -> Any:
    return referral.area


def register() -> None:
    register_policy_default(
        "marac_listing",
        label="MARAC coordinator lists a referral (or records why not)",
        basis=Basis.WORKING_DAYS,
        amount=2,
        source="local default",
    )
    register_kind(ACKNOWLEDGEMENT, label="Referral acknowledgement", policy_key="referral_acknowledgement")
    register_kind(RESPONSE, label="Referral response", policy_key="referral_response")
    register_kind(S42_DECISION, label="Section 42 decision", policy_key="s42_decision")
    register_kind(MARAC_LISTING, label="MARAC listing decision", policy_key="marac_listing")
    register_kind(
        STRATEGY_DISCUSSION,
        label="Strategy discussion",
        policy_key="strategy_discussion",
        area_of=lambda case: case.area,
    )
    register_kind(MAPPA_REVIEW, label="MAPPA review", area_of=lambda nominal: nominal.area)


def referral_sent(*, referral: Any) -> None:
    from referrals.codes import Kind

    holder_role = "la_safeguarding_manager" if referral.kind == Kind.S42_CONCERN else None
    if referral.kind == Kind.MARAC:
        clocks.start_clock(
            subject=referral,
            kind=MARAC_LISTING,
            start=referral.sent_at,
            holder_user=referral.recipient_user,
            holder_agency=referral.recipient_agency,
            area=referral.area,
        )
        return
    clocks.start_clock(
        subject=referral,
        kind=ACKNOWLEDGEMENT,
        policy_key="concern_acknowledgement" if referral.kind == Kind.S42_CONCERN else "referral_acknowledgement",
        start=referral.sent_at,
        holder_user=referral.recipient_user,
        holder_agency=referral.recipient_agency,
        holder_role=holder_role,
        area=referral.area,
    )
    if referral.kind == Kind.S42_CONCERN:
        clocks.start_clock(
            subject=referral,
            kind=S42_DECISION,
            start=referral.sent_at,
            holder_agency=referral.recipient_agency,
            holder_role=holder_role,
            area=referral.area,
        )
    else:
        clocks.start_clock(
            subject=referral,
            kind=RESPONSE,
            start=referral.sent_at,
            holder_user=referral.recipient_user,
            holder_agency=referral.recipient_agency,
            area=referral.area,
        )


def referral_acknowledged(*, referral: Any, by: Any) -> None:
    clocks.meet_clock(subject=referral, kind=ACKNOWLEDGEMENT, by=by)


def referral_answered(*, referral: Any, by: Any) -> None:
    clocks.meet_clock(subject=referral, kind=ACKNOWLEDGEMENT, by=by)
    clocks.meet_clock(subject=referral, kind=RESPONSE, by=by)


def s42_decided(*, referral: Any, by: Any) -> None:
    clocks.meet_clock(subject=referral, kind=ACKNOWLEDGEMENT, by=by)
    clocks.meet_clock(subject=referral, kind=S42_DECISION, by=by)


def marac_listing_decided(*, referral: Any, by: Any) -> None:
    clocks.meet_clock(subject=referral, kind=MARAC_LISTING, by=by)


def referral_stopped(*, referral: Any, reason: str, by: Any = None) -> None:
    clocks.cancel_clock(subject=referral, reason=reason, by=by)


def strategy_discussion_due(*, case: Any, holder_agency: Any, holder_user: Any, start: Any) -> None:
    clocks.start_clock(
        subject=case,
        kind=STRATEGY_DISCUSSION,
        start=start,
        holder_user=holder_user,
        holder_agency=holder_agency,
        area=case.area,
    )


def strategy_discussion_met(*, case: Any, by: Any) -> Any:
    return clocks.meet_clock(subject=case, kind=STRATEGY_DISCUSSION, by=by)


def mappa_review_scheduled(*, nominal: Any, start: Any) -> Any:
    policy = MAPPA_REVIEW_POLICY.get(nominal.level)
    if policy is None:
        return None
    return clocks.start_clock(
        subject=nominal,
        kind=MAPPA_REVIEW,
        policy_key=policy,
        start=start,
        holder_agency=nominal.lead_agency,
        area=nominal.area,
    )


def mappa_review_stopped(*, nominal: Any, by: Any, met: bool, reason: str = "") -> None:
    if met:
        clocks.meet_clock(subject=nominal, kind=MAPPA_REVIEW, by=by)
    else:
        clocks.cancel_clock(subject=nominal, kind=MAPPA_REVIEW, reason=reason or "MAPPA management ended", by=by)
