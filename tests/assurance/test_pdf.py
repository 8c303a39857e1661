"""Evidence-pack PDFs: no identifiable data (canary), PDF/A-3u with tags, title, language, shipped fonts and the
figures attached; the URL fetcher refuses anything but the project's static files; verify_evidence_pack."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from assurance import services
from assurance.models import EvidencePack
from assurance.pdf import STATIC_ROOT, StaticOnlyFetcher
from cases.models import Concern
from tests.assurance.conftest import Scene, signed_pack

CANARIES = [
    "Zephyrine",
    "Quillfeather",
    "Wolstenholme",
    "Marmalade Lane",
    "ZX9 8QQ",
    "9434765919",
    "943 476 5919",
    "1963-02-17",
    "17/02/1963",
    "17 February 1963",
    "Pemberton Mews",
    "Xylocarpus",
]


def _render(scene: Scene) -> tuple[EvidencePack, bytes]:
    pack = signed_pack(scene)
    services.pack_request_render(pack=pack, by=scene.world.lead)
    pack = services.pack_render(pack_id=pack.pk)
    assert pack is not None and pack.is_ready
    with pack.pdf.open("rb") as handle:
        return pack, handle.read()


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_a_pack_rendered_from_data_full_of_names_and_nhs_numbers_contains_none_of_them(scene: Scene) -> None:
    from datetime import date

    for i in range(7):
        person = scene.world.person(
            given_name="Zephyrine",
            family_name=f"Quillfeather{i}",
            date_of_birth=date(1963, 2, 17),
            nhs_number="9434765919" if i == 0 else "",
            address="42 Marmalade Lane, Pemberton Mews",
            postcode="ZX9 8QQ",
        )
        scene.concern(
            person=person,
            what_happened="Xylocarpus incident at Pemberton Mews involving Wolstenholme",
            adult_views="Zephyrine Quillfeather wants Wolstenholme to leave",
            domestic_abuse_disclosed=True,
        )
    Concern.objects.update(decision_rationale="Quillfeather 9434765919")
    _, data = _render(scene)
    text = _text(data)
    assert "Concerns raised" in text and "Assurance statement" in text  # the extraction works
    found = [c for c in CANARIES if c.lower() in text.lower()]
    assert found == [], f"identifiable data in the PDF text: {found}"
    reader = PdfReader(io.BytesIO(data))
    attached = reader.attachments["figures.json"][0].decode()
    assert [c for c in CANARIES if c.lower() in attached.lower()] == []


def test_the_pdf_is_tagged_pdf_a_3u_with_title_language_embedded_fonts_and_the_figures_attached(scene: Scene) -> None:
    for _ in range(5):
        scene.concern()
    pack, data = _render(scene)
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp, xmp
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert reader.metadata is not None and "evidence pack" in (reader.metadata.title or "").lower()
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), "font not embedded"
            fonts.add(str(font["/BaseFont"]))
    assert fonts and all("Pack-Sans" in f for f in fonts), fonts  # only the fonts shipped in assurance/static
    attached = reader.attachments["figures.json"][0]
    assert hashlib.sha256(attached).hexdigest() == pack.figures_sha256
    assert pack.figures_sha256 in _text(data).replace("\n", "")
    assert pack.manifest["pdf_sha256"] == hashlib.sha256(data).hexdigest() == pack.pdf_sha256
    assert pack.manifest["pages"] >= 3 and pack.manifest["version"] == 1


def test_verify_evidence_pack_accepts_the_file_and_rejects_a_tampered_copy(scene: Scene, tmp_path: Path) -> None:
    _, data = _render(scene)
    good = tmp_path / "pack.pdf"
    good.write_bytes(data)
    out = io.StringIO()
    call_command("verify_evidence_pack", str(good), stdout=out)
    assert "Verified" in out.getvalue() and "attached figures match" in out.getvalue()
    bad = tmp_path / "tampered.pdf"
    middle = len(data) // 2
    bad.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])
    with pytest.raises(CommandError):
        call_command("verify_evidence_pack", str(bad), stdout=io.StringIO())


@pytest.mark.parametrize(
    "url",
    ["http://example.test/x.css", "https://example.test/font.ttf", "file:///etc/passwd", "data:text/plain,hi"],
)
def test_the_url_fetcher_refuses_anything_but_the_projects_static_files(url: str) -> None:
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError):
        StaticOnlyFetcher().fetch(url)
    font = (STATIC_ROOT / "fonts" / "DejaVuSans.ttf").as_uri()
    assert StaticOnlyFetcher().fetch(font).status == 200


def test_a_failed_render_is_recorded_and_can_be_asked_for_again(scene: Scene, monkeypatch: Any) -> None:
    from assurance import pdf

    pack = signed_pack(scene)
    services.pack_request_render(pack=pack, by=scene.world.lead)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr(pdf, "render_pack", broken)
    with pytest.raises(MemoryError):
        services.pack_render(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.render_status == "failed" and pack.render_error == "MemoryError"
    assert services.pack_request_render(pack=pack, by=scene.world.lead).render_status == "queued"


def test_a_render_again_replaces_the_stored_file_and_its_hash(scene: Scene) -> None:
    pack, first = _render(scene)
    old_name = pack.pdf.name
    EvidencePack.objects.filter(pk=pack.pk).update(render_status="queued")  # a redelivered job
    again = services.pack_render(pack_id=pack.pk)
    assert again is not None and again.pdf.name == old_name  # the old file was removed, not kept beside it
    with again.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == again.pdf_sha256
    assert first.startswith(b"%PDF")
