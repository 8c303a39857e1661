"""Two leads creating a version of the same pack at once get consecutive numbers, not a unique-constraint error."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from assurance import services
from assurance.models import EvidencePack
from safeguarding.organisations.models import Agency
from tests.assurance.conftest import Q2, make_scene
from tests.helpers import InThread, waits_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_a_version_created_while_another_is_being_created_takes_the_next_number(transactional_db: Any) -> None:
    scene = make_scene()
    with transaction.atomic():
        # The first lead's creation, part way through: it holds the agency's numbering lock and has taken number 1.
        Agency.objects.select_for_update(no_key=True).filter(pk=scene.trust.pk).exists()
        first = services.pack_create(by=scene.world.lead, period=Q2)
        second = InThread(lambda: services.pack_create(by=scene.executive, period=Q2))
        assert waits_on_a_lock(), f"the second one should wait on the lock, not fail: {second.error!r}"
    assert (first.number, second.value().number) == (1, 2)
    assert sorted(EvidencePack.objects.values_list("number", flat=True)) == [1, 2]
