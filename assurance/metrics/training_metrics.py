"""M22: training compliance, from the training records this app keeps (domain §2.15)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from assurance.metrics.base import percent
from assurance.metrics.registry import Breakdown, Context, MetricData, register_metric
from assurance.models import TrainingLevel, TrainingRecord, TrainingTopic
from safeguarding.organisations.models import Membership


@register_metric(
    "M22",
    title="Training compliance",
    numerator="Staff with an in-date adult safeguarding (or Prevent) training record on the period's last day "
    "(completed on or before it, expiring on or after it)",
    denominator="Active staff of the organisation; by level, staff with any record at that required level",
    period="As at the period's last day",
    policy="Local targets are often 85–90% (unconfirmed)",
    source="assurance",
    dimensions=("agency", "team"),
    headline="safeguarding",
)
def m22(ctx: Context) -> MetricData:
    end = ctx.period.end
    staff = Membership.objects.filter(agency_id__in=ctx.agency_ids, user__is_active=True)
    if ctx.team_id is not None:
        staff = staff.filter(team_id=ctx.team_id)
    records = TrainingRecord.objects.filter(staff_id=OuterRef("user_id"), agency_id__in=ctx.agency_ids)
    in_date = records.filter(completed_at__lte=end, expires_at__gte=end)
    totals = staff.aggregate(
        all=Count("id"),
        safeguarding=Count("id", filter=Exists(in_date.filter(topic=TrainingTopic.SAFEGUARDING_ADULTS))),
        prevent=Count("id", filter=Exists(in_date.filter(topic=TrainingTopic.PREVENT))),
        **{
            f"has_{lvl}": Count(
                "id", filter=Exists(records.filter(topic=TrainingTopic.SAFEGUARDING_ADULTS, required_level=lvl))
            )
            for lvl in TrainingLevel
        },
        **{
            f"ok_{lvl}": Count(
                "id",
                filter=Exists(in_date.filter(topic=TrainingTopic.SAFEGUARDING_ADULTS, required_level=lvl)),
            )
            for lvl in TrainingLevel
        },
    )
    return MetricData(
        figures=[
            percent("safeguarding", "In date for adult safeguarding training", totals["safeguarding"], totals["all"]),
            percent("prevent", "In date for Prevent training", totals["prevent"], totals["all"]),
        ],
        breakdowns=[
            Breakdown(
                "level",
                "Adult safeguarding, by required level",
                [
                    percent(lvl, TrainingLevel(lvl).label, totals[f"ok_{lvl}"], totals[f"has_{lvl}"])
                    for lvl in TrainingLevel
                ],
            )
        ],
    )
