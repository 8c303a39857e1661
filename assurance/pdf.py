"""Evidence-pack PDFs with WeasyPrint: PDF/A-3u, tagged, fonts shipped with the project, the figures attached as JSON.

Rendering runs only in the ``pdf`` Celery queue (time and memory limits in settings). The HTML is built from frozen,
suppressed figures and the leads' narrative through the template engine (autoescaped); the URL fetcher serves the
project's own static files and refuses everything else (no network, no other local files).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from assurance import charts
from assurance import figures as fig
from assurance.models import EvidencePack

STATIC_ROOT = Path(__file__).resolve().parent / "static" / "assurance"
FONT_DIR = STATIC_ROOT / "fonts"
TEMPLATE = "assurance/pack_pdf.html"
GENERATOR = f"safeguarding assurance (WeasyPrint {weasyprint.__version__})"
LAYOUT_VERSION = 1


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files under the assurance static directory; every other URL (http, data, other paths) is refused."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme != "file":
            raise FatalURLFetchingError(f"Refused to fetch {parsed.scheme or 'relative'} URL")
        path = Path(unquote(parsed.path)).resolve()
        if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
            raise FatalURLFetchingError("Refused to fetch a file outside the project's static files")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


def font_css() -> str:
    regular, bold = (FONT_DIR / "DejaVuSans.ttf").as_uri(), (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri()
    return (
        f"@font-face {{ font-family: 'Pack Sans'; src: url('{regular}'); font-weight: normal; }}\n"
        f"@font-face {{ font-family: 'Pack Sans'; src: url('{bold}'); font-weight: bold; }}\n"
    )


def pack_html(pack: EvidencePack) -> str:
    data = pack.figures
    titles = {m["code"]: m["title"] for m in data.get("metrics", [])}
    context = {
        "pack": pack,
        "organisation": data.get("organisation", pack.agency.name),
        "sections": fig.sections(data.get("metrics", [])),
        "charts": charts.charts_for(data.get("trends", {}), titles, prefix="pdf"),
        "generated_at": timezone.now(),
        "font_css": font_css(),
    }
    return render_to_string(TEMPLATE, context)


def render_pack(
    pack: EvidencePack, *, progress: Callable[[int, str], None] | None = None
) -> tuple[bytes, dict[str, Any]]:
    """The PDF bytes of ``pack`` and its manifest (before the PDF's own hash, which the caller adds)."""
    step = progress or (lambda p, m: None)
    step(15, "Preparing figures and narrative")
    html = pack_html(pack)
    figures_json = fig.canonical(pack.figures)
    fetcher = StaticOnlyFetcher()
    fonts = FontConfiguration()
    step(35, "Laying out pages")
    document = weasyprint.HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=fonts
    )
    step(75, "Writing the PDF")
    attachment = weasyprint.Attachment(
        string=figures_json,
        name="figures.json",
        description="The figures in this pack (small numbers suppressed), as JSON",
        relationship="Data",
    )
    output = document.write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True, attachments=[attachment])
    step(90, "Storing the document")
    manifest = {
        "pack_id": str(pack.pk),
        "organisation_id": str(pack.agency_id),
        "period": pack.period,
        "version": pack.number,
        "figures_sha256": pack.figures_sha256,
        "attachment": "figures.json",
        "pdf_variant": "pdf/a-3u",
        "pages": len(document.pages),
        "generator": GENERATOR,
        "layout_version": LAYOUT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "signed_off_by": {
            "safeguarding_lead": pack.safeguarding_lead_name,
            "executive_lead": pack.executive_lead_name,
        },
    }
    return bytes(output), manifest
