"""Disagreement screens: raise, challenge inaction, the detail page with stage history, the escalations page for
leads, the "My work" panel and the case-page panel."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from escalation.disagreements import forms as f
from escalation.disagreements import selectors, services
from escalation.disagreements.models import STAGE_LABELS, Category, Disagreement, DisagreementStatus
from escalation.models import Deadline
from escalation.selectors import deadline_get_for_user
from safeguarding import registry
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, ServiceError
from safeguarding.organisations.models import Agency
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import request_user
from safeguarding.roles import LEAD_ROLES, Role
from safeguarding.web.forms import add_service_errors


def _subject(request: HttpRequest, subject_type: str, subject_id: str, route: str) -> Any:
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError) as exc:
        raise Http404("Not found") from exc
    obj = (
        registry.visible(model, user=request_user(request)).filter(pk=subject_id).first()
        if model in (registry.registered_models())
        else None
    )
    if obj is None:
        record_denied(user=request_user(request), object_type=subject_type, object_id=subject_id, route=route)
        raise Http404("Not found")
    return obj


@require_http_methods(["GET", "POST"])
def raise_disagreement(request: HttpRequest, subject_type: str, subject_id: str) -> HttpResponse:
    user = request_user(request)
    subject = _subject(request, subject_type, subject_id, "escalation:disagreement-raise")
    own = agency_of(user)
    others = Agency.objects.filter(active=True)
    if own is not None:
        others = others.exclude(pk=own.pk)
    agencies = [(str(a.pk), a.name) for a in others]
    form = f.RaiseForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            disagreement = services.disagreement_raise(
                by=user,
                subject=subject,
                respondent_agency=Agency.objects.get(pk=data["respondent_agency"]),
                category=data["category"],
                disputed=data["disputed"],
                resolution_sought=data["resolution_sought"],
                immediate_risk=data["immediate_risk"],
                adult_views=data["adult_views"],
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Disagreement {disagreement.reference} raised at stage 1.")
            return redirect("escalation:disagreement", pk=disagreement.pk)
    return render(
        request,
        "escalation/disagreement_raise.html",
        {"form": form, "subject_label": registry.object_label(subject), "subject_url": registry.object_url(subject)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def challenge(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    try:
        deadline = deadline_get_for_user(user=user, pk=pk)
    except Http404:
        record_denied(user=user, object_type=Deadline, object_id=pk, route="escalation:deadline-challenge")
        raise
    record_access(user=user, objects_or_ids=deadline, route="escalation:deadline-challenge")
    form = f.ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disagreement = services.deadline_challenge(deadline=deadline, by=user, **form.cleaned_data)
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Challenge raised as disagreement {disagreement.reference}, at stage 2.")
            return redirect("escalation:disagreement", pk=disagreement.pk)
    return render(
        request,
        "escalation/deadline_challenge.html",
        {"form": form, "deadline": deadline},
        status=400 if form.errors else 200,
    )


def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    disagreement = selectors.disagreement_get_for_user(user=user, pk=pk, route="escalation:disagreement")
    subject = registry.resolve_visible(disagreement.subject_type, disagreement.subject_id, user=user)
    return render(
        request,
        "escalation/disagreement_detail.html",
        {
            "d": disagreement,
            "stages": disagreement.stages.select_related("raiser_holder", "respondent_holder"),
            "notes": disagreement.notes.select_related("author", "author_agency"),
            "subject_url": registry.object_url(subject) if subject is not None else None,
            "can_act": disagreement.is_open and services.may_act(disagreement, user),
            "can_escalate_now": disagreement.is_open
            and disagreement.immediate_risk
            and services.is_party(disagreement, user),
            "is_party": services.is_party(disagreement, user),
            "escalate_form": f.EscalateForm(),
            "resolve_form": f.ResolveForm(),
            "note_form": f.NoteForm(),
            "top": disagreement.stage >= 4,
        },
    )


def _act(request: HttpRequest, pk: Any, form_class: type, action: str) -> HttpResponse:
    user = request_user(request)
    disagreement = selectors.disagreement_get_for_user(user=user, pk=pk, route=f"escalation:disagreement-{action}")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if action == "escalate":
                services.disagreement_escalate(disagreement=disagreement, by=user, reason=form.cleaned_data["reason"])
            elif action == "resolve":
                services.disagreement_resolve(disagreement=disagreement, by=user, **form.cleaned_data)
            else:
                services.disagreement_note(disagreement=disagreement, by=user, text=form.cleaned_data["text"])
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                {
                    "escalate": "Escalated to the next stage.",
                    "resolve": "Disagreement resolved.",
                    "note": "Note added.",
                }[action],
            )
            return redirect("escalation:disagreement", pk=disagreement.pk)
    return render(
        request, "escalation/disagreement_form.html", {"d": disagreement, "form": form, "action": action}, status=400
    )


@require_POST
def escalate(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(request, pk, f.EscalateForm, "escalate")


@require_POST
def resolve(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(request, pk, f.ResolveForm, "resolve")


@require_POST
def note(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(request, pk, f.NoteForm, "note")


def escalations(request: HttpRequest) -> HttpResponse:
    """For leads: open disagreements by stage, age, agency and category, and overdue deadlines nobody challenged."""
    user = request_user(request)
    if not user.has_role(*LEAD_ROLES, Role.DIRECTOR, Role.TEAM_MANAGER, Role.SAB_CHAIR):
        raise PermissionDenied
    open_ = (
        selectors.disagreement_list_for_user(user=user)
        .filter(status=DisagreementStatus.OPEN)
        .select_related("raiser_agency", "respondent_agency")
        .order_by("-stage", "opened_at")
    )
    stage = request.GET.get("stage", "")
    if stage.isdigit():
        open_ = open_.filter(stage=int(stage))
    category = request.GET.get("category", "")
    if category in Category.values:
        open_ = open_.filter(category=category)
    rows = list(open_[:100])
    breaches = list(selectors.unchallenged_breaches(user=user)[:50])
    record_access(user=user, objects_or_ids=rows, object_type=Disagreement, route="escalation:escalations")
    record_access(user=user, objects_or_ids=breaches, object_type=Deadline, route="escalation:escalations")
    by_stage = dict(
        selectors.disagreement_list_for_user(user=user)
        .filter(status=DisagreementStatus.OPEN)
        .values_list("stage")
        .annotate(n=Count("id"))
    )
    now = timezone.now()
    return render(
        request,
        "escalation/escalations.html",
        {
            "rows": [(d, selectors.age_days(d, now)) for d in rows],
            "breaches": breaches,
            "by_stage": [(n, STAGE_LABELS[n], by_stage.get(n, 0)) for n in range(1, 5)],
            "categories": Category.choices,
            "filters": {"stage": stage, "category": category},
        },
    )


def awaiting_panel(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = list(selectors.awaiting(user=user).select_related("raiser_agency", "respondent_agency")[:20])
    record_access(user=user, objects_or_ids=rows, object_type=Disagreement, route="escalation:disagreements-awaiting")
    return render(request, "escalation/disagreements_awaiting.html", {"rows": rows})


def case_panel(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case page's "Disagreements" panel: the case's disagreements this user may see."""
    user = request_user(request)
    rows = list(
        selectors.disagreement_list_for_user(user=user)
        .filter(case_id=case_id)
        .select_related("raiser_agency", "respondent_agency")
    )
    record_access(user=user, objects_or_ids=rows, object_type=Disagreement, route="escalation:case-disagreements")
    return render(request, "escalation/disagreements_case_panel.html", {"rows": rows, "case_id": case_id})
