"""Review screens: the SAR register and referral form, the review page with its timeline and next steps, the
chronology answer page, the RAG tracker board, an agency's "our actions", the action-plan item page (update,
evidence, verify) and learning events."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from reviews import forms as f
from reviews import selectors, services
from reviews.models import (
    PUBLISHED_STATUSES,
    ChronologyRequest,
    ChronologyStatus,
    Rag,
    Recommendation,
    Review,
    ReviewAction,
    ReviewStatus,
)
from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.actions.models import ActionStatus
from safeguarding.attachments.models import Attachment
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, ServiceError
from safeguarding.organisations.models import Agency
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import request_user
from safeguarding.roles import Role
from safeguarding.web.forms import add_service_errors

RAG_TAGS = {
    Rag.RED: ("govuk-tag--red", "Red"),
    Rag.AMBER: ("govuk-tag--orange", "Amber"),
    Rag.GREEN: ("govuk-tag--green", "Green"),
    Rag.BLUE: ("govuk-tag--blue", "Blue"),
    Rag.NONE: ("govuk-tag--grey", "Cancelled"),
}


def _agency_choices(review: Review | None = None) -> list[tuple[str, str]]:
    qs = Agency.objects.filter(active=True).order_by("name")
    if review is not None:
        qs = qs.filter(areas=review.area).exclude(pk=review.business_unit_id)
    return [(str(a.pk), a.name) for a in qs]


# --- the register and referral -------------------------------------------------------------------------------


def review_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    stage = request.GET.get("stage", "")
    rows = list(
        selectors.filter_stage(selectors.review_list_for_user(user=user), stage or None)
        .select_related("referrer_agency")
        .order_by("-referred_at")[:200]
    )
    record_access(user=user, objects_or_ids=rows, object_type=Review, route="reviews:list")
    return render(
        request,
        "reviews/review_list.html",
        {"rows": rows, "stage": stage, "is_unit": selectors.unit_agency(user) is not None},
    )


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = f.ReferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_refer(by=user, **form.cleaned_data)
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Referral {review.reference} sent to the SAB business unit.")
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/refer.html", {"form": form}, status=400 if form.errors else 200)


# --- the review page -----------------------------------------------------------------------------------------


def _rated_items(user: User, review: Review) -> list[ReviewAction]:
    return list(
        selectors.review_actions_rated(user=user)  # type: ignore[misc]
        .filter(recommendation__review=review)
        .order_by("recommendation__number", "rag_order", "due_date")
    )


def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    review = selectors.review_get_for_user(user=user, pk=pk, route="reviews:detail")
    board = selectors.has_full_access(user=user, review=review)
    chronologies = list(selectors.chronologies_for_review(user=user, review=review))
    record_access(user=user, objects_or_ids=chronologies, object_type=ChronologyRequest, route="reviews:detail")
    show_recommendations = board or review.is_published
    recommendations = list(review.recommendations.all()) if show_recommendations else []
    items = _rated_items(user, review)
    record_access(user=user, objects_or_ids=items, object_type=ReviewAction, route="reviews:detail")
    by_rec: dict[Any, list[ReviewAction]] = {}
    for item in items:
        by_rec.setdefault(item.recommendation_id, []).append(item)
    transitions = services.available_transitions(review, user)
    is_unit = selectors.unit_agency(user) is not None and selectors.unit_agency(user) == review.business_unit
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "board": board,
            "is_unit": is_unit,
            "is_reviewer": review.reviewer_id == user.pk,
            "case_visible": review.case is not None and registry.is_visible(review.case, user=user),
            "timeline": review.timeline.select_related("by") if board else review.timeline.none(),
            "chronologies": chronologies,
            "recommendations": [(r, by_rec.get(r.pk, [])) for r in recommendations],
            "panel": review.panel_members.all() if board else [],
            "transitions": [
                (t, services.TRANSITION_LABELS[t]) for t in transitions if t not in ("commission", "decline")
            ],
            "can_decide": "commission" in transitions,
            "decision_form": f.DecisionForm(),
            "chronology_form": f.TransitionForm(
                initial={"transition": "request_chronologies"}, agencies=_agency_choices(review)
            ),
            "recommendation_form": f.RecommendationForm(),
            "rag_tags": RAG_TAGS,
            "published": review.status in PUBLISHED_STATUSES,
        },
    )


@require_POST
def transition(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    review = selectors.review_get_for_user(user=user, pk=pk, route="reviews:transition")
    form = f.TransitionForm(request.POST, agencies=_agency_choices(review))
    if not form.is_valid():
        return render(request, "reviews/transition_error.html", {"review": review, "form": form}, status=400)
    data = form.cleaned_data
    agencies = list(Agency.objects.filter(pk__in=data["agencies"] or []))
    try:
        review = services.review_transition(
            review=review,
            by=user,
            transition=data["transition"],
            rationale=data["rationale"],
            other_review=data["other_review"],
            agencies=agencies,
        )
    except ActionForbidden as exc:
        raise PermissionDenied(exc.detail) from exc
    except ServiceError as exc:
        if exc.errors:
            add_service_errors(form, exc)
            return render(request, "reviews/transition_error.html", {"review": review, "form": form}, status=400)
        raise
    messages.success(request, f"{review.reference} is now: {ReviewStatus(review.status).label.lower()}.")
    return redirect("reviews:detail", pk=review.pk)


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    review = selectors.review_get_for_user(user=user, pk=pk, route="reviews:decide")
    form = f.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.review_transition(
                review=review,
                by=user,
                transition=data["decision"],
                rationale=data["rationale"],
                other_review=data["other_review"],
            )
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            if not exc.errors:
                raise
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Decision recorded: {review.get_decision_display().lower()}. The referrer has been told."
            )
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/decide.html", {"review": review, "form": form}, status=400 if form.errors else 200)


def _editable(user: User, review: Review) -> set[str]:
    unit = selectors.unit_agency(user)
    if unit is not None and unit.pk == review.business_unit_id:
        fields = set(services.EDITABLE_BY_UNIT)
    elif review.reviewer_id == user.pk:
        fields = set(services.EDITABLE_BY_REVIEWER)
    else:
        return set()
    if review.is_published:
        fields -= {"draft_report", "executive_summary"}
    return fields


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    review = selectors.review_get_for_user(user=user, pk=pk, route="reviews:edit")
    allowed = _editable(user, review)
    if not allowed:
        raise PermissionDenied
    reviewers = [
        (str(u.pk), u.full_name)
        for u in User.objects.filter(is_active=True, membership__roles__contains=[Role.SAR_REVIEWER]).order_by(
            "full_name"
        )
    ]
    panel = [
        (str(u.pk), f"{u.full_name}, {u.membership.agency.name}")
        for u in User.objects.filter(
            Q(membership__roles__contains=[Role.SAR_PANEL_MEMBER], membership__agency__areas=review.area)
            | Q(pk__in=review.panel_members.values("pk")),
            is_active=True,
        )
        .distinct()
        .select_related("membership__agency")
        .order_by("full_name")
    ]
    initial = {
        "methodology": review.methodology,
        "reviewer": str(review.reviewer_id or ""),
        "terms_of_reference": review.terms_of_reference,
        "panel_members": [str(u.pk) for u in review.panel_members.all()],
        "family_involvement": review.family_involvement,
        "person_informed": review.person_informed,
        "parallel_processes": review.parallel_processes,
        "draft_report": review.draft_report,
        "executive_summary": review.executive_summary,
    }
    form = f.DetailsForm(request.POST or None, initial=initial, reviewers=reviewers, panel=panel, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        changes: dict[str, Any] = dict(form.cleaned_data)
        if "reviewer" in changes:
            changes["reviewer"] = User.objects.filter(pk=changes["reviewer"]).first() if changes["reviewer"] else None
        if "panel_members" in changes:
            changes["panel_members"] = list(User.objects.filter(pk__in=changes["panel_members"]))
        try:
            services.review_update(review=review, by=user, **changes)
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Review details saved.")
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/edit.html", {"review": review, "form": form}, status=400 if form.errors else 200)


@require_POST
def recommendation_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    review = selectors.review_get_for_user(user=user, pk=pk, route="reviews:recommendation-add")
    form = f.RecommendationForm(request.POST)
    if form.is_valid():
        try:
            rec = services.recommendation_add(review=review, by=user, **form.cleaned_data)
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recommendation {rec.number} added.")
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/recommendation_form.html", {"review": review, "form": form}, status=400)


@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    rec = (
        Recommendation.objects.select_related("review")
        .filter(pk=pk, review__in=selectors.board_reviews(user=user))
        .first()
    )
    if rec is None:
        record_denied(user=user, object_type=Recommendation, object_id=pk, route="reviews:item-add")
        raise Http404("Not found")
    form = f.ItemForm(request.POST or None, agencies=_agency_choices(rec.review))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_action_create(
                recommendation=rec,
                by=user,
                owner_agency=Agency.objects.get(pk=data["owner_agency"]),
                description=data["description"],
                due_date=data["due_date"],
                impact_measure=data["impact_measure"],
            )
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Action-plan item added to {rec.ref}.")
            return redirect("reviews:detail", pk=rec.review_id)
    return render(request, "reviews/item_add.html", {"rec": rec, "form": form}, status=400 if form.errors else 200)


# --- chronologies --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def chronology(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    found = selectors.chronology_get_for_user(user=user, pk=pk, route="reviews:chronology")
    agency = agency_of(user)
    can_answer = found.status == ChronologyStatus.REQUESTED and agency is not None and agency.pk == found.agency_id
    form = f.ChronologyForm(request.POST or None)
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.chronology_respond(request=found, by=user, chronology=form.cleaned_data["chronology"])
            except ActionForbidden as exc:
                raise PermissionDenied(exc.detail) from exc
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Chronology sent to the SAB business unit.")
                return redirect("reviews:chronology", pk=found.pk)
    return render(
        request,
        "reviews/chronology.html",
        {"c": found, "form": form, "can_answer": can_answer},
        status=400 if form.errors else 200,
    )


# --- action-plan items ---------------------------------------------------------------------------------------


def tracker(request: HttpRequest) -> HttpResponse:
    """The RAG tracker board: every item the user may see, overdue (Red) first, by review or by agency."""
    user = request_user(request)
    by = request.GET.get("by", "review")
    rag = request.GET.get("rag", "")
    qs = selectors.review_actions_rated(user=user)
    if rag in Rag.values:
        qs = qs.filter(rag=rag)  # type: ignore[misc]
    items = list(qs[:500])
    record_access(user=user, objects_or_ids=items, object_type=ReviewAction, route="reviews:tracker")
    groups: dict[str, list[ReviewAction]] = {}
    for item in items:
        key = item.owner_agency.name if by == "agency" else item.recommendation.review.reference
        groups.setdefault(key, []).append(item)
    counts = dict.fromkeys(Rag.values, 0)
    for item in items:
        counts[item.rag] += 1  # type: ignore[attr-defined]
    return render(
        request,
        "reviews/tracker.html",
        {
            "groups": sorted(groups.items()),
            "by": by if by == "agency" else "review",
            "rag": rag,
            "counts": [
                (value, RAG_TAGS[Rag(value)], counts[value]) for value in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)
            ],
            "rag_tags": RAG_TAGS,
        },
    )


def our_actions(request: HttpRequest) -> HttpResponse:
    """An agency's own action-plan items across every review, overdue first."""
    user = request_user(request)
    agency = agency_of(user)
    qs = selectors.review_actions_rated(user=user)
    items = list(qs.filter(owner_agency=agency)[:500]) if agency is not None else []
    record_access(user=user, objects_or_ids=items, object_type=ReviewAction, route="reviews:our-actions")
    return render(request, "reviews/our_actions.html", {"items": items, "agency": agency, "rag_tags": RAG_TAGS})


def item(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    action = selectors.review_action_get_for_user(user=user, pk=pk, route="reviews:action")
    review = action.recommendation.review
    may_update = services._may_update(action, user)
    files = list(Attachment.objects.filter(parent_type__model="reviewaction", parent_id=str(action.pk)))
    return render(
        request,
        "reviews/item.html",
        {
            "a": action,
            "review": review,
            "rag": RAG_TAGS[Rag(action.rag)],  # type: ignore[attr-defined]
            "updates": action.updates.select_related("by")[:50],
            "files": files,
            "may_update": may_update and action.is_open,
            "may_verify": action.status == ActionStatus.COMPLETED
            and selectors.is_business_manager(user=user, review=review)
            and action.completed_by_id != user.pk,
            "update_form": f.UpdateForm(initial={"owner_flag": action.owner_flag}),
            "evidence_form": f.EvidenceForm(),
            "return_form": f.ReturnForm(),
            "theme_form": f.LinkThemeForm(themes=_theme_choices(user)) if _is_unit_of(user, review) else None,
            "cancel_form": f.CancelForm()
            if _is_unit_of(user, review) and action.status not in (ActionStatus.VERIFIED, ActionStatus.CANCELLED)
            else None,
            "themes": action.themes.all(),
        },
    )


def _item_post(request: HttpRequest, pk: Any, kind: str) -> HttpResponse:
    user = request_user(request)
    action = selectors.review_action_get_for_user(user=user, pk=pk, route=f"reviews:action-{kind}")
    form: Any
    if kind == "update":
        form = f.UpdateForm(request.POST)
    elif kind == "evidence":
        form = f.EvidenceForm(request.POST, request.FILES)
    elif kind == "return":
        form = f.ReturnForm(request.POST)
    elif kind == "cancel":
        form = f.CancelForm(request.POST)
    else:
        form = None
    if form is None or form.is_valid():
        try:
            if kind == "update":
                services.review_action_update(
                    action=action, by=user, note=form.cleaned_data["note"], owner_flag=form.cleaned_data["owner_flag"]
                )
                message = "Progress update saved."
            elif kind == "evidence":
                upload = form.cleaned_data.get("evidence_file")
                services.review_action_complete(
                    action=action,
                    by=user,
                    evidence_notes=form.cleaned_data["evidence_notes"],
                    evidence_files=[upload] if upload else [],
                )
                message = "Evidence recorded. The SAB business manager will verify it."
            elif kind == "return":
                services.review_action_reopen(action=action, by=user, reason=form.cleaned_data["reason"])
                message = "Evidence returned to the owner."
            elif kind == "cancel":
                services.review_action_cancel(action=action, by=user, reason=form.cleaned_data["reason"])
                message = "Item cancelled."
            else:
                services.review_action_verify(action=action, by=user)
                message = "Evidence verified: the item is complete (blue)."
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            if form is None or not exc.errors:
                raise
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("reviews:action", pk=action.pk)
    return render(request, "reviews/item_form.html", {"a": action, "form": form, "kind": kind}, status=400)


@require_POST
def item_update(request: HttpRequest, pk: Any) -> HttpResponse:
    return _item_post(request, pk, "update")


@require_POST
def item_evidence(request: HttpRequest, pk: Any) -> HttpResponse:
    return _item_post(request, pk, "evidence")


@require_POST
def item_verify(request: HttpRequest, pk: Any) -> HttpResponse:
    return _item_post(request, pk, "verify")


@require_POST
def item_return(request: HttpRequest, pk: Any) -> HttpResponse:
    return _item_post(request, pk, "return")


@require_POST
def item_cancel(request: HttpRequest, pk: Any) -> HttpResponse:
    return _item_post(request, pk, "cancel")


# --- learning ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def learning(request: HttpRequest) -> HttpResponse:
    """Joint learning events (with attendance by agency) and the improvement themes that recur across reviews."""
    user = request_user(request)
    is_unit = selectors.unit_agency(user) is not None
    unit_reviews = selectors.board_reviews(user=user).filter(business_unit=selectors.unit_agency(user))
    review_choices = [(str(r.pk), r.reference) for r in unit_reviews.order_by("reference")]
    posted_theme = request.method == "POST" and request.POST.get("form") == "theme"
    form = f.LearningEventForm(request.POST if request.method == "POST" and not posted_theme else None)
    theme_form = f.ThemeForm(request.POST if posted_theme else None, reviews=review_choices)
    if request.method == "POST" and not is_unit:
        raise PermissionDenied
    if posted_theme and theme_form.is_valid():
        try:
            services.theme_create(
                by=user,
                title=theme_form.cleaned_data["title"],
                description=theme_form.cleaned_data["description"],
                reviews=list(unit_reviews.filter(pk__in=theme_form.cleaned_data["reviews"])),
            )
        except ServiceError as exc:
            add_service_errors(theme_form, exc)
        else:
            messages.success(request, "Improvement theme recorded.")
            return redirect("reviews:learning")
    if request.method == "POST" and not posted_theme and form.is_valid():
        area_agencies = Agency.objects.filter(areas__business_unit=selectors.unit_agency(user)).distinct()
        attendance = {}
        for agency in area_agencies:
            raw = request.POST.get(f"attendance-{agency.pk}", "").strip()
            if raw.isdigit():
                attendance[agency] = int(raw)
        try:
            services.learning_event_create(by=user, attendance=attendance, **form.cleaned_data)
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Learning event recorded.")
            return redirect("reviews:learning")
    events = list(
        selectors.learning_event_list_for_user(user=user).prefetch_related("attendance__agency", "reviews", "themes")
    )
    themes = list(selectors.theme_list_for_user(user=user).prefetch_related("reviews"))
    unit = selectors.unit_agency(user)
    agencies = list(Agency.objects.filter(areas__business_unit=unit).distinct().order_by("name")) if unit else []
    return render(
        request,
        "reviews/learning.html",
        {
            "events": events,
            "themes": [(t, t.actions.count()) for t in themes],
            "is_unit": is_unit,
            "form": form,
            "theme_form": theme_form,
            "agencies": agencies,
            "today": timezone.localdate(),
        },
        status=400 if form.errors or theme_form.errors else 200,
    )


def case_panel(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case page's "Safeguarding Adults Reviews" panel: reviews of this case the user may see."""
    user = request_user(request)
    rows = list(selectors.review_list_for_user(user=user).filter(case_id=case_id).order_by("-referred_at"))
    record_access(user=user, objects_or_ids=rows, object_type=Review, route="reviews:case-panel")
    return render(request, "reviews/case_panel.html", {"rows": rows})


def sab_work_panel(request: HttpRequest) -> HttpResponse:
    """The business unit's My-work panel: referrals to acknowledge and evidence to verify (a fragment for htmx)."""
    if not getattr(request, "htmx", False):
        return redirect("reviews:list")
    user = request_user(request)
    referrals, evidence = selectors.sab_work(user=user)
    referral_rows = list(referrals[:10])
    evidence_rows = list(evidence.select_related("recommendation__review", "owner_agency")[:10])
    record_access(user=user, objects_or_ids=referral_rows, object_type=Review, route="reviews:sab-work")
    record_access(user=user, objects_or_ids=evidence_rows, object_type=ReviewAction, route="reviews:sab-work")
    return render(request, "reviews/sab_work_panel.html", {"referrals": referral_rows, "evidence": evidence_rows})


def _is_unit_of(user: User, review: Review) -> bool:
    unit = selectors.unit_agency(user)
    return unit is not None and unit.pk == review.business_unit_id


def _theme_choices(user: User) -> list[tuple[str, str]]:
    return [(str(t.pk), t.title) for t in selectors.theme_list_for_user(user=user).order_by("title")]


@require_POST
def item_theme(request: HttpRequest, pk: Any) -> HttpResponse:
    """The business unit links an item to the improvement theme it addresses."""
    user = request_user(request)
    action = selectors.review_action_get_for_user(user=user, pk=pk, route="reviews:action-theme")
    if not _is_unit_of(user, action.recommendation.review):
        raise PermissionDenied
    form = f.LinkThemeForm(request.POST, themes=_theme_choices(user))
    if form.is_valid():
        theme = selectors.theme_list_for_user(user=user).get(pk=form.cleaned_data["theme"])
        try:
            services.theme_link(theme=theme, by=user, actions_addressing=[action])
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        messages.success(request, f"Linked to the theme {theme.title}.")
        return redirect("reviews:action", pk=action.pk)
    return render(request, "reviews/item_form.html", {"a": action, "form": form, "kind": "theme"}, status=400)
