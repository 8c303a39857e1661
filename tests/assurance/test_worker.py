"""The render flow with a real Celery worker on the ``pdf`` queue: 202 at once, progress on the pack, then a PDF
whose hash verifies."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pytest
from django.conf import settings

from assurance.models import EvidencePack, RenderStatus
from assurance.tasks import render_evidence_pack
from safeguarding.celery import app
from tests.assurance.conftest import Scene, signed_pack
from tests.escalation.harness import Processes
from tests.helpers import api_client

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "audit"]),
    pytest.mark.xdist_group("worker"),
]


@pytest.mark.worker
def test_a_pack_renders_in_the_pdf_queue_with_progress_and_a_verifiable_hash(
    procs: Processes, scene: Scene, transactional_db: Any
) -> None:
    for _ in range(6):
        scene.concern()
    pack = signed_pack(scene)
    client = api_client(scene.world.lead)
    started = time.perf_counter()
    response = client.post(f"/api/v1/evidence-packs/{pack.pk}/render/")
    assert response.status_code == 202 and time.perf_counter() - started < 2
    # The test process's broker is in memory; hand the job to the private Redis the worker listens on, as the
    # request's on-commit hook does in the service (same task, same routing).
    with app.connection_for_write(procs.redis_url) as connection:
        render_evidence_pack.apply_async(args=[str(pack.pk)], connection=connection)
    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    procs.start_worker(queues="pdf", MEDIA_ROOT=str(media))  # only the pdf queue: the routing must send it there
    seen: set[int] = set()

    def ready() -> bool:
        current = EvidencePack.objects.get(pk=pack.pk)
        seen.add(current.progress)
        return current.render_status == RenderStatus.READY

    procs.wait_until(ready, timeout=90, what="the pack to render")
    pack.refresh_from_db()
    assert seen - {0, 100}, "progress was reported while rendering"
    with pack.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == pack.pdf_sha256
    download = client.get(f"/api/v1/evidence-packs/{pack.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == data
