"""Metrics about referrals, meetings and reviews (M11–M15, M17, M19, M20).

Those apps are reached only through ``django.apps`` (models) and ``importlib`` (the reviews app's own RAG rule), never
imported by name at module level, so this module loads whether or not they are installed. A metric whose records are
not kept raises :class:`Unavailable`: it is listed as "not available", never given a value.
"""

from __future__ import annotations

from datetime import datetime, time
from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast

from assurance.metrics.base import count, in_period, percent
from assurance.metrics.registry import Breakdown, Context, MetricData, Unavailable, register_metric
from escalation.calendar import LONDON
from escalation.models import Deadline, DeadlineStatus

HELD = ("held", "minutes_issued", "closed")
STRATEGY = ("strategy_discussion", "strategy_meeting")
PRESENT = ("attended", "deputy")
ACCEPTED = ("attending", "deputy")
OPEN_ACTIONS = ("open", "in_progress")


def model(app_label: str, name: str) -> type[models.Model]:
    """The model ``app_label.name``, or :class:`Unavailable` when that app does not record it (yet)."""
    try:
        return apps.get_model(app_label, name)
    except LookupError as exc:
        raise Unavailable(
            f"The {app_label} app does not record {name} yet, so this metric cannot be computed."
        ) from exc


def _invitations(ctx: Context, types: tuple[str, ...]) -> Any:
    invitation = model("meetings", "Invitation")
    qs = invitation.objects.filter(  # type: ignore[attr-defined]
        agency_id__in=ctx.agency_ids,
        meeting__meeting_type__in=types,
        meeting__status__in=HELD,
        meeting__scheduled_at__gte=ctx.period.start_at,
        meeting__scheduled_at__lt=ctx.period.end_before,
    )
    if ctx.area_id is not None:
        qs = qs.filter(meeting__area_id=ctx.area_id)
    return qs


def _attended() -> Any:
    attendance = model("meetings", "Attendance")
    return Exists(
        attendance.objects.filter(  # type: ignore[attr-defined]
            meeting_id=OuterRef("meeting_id"), agency_id=OuterRef("agency_id"), status__in=PRESENT
        )
    )


MEETING_DIMENSIONS = ("agency", "area")


@register_metric(
    "M11",
    title="Strategy meeting attendance",
    numerator="Invitations to strategy discussions and meetings held in the period that the organisation accepted "
    "and attended (in person or by a deputy)",
    denominator="The organisation's invitations to strategy discussions and meetings held in the period",
    period="By the meeting's date",
    source="meetings",
    dimensions=MEETING_DIMENSIONS,
    headline="attended",
)
def m11(ctx: Context) -> MetricData:
    totals = _invitations(ctx, STRATEGY).aggregate(
        all=Count("id"),
        attended=Count("id", filter=Q(rsvp__in=ACCEPTED) & Q(_attended())),
        present=Count("id", filter=Q(_attended())),
    )
    return MetricData(
        figures=[
            percent("attended", "Accepted and attended", totals["attended"], totals["all"]),
            percent("present", "Attended (whatever the reply)", totals["present"], totals["all"]),
        ]
    )


@register_metric(
    "M12",
    title="Strategy meeting contribution",
    numerator="Invitations for which the organisation submitted a contribution (report) before the meeting started",
    denominator="The organisation's invitations to strategy discussions and meetings held in the period",
    period="By the meeting's date",
    policy="meeting_contributions (before the meeting)",
    source="meetings",
    dimensions=MEETING_DIMENSIONS,
    headline="before",
)
def m12(ctx: Context) -> MetricData:
    contribution = model("meetings", "Contribution")
    before = Exists(
        contribution.objects.filter(  # type: ignore[attr-defined]
            meeting_id=OuterRef("meeting_id"),
            agency_id=OuterRef("agency_id"),
            submitted_at__lt=OuterRef("meeting__scheduled_at"),
        )
    )
    totals = _invitations(ctx, STRATEGY).aggregate(all=Count("id"), before=Count("id", filter=Q(before)))
    return MetricData(
        figures=[percent("before", "Report submitted before the meeting", totals["before"], totals["all"])]
    )


@register_metric(
    "M13",
    title="MARAC referrals",
    numerator="MARAC referrals the organisation sent in the period; those meeting the visible high risk criterion "
    "(14 or more DASH ticks), those by professional judgement, and repeats (12-month rule)",
    denominator="MARAC referrals the organisation sent in the period",
    period="By the date the referral was sent",
    policy="MARAC repeat window: 12 months from the last referral (SafeLives)",
    source="referrals",
    headline="referrals",
)
def m13(ctx: Context) -> MetricData:
    referral = model("referrals", "Referral")
    qs = referral.objects.filter(  # type: ignore[attr-defined]
        in_period("sent_at", ctx), kind="marac", sender_agency_id__in=ctx.agency_ids
    )
    if ctx.team_id is not None:
        qs = qs.filter(case__team_id=ctx.team_id)
    if ctx.area_id is not None:
        qs = qs.filter(area_id=ctx.area_id)
    totals = qs.aggregate(
        all=Count("id"),
        high=Count("id", filter=Q(criteria__contains=["visible_high_risk"])),
        judgement=Count("id", filter=Q(criteria__contains=["professional_judgement"])),
        repeat=Count("id", filter=Q(is_repeat=True)),
        listed=Count("id", filter=Q(listed_at__isnull=False)),
    )
    return MetricData(
        figures=[
            count("referrals", "MARAC referrals sent", totals["all"]),
            percent("visible_high_risk", "Visible high risk", totals["high"], totals["all"]),
            percent("professional_judgement", "By professional judgement", totals["judgement"], totals["all"]),
            percent("repeat", "Repeat referrals", totals["repeat"], totals["all"]),
            percent("listed", "Listed for a MARAC", totals["listed"], totals["all"]),
        ]
    )


@register_metric(
    "M14",
    title="MARAC attendance",
    numerator="MARAC sittings held in the period that the organisation attended (in person or by a deputy)",
    denominator="MARAC sittings held in the period to which the organisation was invited",
    period="By the sitting's date",
    source="meetings",
    dimensions=MEETING_DIMENSIONS,
    headline="attended",
)
def m14(ctx: Context) -> MetricData:
    totals = _invitations(ctx, ("marac",)).aggregate(
        all=Count("meeting_id", distinct=True),
        attended=Count("meeting_id", distinct=True, filter=Q(_attended())),
    )
    return MetricData(figures=[percent("attended", "Sittings attended", totals["attended"], totals["all"])])


@register_metric(
    "M15",
    title="MARAC action completion",
    numerator="Actions the organisation owns from MARAC sittings held in the period, completed before the next "
    "sitting in the same area (or by the period's end when none is scheduled); open actions past their due date",
    denominator="Those actions, less cancelled ones",
    period="By the date of the sitting that set the action; overdue as at the period's last day",
    policy="MARAC actions: completed before the next meeting (§4)",
    source="meetings",
    dimensions=MEETING_DIMENSIONS,
    headline="completed",
)
def m15(ctx: Context) -> MetricData:
    meeting, action = model("meetings", "Meeting"), model("meetings", "MeetingAction")
    next_sitting = Subquery(
        meeting.objects.filter(  # type: ignore[attr-defined]
            meeting_type="marac",
            area_id=OuterRef("meeting__area_id"),
            scheduled_at__gt=OuterRef("meeting__scheduled_at"),
        )
        .exclude(status="cancelled")
        .order_by("scheduled_at")
        .values("scheduled_at")[:1]
    )
    qs = action.objects.filter(  # type: ignore[attr-defined]
        owner_agency_id__in=ctx.agency_ids,
        meeting__meeting_type="marac",
        meeting__status__in=HELD,
        meeting__scheduled_at__gte=ctx.period.start_at,
        meeting__scheduled_at__lt=ctx.period.end_before,
    ).exclude(status="cancelled")
    if ctx.area_id is not None:
        qs = qs.filter(meeting__area_id=ctx.area_id)
    end = datetime.combine(ctx.period.end, time.max, tzinfo=LONDON)
    qs = qs.annotate(next_at=next_sitting)
    totals = qs.aggregate(
        all=Count("id"),
        in_time=Count(
            "id",
            filter=Q(completed_at__isnull=False)
            & (
                Q(next_at__isnull=False, completed_at__lte=F("next_at"))
                | Q(next_at__isnull=True, completed_at__lte=end)
            ),
        ),
        overdue=Count("id", filter=Q(status__in=OPEN_ACTIONS, due_date__lt=ctx.period.end)),
    )
    return MetricData(
        figures=[
            percent("completed", "Completed before the next sitting", totals["in_time"], totals["all"]),
            count("overdue", "Open and overdue", totals["overdue"]),
        ]
    )


@register_metric(
    "M17",
    title="MAPPA attendance",
    numerator="MAPPA level 2 and 3 meetings held in the period that the organisation attended (no case detail)",
    denominator="MAPPA level 2 and 3 meetings held in the period to which the organisation was invited",
    period="By the meeting's date",
    source="meetings",
    dimensions=MEETING_DIMENSIONS,
    headline="attended",
)
def m17(ctx: Context) -> MetricData:
    rows = _invitations(ctx, ("mappa_l2", "mappa_l3"))
    totals = rows.aggregate(all=Count("id"), attended=Count("id", filter=Q(_attended())))
    by_level = {
        level: rows.filter(meeting__meeting_type=level).aggregate(
            all=Count("id"), attended=Count("id", filter=Q(_attended()))
        )
        for level in ("mappa_l2", "mappa_l3")
    }
    return MetricData(
        figures=[percent("attended", "Meetings attended", totals["attended"], totals["all"])],
        breakdowns=[
            Breakdown(
                "level",
                "By level",
                [
                    percent(level, label, by_level[level]["attended"], by_level[level]["all"])
                    for level, label in (("mappa_l2", "Level 2"), ("mappa_l3", "Level 3"))
                ],
            )
        ],
    )


MANDATORY = ("mandatory_condition1_died", "mandatory_condition2_serious_harm_alive")


@register_metric(
    "M19",
    title="SAR referrals and decisions",
    numerator="Safeguarding Adults Review referrals the organisation made in the period (mandatory and "
    "discretionary); of the decisions made in the period, those made by their sar_decision deadline",
    denominator="The organisation's SAR referrals decided in the period",
    period="Referred (counts) or decided (timeliness) in the period",
    policy="sar_decision (working days, from the clock engine's deadline for each referral)",
    source="reviews",
    dimensions=("agency", "area"),
    headline="decided_in_time",
)
def m19(ctx: Context) -> MetricData:
    review = model("reviews", "Review")
    base = review.objects.filter(referrer_agency_id__in=ctx.agency_ids)  # type: ignore[attr-defined]
    if ctx.area_id is not None:
        base = base.filter(area_id=ctx.area_id)
    referred = base.filter(in_period("referred_at", ctx)).aggregate(
        all=Count("id"),
        mandatory=Count("id", filter=Q(basis__in=MANDATORY)),
        discretionary=Count("id", filter=Q(basis="discretionary")),
    )
    on_time = Deadline.objects.filter(
        kind="sar_decision",
        subject_type=ContentType.objects.get_for_model(review),
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        status=DeadlineStatus.MET,
        met_at__lte=F("due_at"),
    )
    decided = base.filter(in_period("decision_at", ctx)).exclude(decision="")
    decisions = decided.aggregate(
        all=Count("id"),
        in_time=Count("id", filter=Q(Exists(on_time))),
        commissioned=Count("id", filter=Q(decision="commissioned")),
    )
    return MetricData(
        figures=[
            count("referrals", "SAR referrals made", referred["all"]),
            count("mandatory", "Mandatory (section 44(1))", referred["mandatory"]),
            count("discretionary", "Discretionary (section 44(4))", referred["discretionary"]),
            percent("decided_in_time", "Decided within policy", decisions["in_time"], decisions["all"]),
            percent("commissioned", "Decided to commission a review", decisions["commissioned"], decisions["all"]),
        ]
    )


@register_metric(
    "M20",
    title="SAR action completion",
    numerator="SAR action-plan items the organisation owns that are Green or Blue (the reviews app's RAG rule, as at "
    "the period's last day); Red items; completed items with evidence recorded",
    denominator="Those items, less cancelled ones; completed or verified items",
    period="As at the period's last day",
    source="reviews",
    dimensions=("agency", "area"),
    headline="green_or_blue",
)
def m20(ctx: Context) -> MetricData:
    action = model("reviews", "ReviewAction")
    try:
        with_rag = import_module("reviews.selectors").with_rag
    except (ImportError, AttributeError) as exc:
        raise Unavailable("The reviews app has no RAG rule to apply yet.") from exc
    qs = action.objects.filter(  # type: ignore[attr-defined]
        owner_agency_id__in=ctx.agency_ids, created_at__lt=ctx.period.end_before
    ).exclude(status="cancelled")
    if ctx.area_id is not None:
        qs = qs.filter(recommendation__review__area_id=ctx.area_id)
    end = datetime.combine(ctx.period.end, time.max, tzinfo=LONDON)
    rated = with_rag(qs, today=ctx.period.end, now=end)
    done = Q(status__in=("completed", "verified"))
    totals = rated.aggregate(
        all=Count("id"),
        good=Count("id", filter=Q(rag__in=("green", "blue"))),
        red=Count("id", filter=Q(rag="red")),
        done=Count("id", filter=done),
        evidenced=Count("id", filter=done & ~Q(evidence_notes="")),
    )
    return MetricData(
        figures=[
            percent("green_or_blue", "Green or Blue", totals["good"], totals["all"]),
            count("red", "Red (overdue or off track)", totals["red"]),
            percent("evidence", "Completed with evidence recorded", totals["evidenced"], totals["done"]),
        ]
    )
