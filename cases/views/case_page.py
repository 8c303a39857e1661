"""The case page and its in-page updates (htmx): chronology, risk picture, transitions, capacity, DASH."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cases import forms as f
from cases import selectors, services
from cases.models import Case, DashQuestionSet, EnquiryStatus
from cases.selectors import Scope
from safeguarding import registry
from safeguarding.exceptions import ActionForbidden, InvalidInput, ServiceError
from safeguarding.requests import request_user
from safeguarding.sharing import selectors as sharing_selectors
from safeguarding.sharing.break_glass import active_break_glass

CHRONOLOGY_PAGE = 50


def _case(request: HttpRequest, pk: Any, min_scope: Scope = Scope.SUMMARY) -> tuple[Case, Scope]:
    return selectors.case_get_for_user(
        user=request_user(request),
        case_id=pk,
        route=request.resolver_match.view_name,  # type: ignore[union-attr]
        min_scope=min_scope,
    )


def _errors(exc: ServiceError, form: Any) -> None:
    for field, messages_ in exc.errors.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)
    if not exc.errors:
        form.add_error(None, exc.detail)


def case_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    case, scope = _case(request, pk)
    context: dict[str, Any] = {"case": case, "scope": scope, "Scope": Scope, "panels": registry.case_panels()}
    if scope >= Scope.FULL:
        context.update(
            people=case.people.select_related("person"),
            concerns=case.concerns.select_related("raising_agency").order_by("-identified_at"),
            chronology=selectors.chronology_for_case(case=case)[:CHRONOLOGY_PAGE],
            enquiry=case.enquiries.select_related("lead_agency").order_by("-started_at").first(),
            plans=case.plans.select_related("lead_agency").prefetch_related(
                "actions__owner_agency", "actions__owner_person"
            ),
            capacity=case.capacity_assessments.select_related("assessor"),
            dash=case.dash_assessments.select_related("completed_by").first(),
            transitions=services.allowed_transitions(case) if scope == Scope.OWNER else [],
            chronology_form=f.ChronologyForm(),
            risk_form=f.RiskForm(
                initial={**{k: getattr(case, k) for k in services.CASE_EDITABLE_FIELDS}, "version": case.version}
            ),
            can_contribute=scope >= Scope.CONTRIBUTE,
            EnquiryStatus=EnquiryStatus,
        )
    if scope == Scope.OWNER:
        context["who_can_see"] = sharing_selectors.who_can_see(case)
    else:
        context["decisions_to_us"] = sharing_selectors.decisions_visible_to(case, request_user(request), is_owner=False)
        context["emergency"] = active_break_glass(user=request_user(request), obj=case)
    return render(request, "cases/case_detail.html", context)


@require_POST
def chronology_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case, _scope = _case(request, pk, Scope.FULL)
    form = f.ChronologyForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            services.chronology_add(
                case=case,
                by=request_user(request),
                summary=form.cleaned_data["summary"],
                event_date=f.combine(form.cleaned_data["event_date"]),
                entry_type=form.cleaned_data["entry_type"],
                significant=form.cleaned_data["significant"],
            )
        except ServiceError as exc:
            if isinstance(exc, ActionForbidden):
                raise
            _errors(exc, form)
        else:
            form = f.ChronologyForm()
    if form.errors:
        status = 422
    context = {
        "case": case,
        "chronology": selectors.chronology_for_case(case=case)[:CHRONOLOGY_PAGE],
        "chronology_form": form,
        "can_contribute": True,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/case_detail.html#chronology", context, status=status)
    if status != 200:
        return render(request, "cases/chronology_form_page.html", context, status=400)
    messages.success(request, "Chronology entry added.")
    return redirect("cases:detail", pk=case.pk)


@require_POST
def risk_update(request: HttpRequest, pk: Any) -> HttpResponse:
    case, _scope = _case(request, pk, Scope.FULL)
    form = f.RiskForm(request.POST)
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.case_update(
                case=case, by=request_user(request), expected_version=form.cleaned_data["version"], **values
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            _errors(exc, form)
        else:
            messages.success(request, "Risk picture updated.")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/risk_form_page.html", {"case": case, "risk_form": form}, status=400)


@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, pk: Any, name: str) -> HttpResponse:
    case, _scope = _case(request, pk, Scope.FULL)
    form_class = {"close": f.CloseForm, "reopen": f.ReopenForm}.get(name)
    form = form_class(request.POST or None) if form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            services.case_transition(
                case=case,
                by=request_user(request),
                transition=name,
                reason=data.get("reason", ""),
                note=data.get("note", ""),
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            if form is None:
                messages.error(request, exc.detail)
                return redirect("cases:detail", pk=case.pk)
            _errors(exc, form)
        else:
            messages.success(request, "The case has been updated.")
            return redirect("cases:detail", pk=case.pk)
    if form is None:
        return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/transition.html", {"case": case, "form": form, "name": name}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def capacity_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case, _scope = _case(request, pk, Scope.FULL)
    form = f.CapacityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.capacity_assessment_record(
                case=case,
                by=request_user(request),
                person=case.adult,
                decision=data["decision"],
                assessed_at=f.combine(data["assessed_on"]),
                outcome=data["outcome"],
                reasoning=data["reasoning"],
            )
        except ActionForbidden:
            raise
        except InvalidInput as exc:
            _errors(exc, form)
        else:
            messages.success(request, "Capacity assessment recorded.")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/capacity_form.html", {"case": case, "form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def dash_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case, _scope = _case(request, pk, Scope.FULL)
    question_set = DashQuestionSet.objects.filter(active=True).order_by("-created_at").first()
    questions = question_set.questions if question_set else []
    errors: dict[str, str] = {}
    answers = {str(q["number"]): request.POST.get(f"q{q['number']}", "") for q in questions}
    comments = {str(q["number"]): request.POST.get(f"c{q['number']}", "") for q in questions}
    if request.method == "POST":
        try:
            services.dash_record(
                case=case,
                by=request_user(request),
                answers=answers,
                comments=comments,
                professional_judgement=request.POST.get("professional_judgement", ""),
            )
        except ActionForbidden:
            raise
        except InvalidInput as exc:
            errors = {key.split(".")[-1]: msgs[0] for key, msgs in exc.errors.items()}
        else:
            messages.success(request, "DASH risk checklist recorded.")
            return redirect("cases:detail", pk=case.pk)
    rows = [
        {
            "number": q["number"],
            "label": q["label"],
            "text": q.get("text", ""),
            "answer": answers.get(str(q["number"]), ""),
            "comment": comments.get(str(q["number"]), ""),
            "error": errors.get(str(q["number"]), ""),
        }
        for q in questions
    ]
    return render(
        request, "cases/dash_form.html", {"case": case, "rows": rows, "errors": errors}, status=400 if errors else 200
    )
