"""Agency administrators and leads acting on their colleagues' accounts, and the authentication-event log."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.accounts import lifecycle
from safeguarding.accounts.account_forms import AuthEventFilterForm, DeactivateForm, MfaResetForm
from safeguarding.accounts.models import AuthEvent, User
from safeguarding.accounts.reauth import require_recent_auth
from safeguarding.accounts.selectors import (
    auth_events_visible,
    may_manage_people,
    may_read_auth_log,
    people_visible,
    person_get_visible_or_404,
)
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.requests import request_user

PAGE_SIZE = 50


def _apply_errors(form: Any, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not may_manage_people(actor):
        raise PermissionDenied
    rows = list(people_visible(actor).select_related("membership__agency", "membership__team").order_by("full_name"))
    record_access(user=actor, objects_or_ids=rows, object_type=User, route="accounts:people", purpose="administration")
    return render(
        request,
        "accounts/people.html",
        {
            "people": rows,
            "may_reset": {p.pk for p in rows if lifecycle.may_reset_mfa(actor, p)},
            "may_deactivate": {p.pk for p in rows if lifecycle.may_deactivate(actor, p)},
        },
    )


@require_recent_auth
@require_http_methods(["GET", "POST"])
def person_mfa_reset(request: HttpRequest, pk: str) -> HttpResponse:
    actor = request_user(request)
    person = person_get_visible_or_404(actor=actor, pk=pk)
    if not lifecycle.may_reset_mfa(actor, person):
        raise PermissionDenied
    record_access(user=actor, objects_or_ids=person, route="accounts:person-mfa-reset", purpose="administration")
    form = MfaResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = lifecycle.mfa_reset(
                user=person,
                by=actor,
                identity_check=form.cleaned_data["identity_check"],
                identity_note=form.cleaned_data["identity_note"],
            )
        except InvalidInput as exc:
            _apply_errors(form, exc)
        except TransitionNotAllowed as exc:
            form.add_error(None, exc.detail)
        else:
            # Shown once, in this response only (no-store); never put in a URL, a message or a log.
            return render(request, "accounts/person_mfa_reset_done.html", {"person": person, "result": result})
    return render(
        request, "accounts/person_mfa_reset.html", {"person": person, "form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, pk: str) -> HttpResponse:
    actor = request_user(request)
    person = person_get_visible_or_404(actor=actor, pk=pk)
    if not lifecycle.may_deactivate(actor, person):
        raise PermissionDenied
    record_access(user=actor, objects_or_ids=person, route="accounts:person-deactivate", purpose="administration")
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            items = lifecycle.user_deactivate(user=person, by=actor, reason=form.cleaned_data["reason"])
        except InvalidInput as exc:
            _apply_errors(form, exc)
        except (TransitionNotAllowed, ActionForbidden) as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(
                request,
                f"{person.full_name}'s account is deactivated. Their sessions and API tokens have ended"
                + (
                    f", and {items} item{'s' if items != 1 else ''} of their work are on the reassignment list"
                    if items
                    else ""
                ),
            )
            return redirect("accounts:people")
    return render(
        request, "accounts/person_deactivate.html", {"person": person, "form": form}, status=400 if form.errors else 200
    )


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@require_GET
def auth_events(request: HttpRequest) -> HttpResponse:
    """The authentication-event log of the actor's agency (everyone's for superusers), newest first."""
    actor = request_user(request)
    if not may_read_auth_log(actor):
        raise PermissionDenied
    people_qs = people_visible(actor).order_by("full_name")
    form = AuthEventFilterForm(request.GET or None, people=people_qs)
    qs = auth_events_visible(actor).select_related("user", "actor").order_by("-id")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("user"):
            qs = qs.filter(user=data["user"])
        if data.get("event_type"):
            qs = qs.filter(event_type=data["event_type"])
        if data.get("date_from"):
            qs = qs.filter(occurred_at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            qs = qs.filter(occurred_at__lt=_day_start(data["date_to"] + timedelta(days=1)))
    elif form.is_bound:
        qs = qs.none()
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(id__lt=int(before))
    rows: list[AuthEvent] = list(qs[: PAGE_SIZE + 1])
    older = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    record_access(
        user=actor,
        objects_or_ids=rows,
        object_type=AuthEvent,
        route="accounts:auth-events",
        purpose="authentication log",
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "accounts/auth_events.html",
        {"form": form, "events": rows, "older": older, "query": query.urlencode(), "filtered": bool(query)},
    )
