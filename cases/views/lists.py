"""Case lists: "My cases", the team caseload (with overdue counts) and search (POST: nothing in the URL)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import forms as f
from cases import selectors
from cases.codes import RiskLevel
from cases.models import OPEN_CASE_STATUSES, Case, CaseStatus, PlanAction
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden
from safeguarding.requests import request_user
from safeguarding.roles import LEAD_ROLES, Role

PAGE = 50


def overdue_case_ids(cases: QuerySet[Case]) -> QuerySet[Any]:
    """Cases with an overdue plan action (open, due date passed)."""
    return PlanAction.objects.filter(
        plan__case__in=cases, status__in=["open", "in_progress"], due_date__lt=timezone.localdate()
    ).values("plan__case_id")


def _filtered(request: HttpRequest, qs: QuerySet[Case]) -> tuple[QuerySet[Case], dict[str, str]]:
    filters = {
        "status": request.GET.get("status", ""),
        "risk": request.GET.get("risk", ""),
        "overdue": request.GET.get("overdue", ""),
        "scope": request.GET.get("scope", "mine"),
    }
    if filters["status"] == "open":
        qs = qs.filter(status__in=OPEN_CASE_STATUSES)
    elif filters["status"] in CaseStatus.values:
        qs = qs.filter(status=filters["status"])
    if filters["risk"] in RiskLevel.values:
        qs = qs.filter(risk_level=filters["risk"])
    if filters["overdue"] == "1":
        qs = qs.filter(pk__in=overdue_case_ids(qs))
    return qs, filters


def case_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    qs = selectors.case_list_for_paging(user=user).select_related("adult", "owning_agency", "lead_practitioner", "team")
    base, filters = _filtered(request, qs)
    if filters["scope"] == "mine":
        base = base.filter(lead_practitioner=user)
    elif filters["scope"] == "team":
        team_id = user.agency_membership.team_id if user.agency_membership else None
        base = base.filter(team_id=team_id) if team_id else base.none()
    count = selectors.capped_count(base)
    rows = list(base.order_by("-updated_at", "-id")[:PAGE])
    record_access(user=user, objects_or_ids=rows, object_type=Case, route="cases:list")
    overdue = set(
        PlanAction.objects.filter(
            plan__case__in=[c.pk for c in rows], status__in=["open", "in_progress"], due_date__lt=timezone.localdate()
        ).values_list("plan__case_id", flat=True)
    )
    template = "cases/case_list.html" + ("#case-rows" if request.htmx else "")  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "rows": rows,
            "count": count,
            "filters": filters,
            "overdue": overdue,
            "statuses": CaseStatus.choices,
            "risks": RiskLevel.choices,
            "search_form": f.SearchForm(),
        },
    )


def team_caseload(request: HttpRequest) -> HttpResponse:
    """A team manager's caseload: each practitioner's open cases and overdue work."""
    user = request_user(request)
    if not user.has_role(Role.TEAM_MANAGER, *LEAD_ROLES):
        raise ActionForbidden("The caseload view is for team managers and leads.")
    membership = user.agency_membership
    visible = selectors.case_list_for_user(user=user).filter(
        owning_agency_id=membership.agency_id if membership else None
    )
    if membership and membership.team_id and not user.has_role(*LEAD_ROLES):
        visible = visible.filter(team_id=membership.team_id)
    open_cases = visible.filter(status__in=OPEN_CASE_STATUSES)
    overdue = overdue_case_ids(open_cases)
    by_practitioner = list(
        open_cases.values("lead_practitioner__id", "lead_practitioner__full_name")
        .annotate(
            open=Count("id"),
            high=Count("id", filter=Q(risk_level="high")),
            overdue=Count("id", filter=Q(pk__in=overdue)),
        )
        .order_by("-overdue", "lead_practitioner__full_name")
    )
    return render(
        request, "cases/team_caseload.html", {"rows": by_practitioner, "total": sum(r["open"] for r in by_practitioner)}
    )


@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = f.SearchForm(request.POST or None)
    rows: list[Case] = []
    count = None
    if request.method == "POST" and form.is_valid():
        qs = selectors.case_search(user=user, **form.cleaned_data)
        rows = list(qs.order_by("-updated_at")[:PAGE])
        count = selectors.capped_count(qs)
        record_access(user=user, objects_or_ids=rows, object_type=Case, route="cases:search", purpose="search")
    return render(
        request, "cases/search.html", {"form": form, "rows": rows, "count": count}, status=400 if form.errors else 200
    )
