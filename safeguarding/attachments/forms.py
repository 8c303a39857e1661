from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.attachments import filetypes


class AttachmentForm(forms.Form):
    """The upload form. Type and size are checked by ``attachment_add`` (one set of rules for HTML and API)."""

    file = forms.FileField(
        label="Upload a file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": filetypes.ACCEPT_ATTRIBUTE}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from safeguarding.attachments.services import max_size_display

        super().__init__(*args, **kwargs)
        types = "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG, JPEG, TXT or CSV"
        self.fields["file"].help_text = f"{types}, up to {max_size_display()}."
