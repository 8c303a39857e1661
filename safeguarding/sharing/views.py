"""Information request screens: the list (sent and received), asking, the request page with the holder's answer
form, considering and withdrawing. Break-glass and review screens are in ``break_glass_views``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput, ServiceError
from safeguarding.organisations.models import Agency
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import request_user
from safeguarding.sharing import forms as f
from safeguarding.sharing import requests as ir
from safeguarding.sharing.api import resolve_record
from safeguarding.sharing.models import InformationRequest, RequestStatus
from safeguarding.sharing.registry import shareables
from safeguarding.web.forms import add_service_errors


def request_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    box = request.GET.get("box", "")
    box = box if box in ("sent", "received") else ""
    rows = list(ir.information_requests_visible_to(user, box=box)[:200])
    record_access(user=user, objects_or_ids=rows, object_type=InformationRequest, route="sharing:requests")
    return render(request, "sharing/request_list.html", {"rows": rows, "box": box})


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    own = agency_of(user)
    case = None
    case_id = request.GET.get("case") or ""
    if case_id:
        try:
            case = resolve_record(user, "cases.case", case_id, "case")
        except InvalidInput:
            raise Http404("Not found") from None
        record_access(user=user, objects_or_ids=case, route="sharing:request-new")
    others = Agency.objects.filter(active=True)
    if own is not None:
        others = others.exclude(pk=own.pk)
    form = f.RequestForm(
        request.POST or None, agencies=[(str(a.pk), a.name) for a in others], with_case=case is not None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = ir.information_request_create(
                by=user,
                holder_agency=Agency.objects.get(pk=data["holder_agency"]),
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                what=data["what"],
                why=data["why"],
                case=case,
                nhs_number=data.get("nhs_number") or None,
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Information request {created.reference} sent.")
            return redirect("sharing:request", pk=created.pk)
    return render(
        request,
        "sharing/request_new.html",
        {"form": form, "case": case, "case_label": registry.object_label(case) if case is not None else ""},
        status=400 if form.errors else 200,
    )


def _holder_records(request_obj: InformationRequest, user: User) -> list[Any]:
    """Records the holder might share: its own records about the person (by NHS number) and the request's subject
    when the holder owns it. Only the holder ever sees this list."""
    found: dict[Any, Any] = {}
    for shareable in shareables():
        visible = registry.visible(shareable.model, user=user)
        if request_obj.nhs_number and shareable.find_by_nhs_number is not None:
            for obj in visible.filter(pk__in=shareable.find_by_nhs_number(request_obj.nhs_number).values("pk")):
                if shareable.owner_agency_id(obj) == request_obj.holder_agency_id:
                    found[obj.pk] = obj
        subject_type = request_obj.subject_type
        if request_obj.subject_id and subject_type is not None and subject_type.model_class() is shareable.model:
            obj = visible.filter(pk=request_obj.subject_id).first()
            if obj is not None and shareable.owner_agency_id(obj) == request_obj.holder_agency_id:
                found[obj.pk] = obj
    return list(found.values())


def _page(
    request: HttpRequest,
    obj: InformationRequest,
    *,
    respond_form: f.RespondForm | None = None,
    withdraw_form: f.WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    holder = ir.is_holder(user, obj)
    can_answer = obj.is_open and ir.may_answer(user, obj)
    records = _holder_records(obj, user) if can_answer else []
    subject_type = obj.subject_type
    subject = registry.resolve_visible(subject_type, obj.subject_id, user=user) if subject_type is not None else None
    record = ir.information_request_record_visible(obj, user)
    context = {
        "r": obj,
        "is_holder": holder,
        "can_answer": can_answer,
        "can_consider": can_answer and obj.status == RequestStatus.REQUESTED,
        "can_withdraw": obj.is_open and not holder,
        "respond_form": respond_form or f.RespondForm(records=[(str(r.pk), registry.object_label(r)) for r in records]),
        "withdraw_form": withdraw_form or f.WithdrawForm(),
        "subject_label": registry.object_label(subject) if subject is not None else "",
        "subject_url": registry.object_url(subject) if subject is not None else None,
        "record_label": registry.object_label(record) if record is not None else "",
        "record_url": registry.object_url(record) if record is not None else None,
    }
    return render(request, "sharing/request_detail.html", context, status=status)


def request_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    obj = ir.information_request_get_for_user(user=request_user(request), pk=pk, route="sharing:request")
    return _page(request, obj)


@require_POST
def request_consider(request: HttpRequest, pk: Any) -> HttpResponse:
    obj = ir.information_request_get_for_user(user=request_user(request), pk=pk, route="sharing:request-consider")
    ir.information_request_consider(request=obj, by=request_user(request))
    messages.success(request, "The request is marked as under consideration.")
    return redirect("sharing:request", pk=obj.pk)


@require_POST
def request_respond(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    obj = ir.information_request_get_for_user(user=user, pk=pk, route="sharing:request-respond")
    if not ir.may_answer(user, obj):
        raise ActionForbidden("Only the agency asked can answer this request.")
    records = _holder_records(obj, user)
    form = f.RespondForm(request.POST, records=[(str(r.pk), registry.object_label(r)) for r in records])
    if form.is_valid():
        data = form.cleaned_data
        record = next((r for r in records if str(r.pk) == data["record"]), None)
        try:
            ir.information_request_respond(
                request=obj,
                by=user,
                outcome=data["outcome"],
                reasons=data["reasons"],
                record=record,
                scope=data["scope"],
                data_items=data["data_items"],
                response_text=data["response_text"],
                consent_status=data["consent_status"],
                lawful_basis_art6=data["lawful_basis_art6"],
                condition_art9=data["condition_art9"],
                dpa_sch1_condition=data["dpa_sch1_condition"],
                override_reason=data["override_reason"],
                override_detail=data["override_detail"],
                adult_not_informed_reason=data["adult_not_informed_reason"],
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Your answer to {obj.reference} has been sent.")
            return redirect("sharing:request", pk=obj.pk)
    return _page(request, obj, respond_form=form, status=400)


@require_POST
def request_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    obj = ir.information_request_get_for_user(user=user, pk=pk, route="sharing:request-withdraw")
    form = f.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            ir.information_request_withdraw(request=obj, by=user, reason=form.cleaned_data["reason"])
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Request {obj.reference} withdrawn.")
            return redirect("sharing:request", pk=obj.pk)
    return _page(request, obj, withdraw_form=form, status=400)


def case_panel(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case page's "Information requests" panel: requests about this case that this user's agency sent or
    received."""
    user = request_user(request)
    rows = list(ir.information_requests_visible_to(user).filter(subject_id=case_id)[:50])
    record_access(user=user, objects_or_ids=rows, object_type=InformationRequest, route="sharing:case-requests")
    return render(request, "sharing/requests_case_panel.html", {"rows": rows, "case_id": case_id})


def awaiting_panel(request: HttpRequest) -> HttpResponse:
    """The "My work" panel: open requests your agency has been asked to answer."""
    user = request_user(request)
    rows = list(
        ir.information_requests_visible_to(user, box="received")
        .filter(status__in=["requested", "under_consideration"])
        .order_by("due_at")[:10]
    )
    record_access(user=user, objects_or_ids=rows, object_type=InformationRequest, route="sharing:requests-awaiting")
    return render(request, "sharing/requests_awaiting.html", {"rows": rows})


def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements in the user's agency's areas, with their signatories and review dates."""
    from safeguarding.sharing.agreements import agreements_visible_to

    rows = list(agreements_visible_to(request_user(request)).select_related("area"))
    return render(request, "sharing/agreements.html", {"rows": rows})
