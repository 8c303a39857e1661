"""Opening emergency (break-glass) access to a case from the browser, after a look-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cases.api_break_glass import end_break_glass, open_break_glass
from cases.models import Case
from cases.views.case_page import _errors
from safeguarding import registry
from safeguarding.audit.services import record_denied
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.requests import request_user
from safeguarding.sharing import break_glass as bg
from safeguarding.sharing import forms as f


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    if not bg.may_break_glass(user):
        raise ActionForbidden("Your role cannot use emergency (break-glass) access.")
    form = f.BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = open_break_glass(user=user, case_id=pk, route="cases:break-glass", **form.cleaned_data)
        except InvalidInput as exc:
            _errors(exc, form)
        else:
            messages.success(
                request,
                f"Emergency access {access.reference} is open, read only, until {access.expires_at:%H:%M}. "
                "The agency's safeguarding leads have been told.",
            )
            return redirect("cases:detail", pk=pk)
    elif request.method == "GET":
        # The page itself reveals nothing, but only records from a look-up can be opened: check it now.
        open_check(user, pk)
    return render(request, "cases/break_glass.html", {"form": form}, status=400 if form.errors else 200)


def open_check(user: Any, pk: Any) -> None:
    case = Case.objects.filter(pk=pk).first()
    if case is not None and registry.is_visible(case, user=user):
        raise TransitionNotAllowed("You can already see this record: emergency access is not needed.")
    if case is None or not bg.in_recent_lookup(user=user, obj=case):
        record_denied(user=user, object_type=Case, object_id=pk, route="cases:break-glass")
        raise Http404("Not found")


@require_POST
def break_glass_end(request: HttpRequest, pk: Any) -> HttpResponse:
    access = end_break_glass(user=request_user(request), case_id=pk, route="cases:break-glass-end")
    messages.success(request, f"Emergency access {access.reference} has ended. It stays on record for review.")
    return redirect("sharing:break-glass")
