"""``/api/v1/attachments/``: upload to a visible parent, download through the parent's visibility."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.accounts.models import User
from safeguarding.attachments import selectors
from safeguarding.attachments.models import Attachment
from safeguarding.attachments.responses import download_response
from safeguarding.attachments.services import attachment_add
from safeguarding.exceptions import InvalidInput

CREATE_ROUTE = "api:attachment-create"
DOWNLOAD_ROUTE = "api:attachment-download"


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    parent_type = serializers.SerializerMethodField()
    uploaded_by = serializers.UUIDField(source="uploaded_by_id", read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "parent_type",
            "parent_id",
            "original_name",
            "file_type",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields

    def get_parent_type(self, obj: Attachment) -> str:
        return f"{obj.parent_type.app_label}.{obj.parent_type.model}"


class AttachmentCreateInput(serializers.Serializer[None]):
    parent_type = serializers.CharField(help_text='The parent\'s model as "app_label.model", e.g. "cases.case".')
    parent_id = serializers.CharField(max_length=64, help_text="The parent's id (a UUID).")
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)


class AttachmentCreate(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Attach a file to a record",
        description=(
            "Multipart upload of one file to a record you can see and may add files to. The extension and the "
            "content must both be an allowed type (PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT, CSV) and the file must be "
            "within the size limit; otherwise 400 with an error on `file`. A parent you cannot see answers 404; one "
            "you can see but may not add files to answers 403."
        ),
        request={"multipart/form-data": AttachmentCreateInput},
        responses={201: AttachmentSerializer, 400: OpenApiResponse(description="Invalid file or parent type")},
        tags=["attachments"],
    )
    def post(self, request: Request) -> Response:
        data = AttachmentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        parent_type = data.validated_data["parent_type"]
        if selectors.parent_model_for(parent_type) is None:
            raise InvalidInput.field("parent_type", "Files cannot be attached to this kind of record")
        parent = selectors.parent_get_visible_or_404(
            user=user, parent_type=parent_type, parent_id=data.validated_data["parent_id"], route=CREATE_ROUTE
        )
        attachment = attachment_add(parent=parent, uploaded_file=request.FILES.get("file"), by=user)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownload(APIView):
    @extend_schema(
        summary="Download an attachment",
        description=(
            "The file itself (`Content-Disposition: attachment`), only when you can see the record it is attached "
            "to; otherwise 404. Every download is written to the access log with the file's SHA-256."
        ),
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Not found"),
        },
        tags=["attachments"],
    )
    def get(self, request: Request, pk: str) -> FileResponse:
        attachment, _parent = selectors.attachment_open(user=request.user, pk=pk, route=DOWNLOAD_ROUTE)  # type: ignore[arg-type]
        return download_response(attachment)
