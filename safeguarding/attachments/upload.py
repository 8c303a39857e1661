"""Refusing an oversized file while it arrives, not after it has been stored.

Django's own handlers write the whole of an upload to memory or a temporary file before any view sees it, so the size
check in ``attachment_add`` alone would let one request fill the disk. ``SizeCappedUploadHandler`` runs first: once a
file passes ``ATTACHMENT_MAX_BYTES`` it stops handing data on, and it answers for the file with an ``OversizedUpload``
of the size received. The service's size check then refuses it with its usual message. The proxy in front of the
service should cap request bodies as well (``client_max_body_size`` in nginx).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

if TYPE_CHECKING:  # generic only in django-stubs
    _File = UploadedFile[bytes]
else:
    _File = UploadedFile


class OversizedUpload(_File):
    """A file refused for its size: no content, and ``size`` is what had arrived when it was cut off."""

    def __init__(self, *, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class SizeCappedUploadHandler(FileUploadHandler):
    def new_file(self, field_name: str, file_name: str, content_type: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, content_type, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.ATTACHMENT_MAX_BYTES:
            return None  # nothing more reaches the handlers that store the file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if self.received > settings.ATTACHMENT_MAX_BYTES:
            return OversizedUpload(name=self.file_name or "", content_type=self.content_type or "", size=self.received)
        return None  # within the limit: the next handler's file stands
