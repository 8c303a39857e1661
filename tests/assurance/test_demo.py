from __future__ import annotations

import pytest

from assurance import demo
from assurance.models import EvidencePack, TrainingRecord
from safeguarding.demo import seed_organisations

pytestmark = pytest.mark.django_db


def test_the_assurance_demo_step_is_idempotent() -> None:
    seed_organisations()
    assert demo.seed() > 0
    records, packs = TrainingRecord.objects.count(), EvidencePack.objects.count()
    assert demo.seed() == 0
    assert (TrainingRecord.objects.count(), EvidencePack.objects.count()) == (records, packs) and packs == 1
