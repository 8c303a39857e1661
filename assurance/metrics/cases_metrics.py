"""Metrics from the cases app: concerns, LA decisions, enquiries, DASH checklists and data quality.

The provider's concerns are the concerns its staff raised (``Concern.raising_agency``), counted in the period in
which they were raised (submitted to the local authority); drafts are never counted. Team and area are the case's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, TruncDate

from assurance.metrics.base import Median, count, days_between, in_period, median, percent, scoped
from assurance.metrics.registry import Breakdown, Context, MetricData, register_metric
from cases.codes import (
    RISK_IDENTIFIED,
    AbuseType,
    ConsentToRaise,
    LaDecision,
    LocationOfRisk,
    MentalCapacity,
    MspAchieved,
    MspAsked,
    NhsNumberStatus,
    RiskResult,
    SourceOfRisk,
)
from cases.models import Concern, DashAssessment, Enquiry
from cases.models.enquiries import EnquiryStatus
from escalation.calendar import LONDON, add_working_days
from escalation.models import Deadline, DeadlineStatus
from escalation.policies import register_policy_default, resolve_policy
from safeguarding.organisations.models import Area

CONCERN_SUBMISSION = "concern_submission"
register_policy_default(
    CONCERN_SUBMISSION,
    label="Concern submitted to the local authority after the abuse or neglect was identified",
    basis="hours",
    amount=24,
    source="§6.2 M2 (local standard)",
)

# SAC-mandatory fields of a concern (M23): configuration, overridable with settings.ASSURANCE_SAC_MANDATORY_FIELDS.
DEFAULT_SAC_MANDATORY_FIELDS = ("abuse_types", "location_of_risk", "source_of_risk", "consent_to_raise")


def sac_mandatory_fields() -> tuple[str, ...]:
    return tuple(getattr(settings, "ASSURANCE_SAC_MANDATORY_FIELDS", DEFAULT_SAC_MANDATORY_FIELDS))


def concerns(ctx: Context) -> QuerySet[Concern]:
    return scoped(Concern.objects.filter(in_period("raised_at", ctx)), ctx, agency="raising_agency_id")


def concluded_enquiries(ctx: Context) -> QuerySet[Enquiry]:
    """Enquiries about concerns the provider raised, concluded in the period."""
    qs = Enquiry.objects.filter(in_period("concluded_at", ctx), status=EnquiryStatus.CONCLUDED)
    return scoped(qs, ctx, agency="concern__raising_agency_id")


def _policy_text(key: str, area: Area | None = None) -> tuple[str, int]:
    policy = resolve_policy(key=key, area=area)
    unit = {"hours": "hours", "working_days": "working days", "calendar_days": "days", "working_hours": "working hours"}
    origin = "reference default" if policy.version == 0 else f"version {policy.version}"
    return f"{policy.amount} {unit.get(policy.basis, policy.basis)} ({key}, {origin})", policy.amount


@register_metric(
    "M1",
    title="Concerns raised",
    numerator="Concerns raised by the organisation's staff and submitted to the local authority in the period",
    denominator="None (a count), broken down by abuse type, location of risk, source of risk and team",
    period="By the date the concern was submitted",
    source="cases",
    headline="raised",
)
def m1(ctx: Context) -> MetricData:
    qs = concerns(ctx)
    totals = qs.aggregate(
        raised=Count("id"), **{f"t_{code}": Count("id", filter=Q(abuse_types__contains=[code])) for code in AbuseType}
    )
    by_type = [count(code, AbuseType(code).label, totals[f"t_{code}"]) for code in AbuseType]
    locations = dict(qs.values_list("location_of_risk").annotate(n=Count("id")).values_list("location_of_risk", "n"))
    sources = dict(qs.values_list("source_of_risk").annotate(n=Count("id")).values_list("source_of_risk", "n"))
    teams = qs.values("case__team__name").annotate(n=Count("id")).order_by("case__team__name")
    return MetricData(
        figures=[count("raised", "Concerns raised", totals["raised"])],
        breakdowns=[
            Breakdown("abuse_type", "By abuse type (a concern may have several)", by_type),
            Breakdown(
                "location", "By location of risk", [count(c, c.label, locations.get(c, 0)) for c in LocationOfRisk]
            ),
            Breakdown("source", "By source of risk", [count(c, c.label, sources.get(c, 0)) for c in SourceOfRisk]),
            Breakdown(
                "team",
                "By team",
                [
                    count(str(t["case__team__name"] or "none"), t["case__team__name"] or "No team", t["n"])
                    for t in teams
                ],
            ),
        ],
    )


@register_metric(
    "M2",
    title="Concern timeliness (provider)",
    numerator="Concerns submitted to the local authority within the policy hours of the abuse being identified",
    denominator="Concerns submitted in the period",
    period="By the date the concern was submitted",
    policy="concern_submission (hours from identified_at to submission)",
    source="cases",
    headline="within_policy",
)
def m2(ctx: Context) -> MetricData:
    text, hours = _policy_text(CONCERN_SUBMISSION)
    totals = concerns(ctx).aggregate(
        all=Count("id"), ok=Count("id", filter=Q(raised_at__lte=F("identified_at") + timedelta(hours=hours)))
    )
    return MetricData(
        figures=[percent("within_policy", f"Submitted within {hours} hours", totals["ok"], totals["all"])],
        policy=text,
    )


@register_metric(
    "M3",
    title="Local authority decision timeliness",
    numerator="Concerns whose section 42 decision was made within the policy working days of the LA receiving them",
    denominator="Concerns the organisation raised whose decision was made in the period",
    period="By the date of the decision",
    policy="s42_decision (working days from received_by_la_at, per area, with its bank holidays)",
    source="cases",
    headline="within_policy",
)
def m3(ctx: Context) -> MetricData:
    qs = scoped(
        Concern.objects.filter(in_period("decided_at", ctx), received_by_la_at__isnull=False),
        ctx,
        agency="raising_agency_id",
    )
    # One row per (area, day received, day decided): few rows, judged with each area's working calendar.
    rows = (
        qs.annotate(
            received=TruncDate("received_by_la_at", tzinfo=LONDON), decided=TruncDate("decided_at", tzinfo=LONDON)
        )
        .values("case__area_id", "received", "decided")
        .annotate(n=Count("id"))
    )
    areas = {a.pk: a for a in Area.objects.filter(pk__in={r["case__area_id"] for r in rows})}
    budgets: dict[Any, int] = {}
    due_cache: dict[tuple[Any, date], date] = {}
    ok = total = 0
    for row in rows:
        area = areas.get(row["case__area_id"])
        if row["case__area_id"] not in budgets:
            budgets[row["case__area_id"]] = resolve_policy(key="s42_decision", area=area).amount
        key = (row["case__area_id"], row["received"])
        if key not in due_cache:
            nation = area.nation if area else "england-and-wales"
            due_cache[key] = add_working_days(row["received"], budgets[row["case__area_id"]], nation, area=area)
        total += row["n"]
        ok += row["n"] if row["decided"] <= due_cache[key] else 0
    text, days = _policy_text("s42_decision")
    return MetricData(
        figures=[percent("within_policy", f"Decided within {days} working day(s) of receipt", ok, total)], policy=text
    )


@register_metric(
    "M4",
    title="Conversion rate",
    numerator="Concerns raised in the period that the local authority decided need a section 42 enquiry",
    denominator="Concerns raised in the period",
    period="By the date the concern was submitted",
    source="cases",
    headline="s42",
)
def m4(ctx: Context) -> MetricData:
    totals = concerns(ctx).aggregate(
        all=Count("id"),
        s42=Count("id", filter=Q(decision=LaDecision.S42)),
        other=Count("id", filter=Q(decision=LaDecision.OTHER)),
    )
    return MetricData(
        figures=[
            percent("s42", "Converted to a section 42 enquiry", totals["s42"], totals["all"]),
            percent("other", "Converted to another safeguarding enquiry", totals["other"], totals["all"]),
        ]
    )


@register_metric(
    "M5",
    title="Enquiries caused to the provider",
    numerator="Enquiries the local authority caused the organisation to make, started in the period; of those "
    "concluded in the period, the ones concluded by their enquiry_completion deadline",
    denominator="Enquiries caused to the organisation and concluded in the period",
    period="Started (count) or concluded (median, timeliness) in the period",
    policy="enquiry_completion (working days, from the clock engine's deadline for each enquiry)",
    source="cases",
    headline="on_time",
)
def m5(ctx: Context) -> MetricData:
    base = scoped(Enquiry.objects.filter(caused_by_la=True), ctx, agency="lead_agency_id")
    started = base.filter(in_period("started_at", ctx)).count()
    met_on_time = Deadline.objects.filter(
        kind="enquiry_completion",
        subject_type=ContentType.objects.get_for_model(Enquiry),
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        status=DeadlineStatus.MET,
        met_at__lte=F("due_at"),
    )
    concluded = base.filter(in_period("concluded_at", ctx), status=EnquiryStatus.CONCLUDED).aggregate(
        n=Count("id"),
        median=Median(days_between("started_at", "concluded_at")),
        on_time=Count("id", filter=Exists(met_on_time)),
    )
    text, _ = _policy_text("enquiry_completion")
    return MetricData(
        figures=[
            count("started", "Enquiries caused to the organisation", started),
            median("median_days", "Median days open (concluded enquiries)", concluded["median"], concluded["n"]),
            percent("on_time", "Concluded within policy", concluded["on_time"], concluded["n"]),
        ],
        policy=text,
    )


@register_metric(
    "M6",
    title="Consent recording",
    numerator="Concerns with the adult's consent to raise recorded; of those where consent was not sought, the ones "
    "with a reason recorded",
    denominator="Concerns raised in the period; concerns where consent was not sought",
    period="By the date the concern was submitted",
    source="cases",
    headline="recorded",
)
def m6(ctx: Context) -> MetricData:
    not_sought = Q(consent_to_raise=ConsentToRaise.NOT_SOUGHT)
    totals = concerns(ctx).aggregate(
        all=Count("id"),
        recorded=Count("id", filter=~Q(consent_to_raise="")),
        not_sought=Count("id", filter=not_sought),
        with_reason=Count("id", filter=not_sought & ~Q(consent_not_sought_reason="")),
    )
    return MetricData(
        figures=[
            percent("recorded", "Consent to raise recorded", totals["recorded"], totals["all"]),
            percent("reason", "Not sought, with a reason", totals["with_reason"], totals["not_sought"]),
        ]
    )


ASKED = (MspAsked.OUTCOMES_EXPRESSED, MspAsked.NO_OUTCOMES)


@register_metric(
    "M7",
    title="Making Safeguarding Personal: asked",
    numerator="Concluded enquiries where the adult (or representative) was asked about outcomes, whether or not "
    "they expressed any",
    denominator="Enquiries about concerns the organisation raised, concluded in the period",
    period="By the date the enquiry concluded",
    source="cases",
    headline="asked",
)
def m7(ctx: Context) -> MetricData:
    totals = concluded_enquiries(ctx).aggregate(all=Count("id"), asked=Count("id", filter=Q(msp_asked__in=ASKED)))
    return MetricData(figures=[percent("asked", "Asked about desired outcomes", totals["asked"], totals["all"])])


@register_metric(
    "M8",
    title="Making Safeguarding Personal: achieved",
    numerator="Concluded enquiries whose expressed outcomes were fully, partially or not achieved",
    denominator="Concluded enquiries where outcomes were expressed",
    period="By the date the enquiry concluded",
    source="cases",
    headline="fully",
)
def m8(ctx: Context) -> MetricData:
    qs = concluded_enquiries(ctx).filter(msp_asked=MspAsked.OUTCOMES_EXPRESSED)
    totals = qs.aggregate(all=Count("id"), **{c: Count("id", filter=Q(msp_achieved=c)) for c in MspAchieved})
    return MetricData(figures=[percent(c, MspAchieved(c).label, totals[c], totals["all"]) for c in MspAchieved])


@register_metric(
    "M9",
    title="Risk outcome",
    numerator="Concluded enquiries where risk was reduced or removed",
    denominator="Concluded enquiries where a risk was identified (benchmark about 89%)",
    period="By the date the enquiry concluded",
    source="cases",
    headline="reduced_or_removed",
)
def m9(ctx: Context) -> MetricData:
    qs = concluded_enquiries(ctx).filter(risk_assessment_outcome__in=RISK_IDENTIFIED)
    totals = qs.aggregate(
        all=Count("id"), ok=Count("id", filter=Q(risk_result__in=[RiskResult.REDUCED, RiskResult.REMOVED]))
    )
    return MetricData(figures=[percent("reduced_or_removed", "Risk reduced or removed", totals["ok"], totals["all"])])


@register_metric(
    "M10",
    title="Capacity and advocacy",
    numerator="Concluded enquiries where the adult lacked capacity and had an advocate, family member or friend",
    denominator="Concluded enquiries where the adult lacked capacity",
    period="By the date the enquiry concluded",
    source="cases",
    headline="supported",
)
def m10(ctx: Context) -> MetricData:
    qs = concluded_enquiries(ctx).filter(mental_capacity=MentalCapacity.LACKED)
    totals = qs.aggregate(all=Count("id"), ok=Count("id", filter=Q(advocacy_support=True)))
    return MetricData(
        figures=[percent("supported", "Supported by an advocate, family or friend", totals["ok"], totals["all"])]
    )


@register_metric(
    "M16",
    title="DASH completion",
    numerator="Concerns disclosing domestic abuse whose case has a completed DASH risk checklist by the period's end",
    denominator="Concerns raised in the period that disclose domestic abuse",
    period="By the date the concern was submitted",
    source="cases",
    headline="completed",
)
def m16(ctx: Context) -> MetricData:
    dash = DashAssessment.objects.filter(case_id=OuterRef("case_id"), completed_at__lt=ctx.period.end_before)
    totals = (
        concerns(ctx)
        .filter(Q(domestic_abuse_disclosed=True) | Q(abuse_types__contains=[AbuseType.DOMESTIC_ABUSE]))
        .aggregate(all=Count("id"), done=Count("id", filter=Exists(dash)))
    )
    return MetricData(figures=[percent("completed", "DASH checklist completed", totals["done"], totals["all"])])


def _filled(field_name: str) -> Q:
    field = Concern._meta.get_field(field_name)
    internal = field.get_internal_type()
    if internal == "ArrayField" or field_name in ("abuse_types", "not_s42_reasons", "alternative_responses"):
        return ~Q(**{field_name: []})
    if internal in ("CharField", "TextField"):
        return ~Q(**{field_name: ""})
    return Q(**{f"{field_name}__isnull": False})


@register_metric(
    "M23",
    title="Data quality",
    numerator="Adults at risk with a verified NHS number (status 01); concerns with every SAC-mandatory field "
    "recorded (the list is configuration: ASSURANCE_SAC_MANDATORY_FIELDS)",
    denominator="Distinct adults the organisation's concerns in the period were about; those concerns",
    period="By the date the concern was submitted",
    source="cases",
    headline="nhs_verified",
)
def m23(ctx: Context) -> MetricData:
    qs = concerns(ctx)
    fields = sac_mandatory_fields()
    complete = Q()
    for name in fields:
        complete &= _filled(name)
    totals = qs.aggregate(
        all=Count("id"),
        complete=Count("id", filter=complete),
        adults=Count("case__adult_id", distinct=True),
        verified=Count(
            "case__adult_id", distinct=True, filter=Q(case__adult__nhs_number_status=NhsNumberStatus.VERIFIED)
        ),
    )
    return MetricData(
        figures=[
            percent("nhs_verified", "Adults with a verified NHS number", totals["verified"], totals["adults"]),
            percent("sac_complete", "Concerns with all SAC-mandatory fields", totals["complete"], totals["all"]),
        ],
        policy="SAC-mandatory fields: " + ", ".join(fields),
    )


@register_metric(
    "M24",
    title="Repeat concerns",
    numerator="Adults with two or more concerns raised by the organisation in the 12 months to the period's end",
    denominator="Adults with at least one concern raised by the organisation in those 12 months",
    period="The 12 months ending on the period's last day",
    source="cases",
    headline="repeat",
)
def m24(ctx: Context) -> MetricData:
    since = ctx.period.end_before - timedelta(days=365)
    qs = scoped(
        Concern.objects.filter(raised_at__gte=since, raised_at__lt=ctx.period.end_before),
        ctx,
        agency="raising_agency_id",
    )
    per_adult = qs.values("case__adult_id").annotate(n=Count("id"))
    counts = per_adult.aggregate(adults=Count("case__adult_id"), repeat=Count("case__adult_id", filter=Q(n__gte=2)))
    return MetricData(
        figures=[
            count("repeat_adults", "Adults with 2 or more concerns", counts["repeat"]),
            percent("repeat", "Share of adults with repeat concerns", counts["repeat"], counts["adults"]),
        ]
    )


__all__ = ["concerns", "concluded_enquiries", "sac_mandatory_fields"]
