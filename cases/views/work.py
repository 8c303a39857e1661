"""Enquiry and plan pages: update and conclude the enquiry; start, review and add actions to a plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases import forms as f
from cases import services
from cases.selectors import Scope
from cases.services.work import ENQUIRY_FIELDS
from cases.views.case_page import _case, _errors
from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, ServiceError
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import request_user


def _form_page(request: HttpRequest, case: Any, form: Any, title: str, button: str, status: int = 200) -> HttpResponse:
    return render(
        request, "cases/form_page.html", {"case": case, "form": form, "title": title, "button": button}, status=status
    )


@require_http_methods(["GET", "POST"])
def enquiry_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    case, _ = _case(request, pk, Scope.FULL)
    enquiry = case.enquiries.order_by("-started_at").first()
    if enquiry is None:
        raise Http404("Not found")
    initial = {name: getattr(enquiry, name) for name in ENQUIRY_FIELDS}
    initial["advocacy_support"] = (
        "" if enquiry.advocacy_support is None else ("yes" if enquiry.advocacy_support else "no")
    )
    form = f.EnquiryForm(request.POST or None, initial={**initial, "version": enquiry.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["advocacy_support"] = {"yes": True, "no": False}.get(data["advocacy_support"])
        try:
            services.enquiry_update(enquiry=enquiry, by=request_user(request), expected_version=version, **data)
            if request.POST.get("action") == "conclude":
                enquiry.refresh_from_db()
                services.enquiry_conclude(enquiry=enquiry, by=request_user(request))
        except ActionForbidden:
            raise
        except ServiceError as exc:
            _errors(exc, form)
        else:
            messages.success(
                request, "Enquiry concluded." if request.POST.get("action") == "conclude" else "Enquiry updated."
            )
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/enquiry_form.html",
        {"case": case, "enquiry": enquiry, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, pk: Any) -> HttpResponse:
    case, _ = _case(request, pk, Scope.FULL)
    form = f.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = agency_of(request_user(request))
        try:
            services.plan_create(
                case=case,
                by=request_user(request),
                lead_agency=agency or case.owning_agency,
                risks=form.cleaned_data["risks"],
                review_date=form.cleaned_data["review_date"],
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            _errors(exc, form)
        else:
            messages.success(request, "Safeguarding plan started.")
            return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, form, "Start a safeguarding plan", "Start the plan", 400 if form.errors else 200)


def _plan(case: Any, plan_id: Any) -> Any:
    plan = case.plans.filter(pk=plan_id).first()
    if plan is None:
        raise Http404("Not found")
    return plan


@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, pk: Any, plan_id: Any) -> HttpResponse:
    case, _ = _case(request, pk, Scope.FULL)
    plan = _plan(case, plan_id)
    form = f.PlanReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_review(
                plan=plan,
                by=request_user(request),
                notes=form.cleaned_data["notes"],
                next_review_date=form.cleaned_data["next_review_date"],
                close=form.cleaned_data["close"],
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            _errors(exc, form)
        else:
            messages.success(request, "Plan review recorded.")
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request, case, form, "Review the safeguarding plan", "Record the review", 400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def plan_action_new(request: HttpRequest, pk: Any, plan_id: Any) -> HttpResponse:
    case, _ = _case(request, pk, Scope.FULL)
    plan = _plan(case, plan_id)
    people = [
        (str(u.pk), u.full_name)
        for u in User.objects.filter(membership__agency=plan.lead_agency, is_active=True).order_by("full_name")
    ]
    form = f.PlanActionForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        owner = (
            User.objects.filter(pk=form.cleaned_data["owner_person"]).first()
            if form.cleaned_data["owner_person"]
            else None
        )
        try:
            services.plan_action_add(
                plan=plan,
                by=request_user(request),
                owner_agency=plan.lead_agency,
                owner_person=owner,
                description=form.cleaned_data["description"],
                due_date=form.cleaned_data["due_date"],
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            _errors(exc, form)
        else:
            messages.success(request, "Action added to the plan.")
            return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, form, "Add an action to the plan", "Add the action", 400 if form.errors else 200)
