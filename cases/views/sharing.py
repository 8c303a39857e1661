"""Sharing a case from the browser: the decision form (owner only) and revoking a decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases import forms as f
from cases.selectors import Scope
from cases.views.case_page import _case, _errors
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.organisations.models import Agency
from safeguarding.requests import request_user
from safeguarding.sharing import selectors as sharing_selectors
from safeguarding.sharing import services as sharing


def _owner_case(request: HttpRequest, pk: Any) -> Any:
    case, scope = _case(request, pk)
    if scope != Scope.OWNER:
        raise ActionForbidden("Only the owning agency decides who may see this case.")
    return case


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, pk: Any) -> HttpResponse:
    case = _owner_case(request, pk)
    agencies = [(str(a.pk), a.name) for a in Agency.objects.filter(active=True).exclude(pk=case.owning_agency_id)]
    assessments = [
        (str(a.pk), f"{a.decision} ({a.assessed_at:%d %b %Y})")
        for a in case.capacity_assessments.filter(outcome="lacks_capacity")
    ]
    form = f.ShareForm(request.POST or None, agencies=agencies, assessments=assessments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sharing.share_record(
                obj=case,
                decided_by=request_user(request),
                direction=data["direction"],
                recipient_agency=Agency.objects.get(pk=data["recipient_agency"]),
                purpose=data["purpose"],
                scope=data["scope"] if data["direction"] == "disclose" else "",
                data_items=data["data_items"],
                data_items_detail=data["data_items_detail"],
                special_category=data["special_category"],
                lawful_basis_art6=data["lawful_basis_art6"],
                condition_art9=data["condition_art9"],
                dpa_sch1_condition=data["dpa_sch1_condition"],
                consent_status=data["consent_status"],
                override_reason=data["override_reason"],
                override_detail=data["override_detail"],
                capacity_assessment_id=data["capacity_assessment_id"] or None,
                rationale=data["rationale"],
                adult_informed=data["adult_informed"] == "yes",
                adult_not_informed_reason=data["adult_not_informed_reason"],
                expires_at=f.combine(data["expires_on"], "23:59") if data["expires_on"] else None,
            )
        except InvalidInput as exc:
            renamed = {
                "recipient": "recipient_agency",
                "capacity_assessment_id": "capacity_assessment_id",
                "expires_at": "expires_on",
            }
            exc.errors = {renamed.get(k, k): v for k, v in exc.errors.items()}
            _errors(exc, form)
        else:
            messages.success(
                request,
                "Your decision has been recorded."
                if data["direction"] == "refuse"
                else "The case has been shared. The agency's leads have been told.",
            )
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/share.html", {"case": case, "form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: Any, decision_id: Any) -> HttpResponse:
    case = _owner_case(request, pk)
    decision = sharing_selectors.decisions_for_subject(case).filter(pk=decision_id).first()
    if decision is None:
        raise Http404("Not found")
    form = f.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.revoke_share(decision=decision, by=request_user(request), reason=form.cleaned_data["reason"])
        except InvalidInput as exc:
            _errors(exc, form)
        except ActionForbidden:
            raise
        except Exception as exc:  # a transition not allowed now (already revoked): show why
            from safeguarding.exceptions import TransitionNotAllowed

            if not isinstance(exc, TransitionNotAllowed):
                raise
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"The share with {decision.recipient_label} has been revoked.")
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/revoke.html",
        {"case": case, "decision": decision, "form": form},
        status=400 if form.errors else 200,
    )
