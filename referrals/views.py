"""Referral screens: the receiving inbox, the sender's outbox, the referral page with its timeline and actions, the
forms to refer a case (one per kind; a MARAC referral is pre-filled from the DASH), the LA's s42 decision, the MARAC
coordinator's queue, MAPPA nominals, the "My work" panel and the case page's "Referrals" panel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import Case, CasePerson
from cases.selectors import Scope, case_get_for_user, case_list_for_user
from escalation.models import OPEN_STATUSES, Deadline
from referrals import forms as f
from referrals import selectors, services
from referrals.codes import Kind, MaracCriterion, State
from referrals.models import MappaNominal, Referral
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, ServiceError
from safeguarding.organisations.models import Agency, AgencyType, MappaRole
from safeguarding.requests import request_user, route_name
from safeguarding.roles import Role
from safeguarding.web.forms import add_service_errors

PAGE = 100


def _deadlines(referrals: list[Referral]) -> dict[str, list[Deadline]]:
    """Open deadlines per referral, in one query (for due and overdue markers)."""
    if not referrals:
        return {}
    ct = ContentType.objects.get_for_model(Referral)
    out: dict[str, list[Deadline]] = {}
    for d in Deadline.objects.filter(
        subject_type=ct, subject_id__in=[str(r.pk) for r in referrals], status__in=OPEN_STATUSES
    ).order_by("due_at"):
        out.setdefault(d.subject_id, []).append(d)
    return out


def _rows(referrals: list[Referral]) -> list[tuple[Referral, list[Deadline]]]:
    deadlines = _deadlines(referrals)
    return [(r, deadlines.get(str(r.pk), [])) for r in referrals]


# --- boxes ----------------------------------------------------------------------------------------------------------


def _box(request: HttpRequest, *, box: str) -> HttpResponse:
    user = request_user(request)
    qs = selectors.referrals_received(user=user) if box == "received" else selectors.referrals_sent(user=user)
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    if state in State.values:
        qs = qs.filter(state=state)
    elif box == "received" and state != "all":
        qs = qs.exclude(state__in=[State.CLOSED, State.WITHDRAWN, State.DECLINED])
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    referrals = list(
        qs.select_related("case", "sender_agency", "recipient_agency", "recipient_user").order_by("-updated_at")[:PAGE]
    )
    record_access(user=user, objects_or_ids=referrals, object_type=Referral, route=route_name(request))
    counts = selectors.inbox_counts(user=user) if box == "received" else {}
    return render(
        request,
        "referrals/box.html",
        {
            "box": box,
            "rows": _rows(referrals),
            "counts": [(s, State(s).label, counts.get(s, 0)) for s in State.values if counts.get(s)],
            "kinds": Kind.choices,
            "states": State.choices,
            "filters": {"state": state, "kind": kind},
        },
    )


def inbox(request: HttpRequest) -> HttpResponse:
    return _box(request, box="received")


def outbox(request: HttpRequest) -> HttpResponse:
    return _box(request, box="sent")


# --- the referral page ----------------------------------------------------------------------------------------------


def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    referral = selectors.referral_get_for_user(user=user, referral_id=pk, route=route_name(request))
    sender, recipient = selectors.is_sender(referral, user), selectors.is_recipient(referral, user)
    deadlines = _deadlines([referral]).get(str(referral.pk), [])
    return render(
        request,
        "referrals/detail.html",
        {
            "r": referral,
            "is_sender": sender,
            "is_recipient": recipient,
            "timeline": selectors.referral_timeline(referral=referral),
            "deadlines": deadlines,
            "harm": list(referral.persons_causing_harm.all()) if referral.kind == Kind.MARAC else [],
            "can": _allowed(referral, user, sender=sender, recipient=recipient),
            "case_visible": case_list_for_user(user=user).filter(pk=referral.case_id).exists(),
            "criteria": [MaracCriterion(c).label for c in referral.criteria],
            "withdraw_form": f.ReasonForm(prefix="withdraw"),
            "decline_form": f.ReasonForm(prefix="decline"),
            "not_list_form": f.ReasonForm(prefix="not-list"),
            "list_form": f.ListForm(prefix="list"),
            "challenge_form": f.ChallengeForm(prefix="challenge"),
        },
    )


def _allowed(referral: Referral, user: User, *, sender: bool, recipient: bool) -> set[str]:
    """The actions to offer (the services still decide)."""
    s, can = referral.state, set()
    la_ok = referral.kind != Kind.S42_CONCERN or user.has_role(Role.LA_SAFEGUARDING_MANAGER, Role.SAFEGUARDING_LEAD)
    if sender and s == State.DRAFT:
        can |= {"send", "withdraw"}
    if referral.kind == Kind.MARAC:
        if sender and s in (State.REFERRED, State.NOT_LISTED):
            can.add("withdraw")
        if sender and s == State.NOT_LISTED:
            can.add("challenge")
        if recipient and s in (State.REFERRED, State.NOT_LISTED, State.LISTED):
            can.add("list")
        if recipient and s in (State.LISTED, State.EMERGENCY):
            can.add("heard")
        if recipient and s == State.HEARD:
            can.add("actions-open")
        if recipient and s in (State.HEARD, State.ACTIONS_OPEN):
            can.add("close")
        if recipient and s == State.REFERRED:
            can.add("not-list")
        return can
    if sender and s in (State.SENT, State.ACKNOWLEDGED):
        can.add("withdraw")
    if recipient and la_ok:
        if s == State.SENT:
            can.add("acknowledge")
        if s in (State.SENT, State.ACKNOWLEDGED):
            can |= {"accept", "decline"}
        if referral.kind == Kind.S42_CONCERN and s in (State.SENT, State.ACKNOWLEDGED, State.ACCEPTED):
            can.add("decision")
    if (sender or recipient) and s == State.ACCEPTED and referral.kind != Kind.S42_CONCERN:
        can.add("close")
    return can


ACTIONS: dict[str, tuple[type | None, str]] = {
    "send": (None, "Referral sent."),
    "acknowledge": (None, "Referral acknowledged."),
    "accept": (None, "Referral accepted."),
    "close": (None, "Referral closed."),
    "heard": (None, "Recorded as heard at MARAC."),
    "actions-open": (None, "Recorded: actions are open."),
    "decline": (f.ReasonForm, "Referral declined."),
    "withdraw": (f.ReasonForm, "Referral withdrawn."),
    "not-list": (f.ReasonForm, "Recorded as not listed. The referrer has been told and may challenge."),
    "list": (f.ListForm, "Referral listed for the sitting."),
    "challenge": (f.ChallengeForm, "Challenge sent to the MARAC coordinator."),
}


def _call(action: str, referral: Referral, user: User, data: dict[str, Any]) -> Referral:
    if action == "send":
        return services.referral_send(referral=referral, by=user)
    if action == "acknowledge":
        return services.referral_acknowledge(referral=referral, by=user)
    if action == "accept":
        return services.referral_accept(referral=referral, by=user)
    if action == "close" and referral.kind == Kind.MARAC:
        return services.marac_referral_close(referral=referral, by=user)
    if action == "close":
        return services.referral_close(referral=referral, by=user)
    if action == "heard":
        return services.marac_referral_heard(referral=referral, by=user)
    if action == "actions-open":
        return services.marac_referral_actions_open(referral=referral, by=user)
    if action == "decline":
        return services.referral_decline(referral=referral, by=user, reason=data["reason"])
    if action == "withdraw":
        return services.referral_withdraw(referral=referral, by=user, reason=data["reason"])
    if action == "not-list":
        return services.marac_not_list(referral=referral, by=user, reason=data["reason"])
    if action == "list":
        return services.marac_list(referral=referral, by=user, **data)
    return services.marac_challenge(referral=referral, by=user, **data)


@require_POST
def act(request: HttpRequest, pk: Any, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("Not found")
    user = request_user(request)
    referral = selectors.referral_get_for_user(user=user, referral_id=pk, route=route_name(request))
    form_class, done = ACTIONS[action]
    form = form_class(request.POST, prefix=action) if form_class else None
    if form is None or form.is_valid():
        try:
            _call(action, referral, user, dict(form.cleaned_data) if form is not None else {})
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            if form is None:
                messages.error(request, exc.detail)
                return redirect("referrals:detail", pk=referral.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            if action == "decline":  # the share has ended, and with it the recipient's view of the referral
                return redirect("referrals:inbox")
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/action_form.html", {"r": referral, "form": form, "action": action}, status=400)


@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: Any) -> HttpResponse:
    """The LA safeguarding manager's decision on an s42 concern."""
    user = request_user(request)
    referral = selectors.referral_get_for_user(user=user, referral_id=pk, route=route_name(request))
    if referral.kind != Kind.S42_CONCERN:
        raise Http404("Not found")
    if not selectors.is_recipient(referral, user):
        raise PermissionDenied
    agencies = [(str(a.pk), a.name) for a in referral.area.agencies.filter(active=True).order_by("name")]
    form = f.DecisionForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lead_id = data.pop("enquiry_lead_agency")
        try:
            services.referral_record_decision(
                referral=referral,
                by=user,
                enquiry_lead_agency=Agency.objects.filter(pk=lead_id).first() if lead_id else None,
                **data,
            )
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Decision recorded. The referrer has been told.")
            return redirect("referrals:detail", pk=referral.pk)
    concern = referral.concern
    return render(
        request,
        "referrals/decision.html",
        {"r": referral, "form": form, "concern": concern},
        status=400 if form.errors else 200,
    )


# --- referring a case -------------------------------------------------------------------------------------------------


def _people(case: Case, *, role: str | None = None) -> list[tuple[str, str]]:
    links = CasePerson.objects.filter(case=case).select_related("person").order_by("person__family_name")
    if role:
        links = links.filter(role=role)
    return [(str(cp.person_id), f"{cp.person.full_name} ({cp.get_role_display().lower()})") for cp in links]


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, case_id: Any, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404("Not found")
    user = request_user(request)
    case, scope = case_get_for_user(user=user, case_id=case_id, route=route_name(request))
    if scope != Scope.OWNER:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {"case": case, "kind": kind, "kind_label": Kind(kind).label}
    others = Agency.objects.filter(active=True).exclude(pk=case.owning_agency_id).order_by("name")
    form: f.BasisForm
    if kind == Kind.S42_CONCERN:
        concerns = [
            (str(c.pk), f"Identified {c.identified_at:%d %B %Y}: {c.what_happened[:60]}")
            for c in case.concerns.filter(decision="").order_by("-identified_at")
        ]
        form = f.S42Form(data, concerns=concerns)
        context["recipient"] = services.local_authority_for(case.area)
    elif kind == Kind.MARAC:
        dash = case.dash_assessments.order_by("-completed_at").first()
        form = f.MaracForm(
            data,
            harm_people=_people(case, role="alleged_source_of_harm"),
            judgement=dash.professional_judgement if dash else "",
        )
        context.update(dash=dash, coordinator=services.marac_coordinator(case.area))
    elif kind == Kind.SERVICE:
        form = f.ServiceForm(data, agencies=[(str(a.pk), a.name) for a in others])
    else:
        ras = others.filter(mappa_role=MappaRole.RESPONSIBLE_AUTHORITY)
        form = f.MappaForm(data, agencies=[(str(a.pk), a.name) for a in ras], people=_people(case))
    if request.method == "POST" and form.is_valid():
        recipient_id = form.cleaned_data.get("recipient_agency")
        try:
            referral = services.referral_create(
                by=user,
                case=case,
                kind=kind,
                reason=form.cleaned_data["reason"],
                urgent=form.cleaned_data["urgent"],
                recipient_agency=Agency.objects.filter(pk=recipient_id).first() if recipient_id else None,
                sharing_basis=form.basis(),
                details=form.details(),
            )
        except ActionForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft saved. Check it, then send it.")
            return redirect("referrals:detail", pk=referral.pk)
    context["form"] = form
    return render(request, "referrals/new.html", context, status=400 if form.errors else 200)


# --- MARAC coordinator ----------------------------------------------------------------------------------------------


def marac_queue(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    referrals = list(selectors.marac_queue(user=user)[:PAGE])
    record_access(user=user, objects_or_ids=referrals, object_type=Referral, route=route_name(request))
    groups = [
        ("Eligible, waiting for your decision", [r for r in referrals if r.state == State.REFERRED]),
        ("Listed for a sitting", [r for r in referrals if r.state in (State.LISTED, State.EMERGENCY)]),
        ("Not listed", [r for r in referrals if r.state == State.NOT_LISTED]),
    ]
    deadlines = _deadlines(referrals)
    return render(
        request,
        "referrals/marac_queue.html",
        {"groups": [(title, [(r, deadlines.get(str(r.pk), [])) for r in rows]) for title, rows in groups]},
    )


# --- MAPPA ----------------------------------------------------------------------------------------------------------


def nominals(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = list(
        selectors.nominal_list_for_user(user=user).select_related("person", "responsible_authority", "lead_agency")[
            :PAGE
        ]
    )
    record_access(user=user, objects_or_ids=rows, object_type=MappaNominal, route=route_name(request))
    return render(request, "referrals/nominals.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def nominal(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    item = selectors.nominal_get_for_user(user=user, nominal_id=pk, route=route_name(request))
    is_ra = selectors.own_agency_id(user) == item.responsible_authority_id
    form = f.NominalReviewForm(request.POST if request.method == "POST" else None, initial={"level": item.level})
    if request.method == "POST":
        if not is_ra:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.nominal_review(nominal=item, by=user, level=form.cleaned_data["level"])
            except ActionForbidden as exc:
                raise PermissionDenied(exc.detail) from exc
            except ServiceError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Review recorded.")
                return redirect("referrals:nominal", pk=item.pk)
    return render(
        request,
        "referrals/nominal.html",
        {"n": item, "form": form, "is_ra": is_ra, "named": item.named_agencies.order_by("name")},
        status=400 if form.errors else 200,
    )


# --- panels -----------------------------------------------------------------------------------------------------------


def awaiting_panel(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    referrals = list(selectors.awaiting_recipient(user=user).select_related("sender_agency").order_by("sent_at")[:20])
    record_access(user=user, objects_or_ids=referrals, object_type=Referral, route=route_name(request))
    return render(request, "referrals/awaiting_panel.html", {"rows": _rows(referrals)})


def case_panel(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case page's "Referrals" panel: this case's referrals the user may see, and links to refer it."""
    user = request_user(request)
    case = case_list_for_user(user=user).select_related("area").filter(pk=case_id).first()
    if case is None:
        record_denied(user=user, object_type=Case, object_id=case_id, route=route_name(request))
        raise Http404("Not found")
    referrals = list(selectors.referrals_for_case(user=user, case=case))
    record_access(user=user, objects_or_ids=referrals, object_type=Referral, route=route_name(request))
    owner = selectors.own_agency_id(user) == case.owning_agency_id and case.is_open
    can_s42 = (
        owner
        and case.area.agencies.filter(agency_type=AgencyType.LOCAL_AUTHORITY_ASC).exists()
        and case.concerns.filter(decision="").exclude(referrals__state__in=services.S42_LIVE_STATES).exists()
    )
    return render(
        request,
        "referrals/case_panel.html",
        {"rows": _rows(referrals), "case_id": case_id, "owner": owner, "can_s42": can_s42},
    )
