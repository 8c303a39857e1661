"""Demo data for assurance (a ``seed_demo`` step): training records for the trust's staff and a draft evidence pack
for the last complete quarter. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from assurance.metrics.periods import quarter_of
from assurance.models import EvidencePack, TrainingLevel, TrainingRecord, TrainingTopic
from safeguarding.demo import demo_agency
from safeguarding.organisations.models import Membership
from safeguarding.roles import LEAD_ROLES, Role, has_any_role


def seed() -> int:
    trust = demo_agency("trust")
    written = 0
    admin = Membership.objects.filter(agency=trust, roles__contains=[Role.AGENCY_ADMIN]).select_related("user").first()
    lead = (
        Membership.objects.filter(agency=trust, roles__contains=[Role.SAFEGUARDING_LEAD]).select_related("user").first()
    )
    if admin is None or lead is None:
        return 0
    today = timezone.localdate()
    if not TrainingRecord.objects.filter(agency=trust).exists():
        for i, membership in enumerate(
            Membership.objects.filter(agency=trust).select_related("user").order_by("user__email")
        ):
            level = TrainingLevel.L4 if has_any_role(membership.roles, LEAD_ROLES) else TrainingLevel.L3
            completed = today - timedelta(days=200 + 120 * i)  # the later staff have lapsed
            TrainingRecord.objects.create(
                agency=trust,
                staff=membership.user,
                role=membership.job_title,
                topic=TrainingTopic.SAFEGUARDING_ADULTS,
                required_level=level,
                course=f"Adult safeguarding {level}",
                completed_at=completed,
                expires_at=completed + timedelta(days=3 * 365 if i % 3 else 365),
                recorded_by=admin.user,
            )
            TrainingRecord.objects.create(
                agency=trust,
                staff=membership.user,
                role=membership.job_title,
                topic=TrainingTopic.PREVENT,
                required_level=TrainingLevel.L1,
                course="Prevent awareness",
                completed_at=completed,
                expires_at=completed + timedelta(days=3 * 365),
                recorded_by=admin.user,
            )
            written += 2
    last_quarter = quarter_of(quarter_of(today).start - timedelta(days=1))
    if not EvidencePack.objects.filter(agency=trust, period=last_quarter.label).exists():
        from assurance.services import pack_create, pack_update_narrative

        pack = pack_create(by=lead.user, period=last_quarter)
        pack_update_narrative(
            pack=pack,
            by=lead.user,
            assurance_statement="The trust met its statutory safeguarding duties this quarter (demo text).",
            risks="Training compliance at level 3 is below the local target (demo text).",
        )
        written += 1
    return written
