"""Deadline screens: the "My work" panel (and its full page), the deadline page with its history and forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from escalation import selectors, services
from escalation.calendar import end_of_day
from escalation.forms import DelayReasonForm, ExtendForm
from escalation.models import Deadline
from safeguarding import registry
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ServiceError
from safeguarding.requests import request_user
from safeguarding.roles import Role


def _visible_or_404(request: HttpRequest, pk: Any, route: str) -> Deadline:
    try:
        return selectors.deadline_get_for_user(user=request_user(request), pk=pk)
    except Http404:
        record_denied(user=request_user(request), object_type=Deadline, object_id=pk, route=route)
        raise


def my_deadlines(request: HttpRequest) -> HttpResponse:
    """The "My work" panel (htmx) or, without JavaScript, the same content as a page."""
    user = request_user(request)
    summary = selectors.my_deadlines(user=user, now=timezone.now())
    record_access(user=user, objects_or_ids=summary.shown_ids(), object_type=Deadline, route="escalation:my-deadlines")
    template = "escalation/my_deadlines.html" + ("#deadlines-panel" if request.htmx else "")  # type: ignore[attr-defined]
    return render(request, template, {"summary": summary})


def _page(
    request: HttpRequest,
    deadline: Deadline,
    *,
    reason_form: DelayReasonForm | None = None,
    extend_form: ExtendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    subject = selectors.subject_of(deadline, user=user)
    record_access(user=user, objects_or_ids=[deadline], route="escalation:deadline")
    context = {
        "deadline": deadline,
        "history": selectors.deadline_history(deadline),
        "extensions": list(deadline.extensions.select_related("by")),
        "subject_label": registry.object_label(subject) if subject is not None else "",
        "subject_url": registry.object_url(subject) if subject is not None else None,
        "may_act": selectors.may_act_on(deadline, user),
        "ladder_length": selectors.ladder_length(deadline),
        "holder_role_label": Role(deadline.holder_role).label if deadline.holder_role in Role.values else "",
        "reason_form": reason_form or DelayReasonForm(initial={"reason": deadline.reason_for_delay}),
        "extend_form": extend_form or ExtendForm(),
    }
    return render(request, "escalation/deadline_detail.html", context, status=status)


def deadline_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    deadline = _visible_or_404(request, pk, "escalation:deadline")
    return _page(request, deadline)


@require_POST
def deadline_reason(request: HttpRequest, pk: Any) -> HttpResponse:
    deadline = _visible_or_404(request, pk, "escalation:deadline-reason")
    form = DelayReasonForm(request.POST)
    if form.is_valid():
        try:
            services.record_delay_reason(
                deadline=deadline, reason=form.cleaned_data["reason"], by=request_user(request)
            )
        except ServiceError as exc:
            _copy_errors(form, exc)
        else:
            messages.success(request, "Reason for delay recorded")
            return redirect("escalation:deadline", pk=deadline.pk)
    return _page(request, deadline, reason_form=form, status=_status(form))


@require_POST
def deadline_extend(request: HttpRequest, pk: Any) -> HttpResponse:
    deadline = _visible_or_404(request, pk, "escalation:deadline-extend")
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.extend_clock(
                deadline=deadline,
                new_due_at=end_of_day(form.cleaned_data["due_date"]),
                reason=form.cleaned_data["reason"],
                by=request_user(request),
            )
        except ServiceError as exc:
            _copy_errors(form, exc, rename={"due_at": "due_date"})
        else:
            messages.success(request, "Deadline extended")
            return redirect("escalation:deadline", pk=deadline.pk)
    return _page(request, deadline, extend_form=form, status=_status(form))


def _copy_errors(form: Any, exc: ServiceError, rename: dict[str, str] | None = None) -> None:
    """Show a service's refusal in the form's error summary (field errors beside their field)."""
    form._forbidden = exc.status_code == 403
    placed = False
    for name, errors in exc.errors.items():
        field = (rename or {}).get(name, name)
        for message in errors:
            form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def _status(form: Any) -> int:
    return 403 if getattr(form, "_forbidden", False) else 400
