"""Break-glass screens: the look-up (break-glass roles), the review queue and the review page (owning agency's
leads; a user sees their own accesses). Opening access to a case is a case page (``cases:break-glass``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, ServiceError
from safeguarding.requests import request_user
from safeguarding.sharing import break_glass as bg
from safeguarding.sharing import forms as f
from safeguarding.sharing.models import BreakGlassAccess, BreakGlassReview
from safeguarding.web.forms import add_service_errors


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Look up by exact NHS number (POST: the number never goes in a URL), then open one of the results."""
    user = request_user(request)
    may = bg.may_break_glass(user)
    if not may and not bg.break_glass_visible_to(user).exists() and not user.has_role(*bg.REVIEWER_ROLES):
        raise PermissionDenied
    form = f.BreakGlassLookupForm(request.POST or None)
    results = None
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if form.is_valid():
            try:
                results = bg.break_glass_lookup(user=user, nhs_number=form.cleaned_data["nhs_number"])
            except ServiceError as exc:
                add_service_errors(form, exc)
    pending = list(bg.break_glass_visible_to(user).filter(review_status=BreakGlassReview.PENDING)[:50])
    record_access(user=user, objects_or_ids=pending, object_type=BreakGlassAccess, route="sharing:break-glass")
    return render(
        request,
        "sharing/break_glass.html",
        {"form": form, "results": results, "may_break_glass": may, "pending": pending},
        status=400 if form.errors else 200,
    )


def reviews(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = list(bg.break_glass_visible_to(user)[:200])
    record_access(user=user, objects_or_ids=rows, object_type=BreakGlassAccess, route="sharing:break-glass-reviews")
    return render(request, "sharing/break_glass_reviews.html", {"rows": rows})


def _get(request: HttpRequest, pk: Any, route: str) -> BreakGlassAccess:
    user = request_user(request)
    found = bg.break_glass_visible_to(user).filter(pk=pk).first()
    if found is None:
        record_denied(user=user, object_type=BreakGlassAccess, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route)
    return found


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    access = _get(request, pk, "sharing:break-glass-review")
    can_review = access.review_status == BreakGlassReview.PENDING and bg.is_reviewer(user, access)
    form = f.BreakGlassReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_review:
            raise ActionForbidden("Only the owning agency's safeguarding leads review emergency access.")
        if form.is_valid():
            try:
                bg.break_glass_review(access=access, by=user, **form.cleaned_data)
            except ActionForbidden:
                raise
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Review of {access.reference} recorded.")
                return redirect("sharing:break-glass-review", pk=access.pk)
    return render(
        request,
        "sharing/break_glass_review.html",
        {"a": access, "form": form, "can_review": can_review},
        status=400 if form.errors else 200,
    )
