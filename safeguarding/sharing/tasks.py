"""Sharing engine tasks: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="safeguarding.sharing.tasks.render_export", ignore_result=True, acks_late=True)
def render_export(export_id: str) -> None:
    from safeguarding.sharing.exports import export_render

    export_render(export_id=export_id)
