"""The download response shared by the HTML view and the API."""

from __future__ import annotations

from django.http import FileResponse

from safeguarding.attachments.models import Attachment


def download_response(attachment: Attachment) -> FileResponse:
    """Always a download (never rendered inline), with our content type, nosniff and no caching."""
    handle = attachment.file.open("rb")
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response
