"""Meeting screens: the list, arranging a meeting, the meeting page, the chair's live page (htmx), the owner's
sharing decision for an agenda item, contributions, minutes and the executive summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.selectors import case_get_for_user, case_list_for_user
from meetings import forms as f
from meetings import selectors as sel
from meetings import services
from meetings.models import (
    AgendaItem,
    Contribution,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    SharingStatus,
)
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, InvalidInput, ServiceError, TransitionNotAllowed
from safeguarding.organisations.models import Agency, Area
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import is_uuid, request_user
from safeguarding.sharing import services as sharing
from safeguarding.web.forms import add_service_errors


def _meeting(request: HttpRequest, pk: Any, route: str) -> Meeting:
    return sel.meeting_get_for_user(user=request_user(request), pk=pk, route=route)


def _message(exc: ServiceError) -> str:
    return " ".join(e for errors in exc.errors.values() for e in errors) if exc.errors else str(exc.detail)


def _item(request: HttpRequest, meeting: Meeting, item_id: Any) -> AgendaItem:
    item = sel.agenda_for_user(meeting=meeting, user=request_user(request)).filter(pk=item_id).first()
    if item is None:
        raise Http404("Not found")
    return item


def _agencies(meeting: Meeting) -> list[tuple[str, str]]:
    ids = {meeting.chair_agency_id, *meeting.invitations.values_list("agency_id", flat=True)}
    return [(str(a.pk), a.name) for a in Agency.objects.filter(pk__in=ids).order_by("name")]


def _people(agency_ids: Any) -> list[tuple[str, str]]:
    users = User.objects.filter(is_active=True, membership__agency_id__in=agency_ids).select_related(
        "membership__agency"
    )
    return [(str(u.pk), f"{u.full_name} ({u.membership.agency.name})") for u in users.order_by("full_name")]


# --- lists and panels -----------------------------------------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    meetings = list(
        sel.meeting_list_for_user(user=user).select_related("chair_agency", "area").order_by("-scheduled_at")[:200]
    )
    record_access(user=user, objects_or_ids=meetings, object_type=Meeting, route="meetings:list")
    now = timezone.now()
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": [m for m in reversed(meetings) if m.scheduled_at >= now and m.status == MeetingStatus.PLANNED],
            "others": [m for m in meetings if not (m.scheduled_at >= now and m.status == MeetingStatus.PLANNED)],
            "can_arrange": user.has_role(*services.ORGANISER_ROLES),
        },
    )


@require_GET
def my_meetings_panel(request: HttpRequest) -> HttpResponse:
    if not getattr(request, "htmx", False):
        return redirect("meetings:list")
    user = request_user(request)
    rows = list(
        sel.meeting_list_for_user(user=user)
        .filter(status__in=[MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS, MeetingStatus.HELD])
        .order_by("scheduled_at")[:5]
    )
    record_access(user=user, objects_or_ids=rows, object_type=Meeting, route="meetings:panel")
    return render(request, "meetings/panel.html", {"rows": rows})


@require_GET
def case_panel(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = request_user(request)
    case, _ = case_get_for_user(user=user, case_id=case_id, route="meetings:case-panel")
    items = list(
        sel.agenda_item_list_for_user(user=user)
        .filter(case=case)
        .select_related("meeting")
        .order_by("-meeting__scheduled_at")
    )
    return render(request, "meetings/case_panel.html", {"items": items, "case": case})


# --- arranging ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not user.has_role(*services.ORGANISER_ROLES):
        raise ActionForbidden("Your role cannot arrange multi-agency meetings.")
    agency = agency_of(user)
    area = Area.objects.filter(agencies=agency).first() if agency is not None else None
    agency_ids = list(area.agencies.values_list("pk", flat=True)) if area is not None else []
    chairs = [
        (str(u.pk), f"{u.full_name} ({u.membership.agency.name})")
        for u in User.objects.filter(is_active=True, membership__agency_id__in=agency_ids)
        .select_related("membership__agency")
        .order_by("full_name")
        if u.has_role(*services.CHAIR_ROLES)
    ]
    form = f.MeetingForm(request.POST or None, chairs=chairs, people=_people(agency_ids))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if area is None:
                raise ActionForbidden("Your agency is not in an area.")
            meeting = services.meeting_create(
                by=user,
                meeting_type=data["meeting_type"],
                title=data["title"],
                area=area,
                scheduled_at=f.combine(data["date"], data["time"]),
                chair=User.objects.get(pk=data["chair"]),
                coordinator=User.objects.get(pk=data["coordinator"]) if data["coordinator"] else None,
                venue=data["venue"],
                link=data["link"],
                action_window_days=data["action_window_days"],
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Meeting {meeting.reference} arranged. Now invite the agencies.")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_new.html", {"form": form}, status=400 if form.errors else 200)


# --- the meeting page -----------------------------------------------------------------------------------------


def _page_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    user = request_user(request)
    agency = agency_of(user)
    items = list(sel.agenda_for_user(meeting=meeting, user=user))
    invitations = list(meeting.invitations.select_related("agency", "person").order_by("agency__name"))
    own_invitation = next((i for i in invitations if agency is not None and i.agency_id == agency.pk), None)
    awaiting_mine = [
        i
        for i in items
        if i.case is not None
        and i.sharing_status == SharingStatus.AWAITING
        and sharing.may_decide(user, i.case.owning_agency_id)
    ]
    organiser = sel.is_organiser(meeting, user)
    restricted_ok = sel.may_see_restricted(meeting, user)
    contributions = list(sel.contributions_for_user(meeting=meeting, user=user))
    if contributions:
        record_access(user=user, objects_or_ids=contributions, object_type=Contribution, route="meetings:detail")
    actions = list(sel.actions_for_meeting(meeting=meeting, user=user))
    outstanding = list(sel.outstanding_actions(meeting=meeting, user=user))
    if actions or outstanding:
        record_access(
            user=user,
            objects_or_ids=[*actions, *outstanding],
            object_type="meetings.meetingaction",
            route="meetings:detail",
        )
    metrics = sel.contribution_metrics(meetings=Meeting.objects.filter(pk=meeting.pk))
    minutes = meeting.minutes if hasattr(meeting, "minutes") else None
    return {
        "meeting": meeting,
        "items": items,
        "hidden_items": len(items) < meeting.agenda_items.count(),
        "hidden_count": meeting.agenda_items.count() - len(items),
        "invitations": invitations,
        "own_invitation": own_invitation,
        "awaiting_mine": awaiting_mine,
        "organiser": organiser,
        "is_chair": user.pk == meeting.chair_id,
        "restricted_ok": restricted_ok,
        "contributions": contributions,
        "attendance": list(meeting.attendance.select_related("agency").order_by("agency__name")),
        "decisions": [
            d
            for d in meeting.decisions.select_related("agenda_item")
            if d.agenda_item_id is None or d.agenda_item in items
        ],
        "actions": actions,
        "outstanding": outstanding,
        "metrics": metrics,
        "minutes_status": minutes.get_status_display() if minutes else None,
        "transitions": services.allowed_transitions(meeting) if organiser else [],
        "today": timezone.localdate(),
        "my_agency_id": agency.pk if agency is not None else None,
        "my_id": user.pk,
    }


@require_GET
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:detail")
    context = _page_context(request, meeting)
    if context["organiser"] and meeting.status == MeetingStatus.PLANNED:
        invited = {i.agency_id for i in context["invitations"]}
        others = [
            (str(a.pk), a.name)
            for a in meeting.area.agencies.filter(active=True).order_by("name")
            if a.pk not in invited
        ]
        context["invite_form"] = f.InviteForm(agencies=others, people=_people([a for a, _ in others]))
        context["agenda_form"] = f.AgendaCaseForm()
    if context["own_invitation"] is not None and meeting.status == MeetingStatus.PLANNED:
        context["rsvp_form"] = f.RsvpForm(initial={"rsvp": context["own_invitation"].rsvp})
    if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS):
        context["cancel_form"] = f.CancelForm()
    if meeting.status == MeetingStatus.PLANNED:
        context["reschedule_form"] = f.RescheduleForm(initial={"version": meeting.version})
    return render(request, "meetings/meeting_detail.html", context)


@require_POST
def reschedule(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:reschedule")
    form = f.RescheduleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_reschedule(
                meeting=meeting,
                by=request_user(request),
                scheduled_at=f.combine(data["date"], data["time"]),
                reason=data["reason"],
                expected_version=data["version"],
            )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        except TransitionNotAllowed as exc:
            messages.error(request, _message(exc))
            return redirect("meetings:detail", pk=meeting.pk)
        else:
            messages.success(request, f"Meeting {meeting.reference} moved. Everyone invited has been told.")
            return redirect("meetings:detail", pk=meeting.pk)
    context = _page_context(request, meeting)
    context["reschedule_form"] = form
    return render(request, "meetings/meeting_detail.html", context, status=400)


@require_POST
def transition(request: HttpRequest, pk: Any, transition: str) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:transition")
    form = f.CancelForm(request.POST) if transition == "cancel" else None
    if form is not None and not form.is_valid():
        context = _page_context(request, meeting)
        context["cancel_form"] = form
        return render(request, "meetings/meeting_detail.html", context, status=400)
    try:
        services.meeting_transition(
            meeting=meeting,
            by=request_user(request),
            transition=transition,
            reason=form.cleaned_data["reason"] if form is not None else "",
        )
    except ActionForbidden:
        raise
    except ServiceError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"Meeting {meeting.reference}: {transition} recorded.")
    target = "meetings:chair" if transition in ("start", "hold") else "meetings:detail"
    return redirect(target, pk=meeting.pk)


@require_POST
def invite(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:invite")
    agency_id, person_id = request.POST.get("agency", ""), request.POST.get("person", "")
    agency = Agency.objects.filter(pk=agency_id).first() if is_uuid(agency_id) else None
    person = User.objects.filter(pk=person_id).first() if is_uuid(person_id) else None
    if agency is None:
        messages.error(request, "Choose the agency to invite.")
        return redirect("meetings:detail", pk=meeting.pk)
    try:
        services.invitation_add(meeting=meeting, by=request_user(request), agency=agency, person=person)
    except ActionForbidden:
        raise
    except ServiceError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"{agency.name} invited.")
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
def rsvp(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:rsvp")
    agency = agency_of(request_user(request))
    invitation = sel.invitation_for_agency(meeting, agency.pk) if agency is not None else None
    if invitation is None:
        raise ActionForbidden("Your agency is not invited to this meeting.")
    form = f.RsvpForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_rsvp(
                invitation=invitation,
                by=request_user(request),
                rsvp=form.cleaned_data["rsvp"],
                note=form.cleaned_data["note"],
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
    if form.errors:
        context = _page_context(request, meeting)
        context["rsvp_form"] = form
        return render(request, "meetings/meeting_detail.html", context, status=400)
    messages.success(request, "Your reply has been recorded.")
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
def agenda_add(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:agenda-add")
    user = request_user(request)
    form = f.AgendaCaseForm(request.POST)
    if form.is_valid():
        case = (
            case_list_for_user(user=user).filter(reference__iexact=form.cleaned_data["case_reference"].strip()).first()
        )
        if case is None:
            form.add_error("case_reference", "No case you can see has this reference")
        else:
            try:
                services.agenda_add_case(meeting=meeting, by=user, case=case, is_repeat=form.cleaned_data["is_repeat"])
            except ActionForbidden:
                raise
            except ServiceError as exc:
                add_service_errors(form, exc)
    if form.errors:
        context = _page_context(request, meeting)
        context["agenda_form"] = form
        return render(request, "meetings/meeting_detail.html", context, status=400)
    messages.success(request, "Case added to the agenda. Its owning agency has been asked for a sharing decision.")
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
def agenda_build(request: HttpRequest, pk: Any) -> HttpResponse:
    """The MARAC coordinator adds every referral listed for this sitting."""
    meeting = _meeting(request, pk, "meetings:agenda-build")
    try:
        added = services.agenda_build_from_referrals(meeting=meeting, by=request_user(request))
    except ActionForbidden:
        raise
    except ServiceError as exc:
        messages.error(request, _message(exc))
    else:
        count = len(added)
        messages.success(request, f"{count} listed referral{'s' if count != 1 else ''} added to the agenda.")
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
def action_complete(request: HttpRequest, pk: Any, action_id: Any) -> HttpResponse:
    """The owner completes a meeting action from the meeting page, with evidence."""
    from safeguarding.actions.services import action_complete as complete

    meeting = _meeting(request, pk, "meetings:action-complete")
    action = sel.actions_for_meeting(meeting=meeting, user=request_user(request)).filter(pk=action_id).first()
    if action is None:
        raise Http404("Not found")
    try:
        complete(action=action, by=request_user(request), evidence_notes=request.POST.get("evidence_notes", ""))
    except ActionForbidden:
        raise
    except ServiceError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "Action completed.")
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
def action_verify(request: HttpRequest, pk: Any, action_id: Any) -> HttpResponse:
    """An organiser verifies a completed meeting action (someone other than the person who completed it)."""
    from safeguarding.actions.services import action_verify as verify

    meeting = _meeting(request, pk, "meetings:action-verify")
    action = sel.actions_for_meeting(meeting=meeting, user=request_user(request)).filter(pk=action_id).first()
    if action is None:
        raise Http404("Not found")
    try:
        verify(action=action, by=request_user(request), may_verify=lambda a, u: sel.is_organiser(meeting, u))
    except ActionForbidden:
        raise
    except ServiceError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "Action verified.")
    return redirect("meetings:detail", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def agenda_share(request: HttpRequest, pk: Any, item_id: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:agenda-share")
    item = _item(request, meeting, item_id)
    user = request_user(request)
    if item.case is None or not sharing.may_decide(user, item.case.owning_agency_id):
        raise ActionForbidden("Only the case's owning agency decides what to share with the meeting.")
    case = item.case
    assessments = [
        (str(a.pk), f"{a.decision} ({a.assessed_at:%d %b %Y})")
        for a in case.capacity_assessments.filter(outcome="lacks_capacity")
    ]
    form = f.AgendaShareForm(request.POST or None, assessments=assessments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agenda_item_share(
                item=item,
                by=user,
                direction=data["direction"],
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
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your sharing decision has been recorded for every invited agency.")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/agenda_share.html",
        {"meeting": meeting, "item": item, "form": form, "expires_at": services.sharing_expiry(meeting)},
        status=400 if form.errors else 200,
    )


# --- the chair's live page ---------------------------------------------------------------------------------------


def _chair_context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    context = _page_context(request, meeting)
    items = context["items"]
    item_choices = [(str(i.pk), i.title) for i in items]
    agencies = _agencies(meeting)
    by_agency = {a.agency_id: a for a in context["attendance"]}
    context["attendance_rows"] = [
        (
            agency_id,
            name,
            by_agency.get(_uuid(agency_id)),
            forms.get(f"attendance_{agency_id}")
            or f.AttendanceForm(
                prefix=f"a{agency_id[:8]}",
                initial={
                    "status": getattr(by_agency.get(_uuid(agency_id)), "status", ""),
                    "attendee_name": getattr(by_agency.get(_uuid(agency_id)), "attendee_name", ""),
                },
            ),
        )
        for agency_id, name in agencies
    ]
    context["item_forms"] = [
        (
            item,
            forms.get(f"item_{item.pk}")
            or f.ItemForm(
                prefix=f"i{str(item.pk)[:8]}",
                initial={
                    "discussion": item.discussion,
                    "adult_views": item.adult_views,
                    "adult_participated": item.adult_participated,
                    "advocate_participated": item.advocate_participated,
                },
            ),
        )
        for item in items
    ]
    context["decision_form"] = forms.get("decision") or f.DecisionForm(items=item_choices, prefix="d")
    context["action_form"] = forms.get("action") or f.ActionForm(
        items=item_choices, agencies=agencies, people=_people([a for a, _ in agencies]), prefix="x"
    )
    return context


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


def _require_organiser(request: HttpRequest, meeting: Meeting) -> None:
    if not sel.is_organiser(meeting, request_user(request)):
        raise ActionForbidden("Only the meeting's chair or coordinator runs the meeting.")


@require_GET
def chair(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:chair")
    _require_organiser(request, meeting)
    return render(request, "meetings/chair.html", _chair_context(request, meeting))


def _chair_response(
    request: HttpRequest, meeting: Meeting, partial: str, ok: str, errors: bool, **forms: Any
) -> HttpResponse:
    if getattr(request, "htmx", False):
        context = _chair_context(request, meeting, **forms)
        return render(request, f"meetings/chair.html#{partial}", context, status=422 if errors else 200)
    if errors:
        return render(request, "meetings/chair.html", _chair_context(request, meeting, **forms), status=400)
    messages.success(request, ok)
    return redirect("meetings:chair", pk=meeting.pk)


@require_POST
def attendance(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:attendance")
    _require_organiser(request, meeting)
    agency_id = request.POST.get("agency", "")
    agency = Agency.objects.filter(pk=agency_id).first() if is_uuid(agency_id) else None
    if agency is None:
        raise Http404("Not found")
    form = f.AttendanceForm(request.POST, prefix=f"a{agency_id[:8]}")
    if form.is_valid():
        try:
            services.attendance_record(meeting=meeting, by=request_user(request), agency=agency, **form.cleaned_data)
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
    return _chair_response(
        request,
        meeting,
        "attendance-section",
        "Attendance recorded.",
        bool(form.errors),
        **{f"attendance_{agency_id}": form},
    )


@require_POST
def agenda_item(request: HttpRequest, pk: Any, item_id: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:agenda-item")
    _require_organiser(request, meeting)
    item = _item(request, meeting, item_id)
    form = f.ItemForm(request.POST, prefix=f"i{str(item.pk)[:8]}")
    if form.is_valid():
        try:
            services.agenda_item_record(item=item, by=request_user(request), **form.cleaned_data)
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
    return _chair_response(
        request, meeting, "agenda-section", "Discussion recorded.", bool(form.errors), **{f"item_{item.pk}": form}
    )


@require_POST
def agenda_update_case(request: HttpRequest, pk: Any, item_id: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:agenda-update-case")
    item = _item(request, meeting, item_id)
    form = f.UpdateCaseForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_update_case(item=item, by=request_user(request), **form.cleaned_data)
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
    if form.errors:
        return render(
            request,
            "meetings/form_page.html",
            {"meeting": meeting, "form": form, "title": "Update the case"},
            status=400,
        )
    messages.success(request, f"{item.title}: the risk summary and plan were updated.")
    return redirect("meetings:chair", pk=meeting.pk)


def _item_for(meeting: Meeting, request: HttpRequest, value: str) -> AgendaItem | None:
    if not value:
        return None
    return _item(request, meeting, value) if is_uuid(value) else None


@require_POST
def decision(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:decision")
    _require_organiser(request, meeting)
    items = [(str(i.pk), i.title) for i in sel.agenda_for_user(meeting=meeting, user=request_user(request))]
    form = f.DecisionForm(request.POST, items=items, prefix="d")
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.decision_record(
                meeting=meeting,
                by=request_user(request),
                agenda_item=_item_for(meeting, request, data.pop("agenda_item")),
                **data,
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
    return _chair_response(
        request, meeting, "decisions-section", "Decision recorded.", bool(form.errors), decision=form
    )


@require_POST
def action_add(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:action-add")
    _require_organiser(request, meeting)
    agencies = _agencies(meeting)
    items = [(str(i.pk), i.title) for i in sel.agenda_for_user(meeting=meeting, user=request_user(request))]
    form = f.ActionForm(
        request.POST, items=items, agencies=agencies, people=_people([a for a, _ in agencies]), prefix="x"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_action_add(
                meeting=meeting,
                by=request_user(request),
                owner_agency=Agency.objects.get(pk=data["owner_agency"]),
                owner_person=User.objects.filter(pk=data["owner_person"]).first() if data["owner_person"] else None,
                description=data["description"],
                due_date=data["due_date"],
                agenda_item=_item_for(meeting, request, data["agenda_item"]),
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
    return _chair_response(request, meeting, "actions-section", "Action added.", bool(form.errors), action=form)


# --- contributions ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:contribute")
    user = request_user(request)
    items = [(str(i.pk), i.title) for i in sel.agenda_for_user(meeting=meeting, user=user)]
    form = f.ContributionForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.contribution_submit(
                meeting=meeting, by=user, agenda_item=_item_for(meeting, request, data.pop("agenda_item")), **data
            )
        except ActionForbidden:
            raise
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your agency's contribution has been submitted.")
            return redirect("meetings:detail", pk=meeting.pk)
    title = "Submit the MARAC research form" if meeting.is_marac else "Submit your agency's contribution"
    return render(
        request,
        "meetings/form_page.html",
        {"meeting": meeting, "form": form, "title": title, "button": "Submit"},
        status=400 if form.errors else 200,
    )


@require_GET
def research(request: HttpRequest, pk: Any) -> HttpResponse:
    """The contributions (MARAC research): restricted to the restricted audience for MARAC, 404 for anyone else."""
    meeting = _meeting(request, pk, "meetings:research")
    user = request_user(request)
    if meeting.research_restricted:
        sel.restricted_or_404(meeting, user, route="meetings:research", what=Contribution)
    rows = list(sel.contributions_for_user(meeting=meeting, user=user))
    record_access(
        user=user, objects_or_ids=rows, object_type=Contribution, route="meetings:research", purpose="meeting research"
    )
    return render(request, "meetings/research.html", {"meeting": meeting, "rows": rows})


# --- minutes ------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:minutes")
    user = request_user(request)
    current = sel.minutes_for_user(meeting=meeting, user=user, route="meetings:minutes")
    organiser = sel.is_organiser(meeting, user)
    form = None
    if (
        organiser
        and meeting.status == MeetingStatus.HELD
        and (current is None or current.status == MinutesStatus.DRAFT)
    ):
        initial = (
            {"text": current.text, "executive_summary": current.executive_summary, "version": current.version}
            if current
            else {}
        )
        form = f.MinutesForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.minutes_save_draft(
                    meeting=meeting,
                    by=user,
                    text=form.cleaned_data["text"],
                    executive_summary=form.cleaned_data["executive_summary"],
                    expected_version=form.cleaned_data["version"],
                )
            except ActionForbidden:
                raise
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Draft minutes saved.")
                return redirect("meetings:minutes", pk=meeting.pk)
    elif request.method == "POST":
        raise ActionForbidden("The minutes cannot be changed now.")
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "minutes": current,
            "form": form,
            "addendum_form": f.AddendumForm()
            if organiser and current and current.status == MinutesStatus.ISSUED
            else None,
            "is_chair": user.pk == meeting.chair_id,
            "organiser": organiser,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _minutes_action(request: HttpRequest, pk: Any, route: str, run: Any, ok: str) -> HttpResponse:
    meeting = _meeting(request, pk, route)
    sel.minutes_for_user(meeting=meeting, user=request_user(request), route=route)
    try:
        run(meeting)
    except ActionForbidden:
        raise
    except ServiceError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, ok)
    return redirect("meetings:minutes", pk=meeting.pk)


@require_POST
def minutes_approve(request: HttpRequest, pk: Any) -> HttpResponse:
    return _minutes_action(
        request,
        pk,
        "meetings:minutes-approve",
        lambda m: services.minutes_approve(meeting=m, by=request_user(request)),
        "Minutes approved. They can now be issued.",
    )


@require_POST
def minutes_issue(request: HttpRequest, pk: Any) -> HttpResponse:
    return _minutes_action(
        request,
        pk,
        "meetings:minutes-issue",
        lambda m: services.minutes_issue(meeting=m, by=request_user(request)),
        "Minutes issued to the invited agencies. Later changes are addenda.",
    )


@require_POST
def minutes_addendum(request: HttpRequest, pk: Any) -> HttpResponse:
    text = request.POST.get("text", "")
    return _minutes_action(
        request,
        pk,
        "meetings:minutes-addendum",
        lambda m: services.minutes_addendum(meeting=m, by=request_user(request), text=text),
        "Addendum added to the minutes.",
    )


@require_GET
def minutes_pdf(request: HttpRequest, pk: Any) -> HttpResponse:
    """The minutes as a PDF with the marking and the recipient's watermark (restricted minutes: audience only)."""
    from meetings.exports import minutes_pdf as render_pdf

    meeting = _meeting(request, pk, "meetings:minutes-pdf")
    user = request_user(request)
    if meeting.minutes_restricted:
        sel.restricted_or_404(meeting, user, route="meetings:minutes-pdf", what=Minutes)
    current = Minutes.objects.filter(meeting=meeting).first()
    if current is None:
        raise Http404("Not found")
    pdf, _digest = render_pdf(meeting=meeting, minutes=current, user=user, route="meetings:minutes-pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def executive_summary(request: HttpRequest, pk: Any) -> HttpResponse:
    meeting = _meeting(request, pk, "meetings:executive-summary")
    current = meeting.minutes if hasattr(meeting, "minutes") else None
    if current is None or current.status != MinutesStatus.ISSUED:
        record_denied(
            user=request_user(request),
            object_type="meetings.minutes",
            object_id=meeting.pk,
            route="meetings:executive-summary",
        )
        raise Http404("Not found")
    return render(request, "meetings/executive_summary.html", {"meeting": meeting, "minutes": current})
