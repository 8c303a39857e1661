"""The attachment type allow-list: a file is accepted only when its extension AND its content agree.

Content is sniffed from the bytes, never taken from the browser's ``Content-Type``: PDF and the images by their
signatures; DOCX, XLSX and ODT by the parts inside their ZIP container (a renamed ZIP or a macro-enabled DOCM is
refused); TXT and CSV must be UTF-8 text without NUL bytes. The content type we store and serve is ours, too.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES: tuple[FileType, ...] = (
    FileType("pdf", "PDF", (".pdf",), "application/pdf"),
    FileType(
        "docx",
        "Word document (DOCX)",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    FileType(
        "xlsx",
        "Excel spreadsheet (XLSX)",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    FileType("odt", "OpenDocument text (ODT)", (".odt",), "application/vnd.oasis.opendocument.text"),
    FileType("png", "PNG image", (".png",), "image/png"),
    FileType("jpeg", "JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
    FileType("txt", "text file (TXT)", (".txt",), "text/plain; charset=utf-8"),
    FileType("csv", "CSV file", (".csv",), "text/csv; charset=utf-8"),
)
BY_EXTENSION: dict[str, FileType] = {ext: t for t in FILE_TYPES for ext in t.extensions}
BY_KEY: dict[str, FileType] = {t.key: t for t in FILE_TYPES}

ALLOWED_DESCRIPTION = (
    "a PDF, Word document (DOCX), Excel spreadsheet (XLSX), OpenDocument text (ODT), PNG, JPEG, TXT or CSV"
)
ACCEPT_ATTRIBUTE = ",".join(ext for t in FILE_TYPES for ext in t.extensions)

# Text files are checked in full up to this size (larger ones by their first megabyte).
TEXT_SNIFF_BYTES = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def type_for_name(name: str) -> FileType | None:
    return BY_EXTENSION.get(extension_of(name))


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" not in names:
                return None
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return None
    # Macro-enabled variants (DOCM, XLSM) declare a different main part type and are refused.
    if b"wordprocessingml.document.main+xml" in content_types and "word/document.xml" in names:
        return "docx"
    if b"spreadsheetml.sheet.main+xml" in content_types and "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _is_text(sample: bytes, *, truncated: bool) -> bool:
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample boundary is fine; anything else is not text.
        return truncated and exc.start >= len(sample) - 3
    return True


def sniff(stream: IO[bytes]) -> str | None:
    """The kind of file ``stream`` holds (a ``FileType.key``), or None when it is not one we accept."""
    stream.seek(0)
    head = stream.read(TEXT_SNIFF_BYTES + 1)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream if stream.seekable() else io.BytesIO(head))
        stream.seek(0)
        return kind
    truncated = len(head) > TEXT_SNIFF_BYTES
    if head and _is_text(head[:TEXT_SNIFF_BYTES], truncated=truncated):
        return "text"
    return None


def accepts(*, name: str, sniffed: str | None) -> FileType | None:
    """The file type when the extension is allowed and the content agrees with it; otherwise None."""
    declared = type_for_name(name)
    if declared is None or sniffed is None:
        return None
    if sniffed == "text":
        return declared if declared.key in ("txt", "csv") else None
    return declared if declared.key == sniffed else None
