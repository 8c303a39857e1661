"""Optimistic concurrency for the API: responses carry an ETag; PATCH/PUT need If-Match (428 without, 412 stale)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from safeguarding.api.exceptions import PreconditionFailed, PreconditionRequired


def etag_for(obj: Any) -> str:
    return f'"{obj.pk}-{obj.version}"'


def check_if_match(request: Request, obj: Any) -> int:
    """Return the version the client last read, or raise 428/412. Services re-check it inside their UPDATE."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    candidates = [value.strip().removeprefix("W/") for value in header.split(",")]
    current = etag_for(obj)
    if "*" in candidates:
        return int(obj.version)
    if current not in candidates:
        raise PreconditionFailed()
    return int(obj.version)
