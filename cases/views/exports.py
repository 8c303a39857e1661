"""Redacted exports of a case from the browser: ask (queued for a worker), see your exports, download (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.selectors import Scope
from cases.views.case_page import _case, _errors
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.requests import request_user
from safeguarding.sharing import exports
from safeguarding.sharing.models import ExportFormat


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format", widget=forms.RadioSelect, choices=list(ExportFormat.choices), initial=ExportFormat.PDF
    )
    recipient = forms.CharField(
        label="Who is it for?",
        max_length=200,
        help_text="Printed on every page, for example: Strategy meeting, 12 March.",
        error_messages={"required": "Say who the export is for"},
    )
    purpose = forms.CharField(
        label="What is it for?", max_length=300, error_messages={"required": "Say what the export is for"}
    )


@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest, pk: Any) -> HttpResponse:
    case, scope = _case(request, pk)
    user = request_user(request)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exports.export_request(
                user=user,
                obj=case,
                scope=scope.label,
                fmt=form.cleaned_data["format"],
                recipient=form.cleaned_data["recipient"],
                purpose=form.cleaned_data["purpose"],
            )
        except ActionForbidden:
            raise
        except InvalidInput as exc:
            _errors(exc, form)
        else:
            messages.success(request, "Your export is being prepared. Refresh this page to download it.")
            return redirect("cases:exports", pk=case.pk)
    rows = list(exports.exports_for(user=user, obj=case)[:20])
    return render(
        request,
        "cases/exports.html",
        {"case": case, "scope": scope, "Scope": Scope, "form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


def export_download(request: HttpRequest, pk: Any, export_id: Any) -> HttpResponse:
    case, _scope = _case(request, pk)
    export = exports.exports_for(user=request_user(request), obj=case).filter(pk=export_id).first()
    if export is None:
        raise Http404("Not found")
    try:
        content = exports.export_download(export=export, user=request_user(request), route="cases:export-download")
    except LookupError:
        raise Http404("Not found") from None
    response = HttpResponse(content, content_type="application/pdf" if export.format == "pdf" else "application/json")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response
