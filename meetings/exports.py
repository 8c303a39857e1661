"""The minutes as a PDF (WeasyPrint): every page carries the meeting's marking (OFFICIAL-SENSITIVE for MAPPA) and a
watermark naming the recipient, their agency and the time of the export; the access row records the document's
SHA-256. Restricted minutes are exported only for the restricted audience (the caller checks)."""

from __future__ import annotations

import hashlib

from django.template.loader import render_to_string
from django.utils import timezone

from meetings.models import Meeting, Minutes
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access
from safeguarding.organisations.selectors import agency_of


def _css_string(text: str) -> str:
    """``text`` as the inside of a CSS double-quoted string (for ``@page`` margin boxes): no way out of the string or
    the style element."""
    from django.utils.safestring import mark_safe

    cleaned = "".join(ch for ch in text if ch.isprintable() and ch not in "<>")
    return mark_safe(cleaned.replace("\\", "\\\\").replace('"', '\\"'))  # noqa: S308


def minutes_pdf(*, meeting: Meeting, minutes: Minutes, user: User, route: str) -> tuple[bytes, str]:
    """The PDF and its SHA-256 (written to the access log with the read)."""
    import weasyprint

    agency = agency_of(user)
    watermark = f"Exported for {user.full_name}{f', {agency.name}' if agency else ''}, {timezone.now():%d %B %Y %H:%M}"
    html = render_to_string(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "addenda": list(minutes.addenda.select_related("added_by")),
            "marking": meeting.marking or ("RESTRICTED" if meeting.minutes_restricted else ""),
            "watermark": watermark,
            "marking_css": _css_string(meeting.marking or ("RESTRICTED" if meeting.minutes_restricted else "")),
            "watermark_css": _css_string(watermark),
        },
    )
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    digest = hashlib.sha256(pdf).hexdigest()
    record_access(user=user, objects_or_ids=minutes, route=route, purpose="minutes export", document_sha256=digest)
    return pdf, digest
