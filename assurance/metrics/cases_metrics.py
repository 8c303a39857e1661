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
from cases.models import Concern, DashAssessment, Enquiry, Person
from cases.models.enquiries import EnquiryStatus
from escalation.calendar import LONDON, add_working_days
from escalation.models import Deadline, DeadlineStatus
from escalation.policies import register_policy_default, resolve_policy
from safeguarding.organisations.models import Area, Team

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


def concern_facts(ctx: Context) -> dict[str, int]:
    """One scan of the period's concerns for every count M1, M2, M4, M6, M16 and M23 need (shared per context)."""

    def compute() -> dict[str, int]:
        hours = resolve_policy(key=CONCERN_SUBMISSION, area=None).amount
        not_sought = Q(consent_to_raise=ConsentToRaise.NOT_SOUGHT)
        domestic = Q(domestic_abuse_disclosed=True) | Q(abuse_types__contains=[AbuseType.DOMESTIC_ABUSE])
        dash = DashAssessment.objects.filter(case_id=OuterRef("case_id"), completed_at__lt=ctx.period.end_before)
        complete = Q()
        for name in sac_mandatory_fields():
            complete &= _filled(name)
        return concerns(ctx).aggregate(
            raised=Count("id"),
            **{f"t_{code}": Count("id", filter=Q(abuse_types__contains=[code])) for code in AbuseType},
            **{f"loc_{code}": Count("id", filter=Q(location_of_risk=code)) for code in LocationOfRisk},
            **{f"src_{code}": Count("id", filter=Q(source_of_risk=code)) for code in SourceOfRisk},
            submitted_ok=Count("id", filter=Q(raised_at__lte=F("identified_at") + timedelta(hours=hours))),
            s42=Count("id", filter=Q(decision=LaDecision.S42)),
            other=Count("id", filter=Q(decision=LaDecision.OTHER)),
            consent_recorded=Count("id", filter=~Q(consent_to_raise="")),
            not_sought=Count("id", filter=not_sought),
            not_sought_reason=Count("id", filter=not_sought & ~Q(consent_not_sought_reason="")),
            da=Count("id", filter=domestic),
            da_dash=Count("id", filter=domestic & Q(Exists(dash))),
            sac_complete=Count("id", filter=complete),
        )

    return ctx.shared("concern_facts", compute)  # type: ignore[no-any-return]


def enquiry_facts(ctx: Context) -> dict[str, int]:
    """One scan of the enquiries concluded in the period for M7–M10 (shared per context)."""

    def compute() -> dict[str, int]:
        expressed = Q(msp_asked=MspAsked.OUTCOMES_EXPRESSED)
        risk = Q(risk_assessment_outcome__in=RISK_IDENTIFIED)
        lacked = Q(mental_capacity=MentalCapacity.LACKED)
        return concluded_enquiries(ctx).aggregate(
            all=Count("id"),
            asked=Count("id", filter=Q(msp_asked__in=ASKED)),
            expressed=Count("id", filter=expressed),
            **{f"msp_{c}": Count("id", filter=expressed & Q(msp_achieved=c)) for c in MspAchieved},
            risk=Count("id", filter=risk),
            risk_ok=Count("id", filter=risk & Q(risk_result__in=[RiskResult.REDUCED, RiskResult.REMOVED])),
            lacked=Count("id", filter=lacked),
            lacked_supported=Count("id", filter=lacked & Q(advocacy_support=True)),
        )

    return ctx.shared("enquiry_facts", compute)  # type: ignore[no-any-return]


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
    facts = concern_facts(ctx)
    per_team = dict(
        concerns(ctx).values_list("case__team_id").annotate(n=Count("id")).values_list("case__team_id", "n")
    )
    names = dict(Team.objects.filter(pk__in=[t for t in per_team if t]).values_list("pk", "name"))
    teams = sorted(((names.get(t, "No team") if t else "No team"), n) for t, n in per_team.items())
    return MetricData(
        figures=[count("raised", "Concerns raised", facts["raised"])],
        breakdowns=[
            Breakdown(
                "abuse_type",
                "By abuse type (a concern may have several)",
                [count(code, AbuseType(code).label, facts[f"t_{code}"]) for code in AbuseType],
            ),
            Breakdown(
                "location", "By location of risk", [count(c, c.label, facts[f"loc_{c}"]) for c in LocationOfRisk]
            ),
            Breakdown("source", "By source of risk", [count(c, c.label, facts[f"src_{c}"]) for c in SourceOfRisk]),
            Breakdown(
                "team",
                "By team",
                [count(name, name, n) for name, n in teams],
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
    facts = concern_facts(ctx)
    return MetricData(
        figures=[percent("within_policy", f"Submitted within {hours} hours", facts["submitted_ok"], facts["raised"])],
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
    facts = concern_facts(ctx)
    return MetricData(
        figures=[
            percent("s42", "Converted to a section 42 enquiry", facts["s42"], facts["raised"]),
            percent("other", "Converted to another safeguarding enquiry", facts["other"], facts["raised"]),
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
    facts = concern_facts(ctx)
    return MetricData(
        figures=[
            percent("recorded", "Consent to raise recorded", facts["consent_recorded"], facts["raised"]),
            percent("reason", "Not sought, with a reason", facts["not_sought_reason"], facts["not_sought"]),
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
    facts = enquiry_facts(ctx)
    return MetricData(figures=[percent("asked", "Asked about desired outcomes", facts["asked"], facts["all"])])


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
    facts = enquiry_facts(ctx)
    return MetricData(
        figures=[percent(c, MspAchieved(c).label, facts[f"msp_{c}"], facts["expressed"]) for c in MspAchieved]
    )


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
    facts = enquiry_facts(ctx)
    return MetricData(
        figures=[percent("reduced_or_removed", "Risk reduced or removed", facts["risk_ok"], facts["risk"])]
    )


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
    facts = enquiry_facts(ctx)
    return MetricData(
        figures=[
            percent(
                "supported", "Supported by an advocate, family or friend", facts["lacked_supported"], facts["lacked"]
            )
        ]
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
    facts = concern_facts(ctx)
    return MetricData(figures=[percent("completed", "DASH checklist completed", facts["da_dash"], facts["da"])])


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
    facts = concern_facts(ctx)
    adults = Person.objects.filter(pk__in=concerns(ctx).values("case__adult_id")).aggregate(
        adults=Count("id"), verified=Count("id", filter=Q(nhs_number_status=NhsNumberStatus.VERIFIED))
    )
    return MetricData(
        figures=[
            percent("nhs_verified", "Adults with a verified NHS number", adults["verified"], adults["adults"]),
            percent("sac_complete", "Concerns with all SAC-mandatory fields", facts["sac_complete"], facts["raised"]),
        ],
        policy="SAC-mandatory fields: " + ", ".join(sac_mandatory_fields()),
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
