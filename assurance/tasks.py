"""Assurance tasks (routed to the ``pdf`` queue by ``CELERY_TASK_ROUTES``): thin wrappers over services."""

from __future__ import annotations

from celery import shared_task

from assurance import services


@shared_task(name="assurance.tasks.render_evidence_pack", acks_late=True, soft_time_limit=120, time_limit=150)
def render_evidence_pack(pack_id: str) -> str:
    pack = services.pack_render(pack_id=pack_id)
    return pack.render_status if pack else "missing"
