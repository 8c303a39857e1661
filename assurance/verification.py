"""Checking an evidence-pack PDF against its stored record: the file's SHA-256, the stored copy, and the figures
attached inside the PDF against the data-extract hash printed on the cover."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from assurance import figures as fig
from assurance.models import EvidencePack


@dataclass
class Verification:
    ok: bool
    pack: EvidencePack | None = None
    messages: list[str] = field(default_factory=list)


def embedded_figures(data: bytes) -> bytes | None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    attachments = reader.attachments
    contents = attachments.get("figures.json")
    return contents[0] if contents else None


def verify_document(data: bytes) -> Verification:
    digest = hashlib.sha256(data).hexdigest()
    pack = EvidencePack.objects.select_related("agency").filter(pdf_sha256=digest).first()
    if pack is None:
        return Verification(
            False, None, [f"No evidence pack has a PDF with SHA-256 {digest}: the file is not ours or was altered."]
        )
    result = Verification(True, pack, [f"SHA-256 {digest} matches {pack.reference} of {pack.agency.name}."])
    if pack.manifest.get("pdf_sha256") != digest:
        result.ok = False
        result.messages.append("The stored manifest does not name this hash.")
    if pack.pdf:
        with pack.pdf.open("rb") as stored:
            if hashlib.sha256(stored.read()).hexdigest() != digest:
                result.ok = False
                result.messages.append("The stored copy differs from this file.")
    attached = embedded_figures(data)
    if attached is None:
        result.ok = False
        result.messages.append("The figures.json attachment is missing.")
    elif fig.sha256(attached) != pack.figures_sha256:
        result.ok = False
        result.messages.append("The attached figures do not match the data-extract hash.")
    else:
        result.messages.append(f"The attached figures match the data-extract hash {pack.figures_sha256}.")
    signers = pack.manifest.get("signed_off_by", {})
    result.messages.append(
        f"Signed off by {signers.get('safeguarding_lead') or '?'} (safeguarding lead) and "
        f"{signers.get('executive_lead') or '?'} (executive lead); generated {pack.manifest.get('generated_at')}."
    )
    return result
