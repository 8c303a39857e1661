"""Metrics from the platform's engines: professional disagreements (M18, the escalation app) and information-sharing
decisions (M21, the sharing engine)."""

from __future__ import annotations

from django.db.models import Count, Q

from assurance.metrics.base import Median, count, days_between, in_period, median, percent
from assurance.metrics.registry import Breakdown, Context, MetricData, register_metric
from escalation.disagreements.models import STAGE_LABELS, Disagreement, DisagreementStatus
from safeguarding.sharing.codes import ConsentStatus, Direction, LawfulBasisArt6
from safeguarding.sharing.models import SharingDecision


@register_metric(
    "M18",
    title="Escalations (professional disagreements)",
    numerator="Disagreements the organisation raised and received in the period, by the highest stage reached; of "
    "those resolved in the period, the ones resolved at stage 1 or 2",
    denominator="Disagreements involving the organisation resolved in the period",
    period="Opened (counts) or resolved (median, stage share) in the period",
    policy="escalation_stage_1 to escalation_stage_4 (working days per stage, §3.6)",
    source="escalation",
    dimensions=("agency", "area"),
    headline="resolved_early",
)
def m18(ctx: Context) -> MetricData:
    base = Disagreement.objects.all()
    if ctx.area_id is not None:
        base = base.filter(area_id=ctx.area_id)
    mine = Q(raiser_agency_id__in=ctx.agency_ids) | Q(respondent_agency_id__in=ctx.agency_ids)
    opened = base.filter(in_period("opened_at", ctx))
    stage_counts = opened.aggregate(
        raised=Count("id", filter=Q(raiser_agency_id__in=ctx.agency_ids)),
        received=Count("id", filter=Q(respondent_agency_id__in=ctx.agency_ids)),
        **{f"raised_{s}": Count("id", filter=Q(raiser_agency_id__in=ctx.agency_ids, stage=s)) for s in STAGE_LABELS},
        **{
            f"received_{s}": Count("id", filter=Q(respondent_agency_id__in=ctx.agency_ids, stage=s))
            for s in STAGE_LABELS
        },
    )
    resolved = base.filter(mine, in_period("resolved_at", ctx), status=DisagreementStatus.RESOLVED).aggregate(
        n=Count("id"),
        early=Count("id", filter=Q(stage__lte=2)),
        median=Median(days_between("opened_at", "resolved_at")),
    )
    return MetricData(
        figures=[
            count("raised", "Raised by the organisation", stage_counts["raised"]),
            count("received", "Received by the organisation", stage_counts["received"]),
            median("median_days", "Median days to resolution", resolved["median"], resolved["n"]),
            percent("resolved_early", "Resolved at stage 1 or 2", resolved["early"], resolved["n"]),
        ],
        breakdowns=[
            Breakdown(
                "raised_stage",
                "Raised, by highest stage reached",
                [count(f"stage_{s}", label, stage_counts[f"raised_{s}"]) for s, label in STAGE_LABELS.items()],
            ),
            Breakdown(
                "received_stage",
                "Received, by highest stage reached",
                [count(f"stage_{s}", label, stage_counts[f"received_{s}"]) for s, label in STAGE_LABELS.items()],
            ),
        ],
    )


@register_metric(
    "M21",
    title="Information-sharing decisions",
    numerator="Sharing decisions the organisation recorded in the period, by lawful basis; those with a written "
    "rationale; disclosures without consent that carry an override reason",
    denominator="All decisions recorded in the period; disclosures made without the adult's consent",
    period="By the date of the decision",
    source="safeguarding.sharing",
    dimensions=("agency",),
    headline="override_reason",
)
def m21(ctx: Context) -> MetricData:
    qs = SharingDecision.objects.filter(in_period("decided_at", ctx), owner_agency_id__in=ctx.agency_ids)
    disclose = Q(direction=Direction.DISCLOSE)
    without_consent = disclose & ~Q(consent_status=ConsentStatus.GIVEN)
    totals = qs.aggregate(
        all=Count("id"),
        refused=Count("id", filter=Q(direction=Direction.REFUSE)),
        rationale=Count("id", filter=~Q(rationale="")),
        without_consent=Count("id", filter=without_consent),
        override=Count("id", filter=without_consent & ~Q(override_reason="")),
        **{f"basis_{c}": Count("id", filter=disclose & Q(lawful_basis_art6=c)) for c in LawfulBasisArt6},
        basis_none=Count("id", filter=disclose & Q(lawful_basis_art6="")),
    )
    bases = [count(c, LawfulBasisArt6(c).label, totals[f"basis_{c}"]) for c in LawfulBasisArt6]
    bases.append(count("not_recorded", "No lawful basis recorded", totals["basis_none"]))
    return MetricData(
        figures=[
            count("decisions", "Sharing decisions recorded", totals["all"]),
            count("refused", "Decisions not to share", totals["refused"]),
            percent("rationale", "With a written rationale", totals["rationale"], totals["all"]),
            percent(
                "override_reason",
                "Shared without consent, with an override reason",
                totals["override"],
                totals["without_consent"],
            ),
        ],
        breakdowns=[Breakdown("lawful_basis", "Disclosures by lawful basis (Article 6)", bases)],
    )
