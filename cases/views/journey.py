"""The "Log a concern" journey: GOV.UK question pages, answers kept server-side in the session (no personal data
in URLs), validated on every page, then a check-your-answers page and one service call."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases import forms as f
from cases import nhs, selectors, services
from cases.codes import AbuseType, ConsentNotSoughtReason, ConsentToRaise, LocationOfRisk, SourceOfRisk
from cases.models import Person
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.requests import request_user
from safeguarding.roles import reaches_case_data

SESSION_KEY = "sg_concern_journeys"
STEPS: list[tuple[str, str, type[forms.Form]]] = [
    ("adult", "The adult", f.AdultForm),
    ("what-happened", "What happened", f.WhatHappenedForm),
    ("abuse-types", "Type of abuse or neglect", f.AbuseTypesForm),
    ("immediate-risk", "Immediate risk", f.ImmediateRiskForm),
    ("consent", "Consent and the adult's views", f.ConsentForm),
]
STEP_NAMES = [name for name, _, _ in STEPS]


def _journeys(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return request.session.setdefault(SESSION_KEY, {})  # type: ignore[no-any-return]


def _journey(request: HttpRequest, journey_id: str) -> dict[str, Any]:
    journey = _journeys(request).get(journey_id)
    if journey is None:
        raise Http404("Not found")
    return journey


def _save(request: HttpRequest, journey_id: str, journey: dict[str, Any]) -> None:
    journeys = _journeys(request)
    journeys[journey_id] = journey
    request.session[SESSION_KEY] = journeys
    request.session.modified = True


def _serialise(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def _initial(stored: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in stored.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            out[key] = date.fromisoformat(value)
        else:
            out[key] = value
    return out


def start(request: HttpRequest) -> HttpResponse:
    if not reaches_case_data(request_user(request).roles):
        raise ActionForbidden("Your role does not log concerns.")
    journey_id = uuid.uuid4().hex
    _save(request, journey_id, {"steps": {}, "person_id": None})
    return redirect("cases:concern-step", journey_id=journey_id, step="adult")


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, journey_id: str, step: str) -> HttpResponse:
    journey = _journey(request, journey_id)
    if step not in STEP_NAMES:
        raise Http404("Not found")
    index = STEP_NAMES.index(step)
    # Questions are answered in order: jumping ahead sends you back to the first unanswered page.
    for earlier in STEP_NAMES[:index]:
        if earlier not in journey["steps"]:
            return redirect("cases:concern-step", journey_id=journey_id, step=earlier)
    name, title, form_class = STEPS[index]
    form = form_class(request.POST or None, initial=_initial(journey["steps"].get(name, {})))
    if request.method == "POST" and form.is_valid():
        journey["steps"][name] = _serialise(form.cleaned_data)
        if name == "adult":
            journey["person_id"] = None
            _save(request, journey_id, journey)
            matches = _possible_matches(request, form.cleaned_data)
            if matches:
                return redirect("cases:concern-match", journey_id=journey_id)
        _save(request, journey_id, journey)
        if request.GET.get("change") == "1" or index + 1 == len(STEPS):
            return redirect("cases:concern-check", journey_id=journey_id)
        return redirect("cases:concern-step", journey_id=journey_id, step=STEP_NAMES[index + 1])
    back = reverse("cases:concern-step", args=[journey_id, STEP_NAMES[index - 1]]) if index else reverse("cases:list")
    return render(
        request,
        "cases/concern/step.html",
        {
            "form": form,
            "title": title,
            "journey_id": journey_id,
            "step_number": index + 1,
            "step_count": len(STEPS),
            "back": back,
        },
        status=400 if form.errors else 200,
    )


def _possible_matches(request: HttpRequest, adult: dict[str, Any]) -> list[Person]:
    user = request_user(request)
    matches = list(
        selectors.person_possible_duplicates(
            user=user,
            nhs_number=adult.get("nhs_number", ""),
            given_name=adult["given_name"],
            family_name=adult["family_name"],
            date_of_birth=adult.get("date_of_birth"),
        )[:10]
    )
    if matches:
        record_access(user=user, objects_or_ids=matches, route="cases:concern-match", purpose="duplicate check")
    return matches


@require_http_methods(["GET", "POST"])
def match(request: HttpRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id)
    adult = _initial(journey["steps"].get("adult", {}))
    if not adult:
        return redirect("cases:concern-step", journey_id=journey_id, step="adult")
    matches = _possible_matches(request, adult)
    choices = [(str(p.pk), _describe(p)) for p in matches]
    form = f.ChooseAdultForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["person"]
        journey["person_id"] = None if chosen == "new" else chosen
        _save(request, journey_id, journey)
        return redirect("cases:concern-step", journey_id=journey_id, step="what-happened")
    return render(
        request,
        "cases/concern/match.html",
        {"form": form, "journey_id": journey_id},
        status=400 if form.errors else 200,
    )


def _describe(person: Person) -> str:
    parts = [person.full_name]
    if person.date_of_birth:
        parts.append(f"born {person.date_of_birth:%d %B %Y}")
    if person.nhs_number:
        parts.append(f"NHS number {nhs.display(person.nhs_number)}")
    return ", ".join(parts)


def _concern_data(journey: dict[str, Any]) -> dict[str, Any]:
    s = journey["steps"]
    happened, consent, risk = s["what-happened"], s["consent"], s["immediate-risk"]
    return {
        "identified_at": f.combine(date.fromisoformat(happened["identified_on"]), happened.get("identified_time", "")),
        "what_happened": happened["what_happened"],
        "location_of_risk": happened["location_of_risk"],
        "source_of_risk": happened["source_of_risk"],
        "abuse_types": s["abuse-types"]["abuse_types"],
        "immediate_risk": risk["immediate_risk"] == "yes",
        "immediate_actions": risk.get("immediate_actions", ""),
        "consent_to_raise": consent["consent_to_raise"],
        "consent_not_sought_reason": consent.get("consent_not_sought_reason", ""),
        "consent_not_sought_detail": consent.get("consent_not_sought_detail", ""),
        "adult_aware": consent["adult_aware"] == "yes",
        "adult_aware_reason": consent.get("adult_aware_reason", ""),
        "adult_views": consent.get("adult_views", ""),
        "desired_outcomes": [
            line.strip() for line in (consent.get("desired_outcomes") or "").splitlines() if line.strip()
        ],
        "domestic_abuse_disclosed": bool(consent.get("domestic_abuse_disclosed")),
    }


def _answers(journey: dict[str, Any], person: Person | None) -> list[dict[str, Any]]:
    s = journey["steps"]
    adult = s["adult"]
    data = _concern_data(journey)
    labels = {
        "location": dict(LocationOfRisk.choices),
        "source": dict(SourceOfRisk.choices),
        "abuse": dict(AbuseType.choices),
        "consent": dict(ConsentToRaise.choices),
        "not_sought": dict(ConsentNotSoughtReason.choices),
    }
    who = (
        _describe(person)
        if person
        else ", ".join(
            filter(
                None,
                [
                    f"{adult['given_name']} {adult['family_name']}",
                    f"born {date.fromisoformat(adult['date_of_birth']):%d %B %Y}" if adult.get("date_of_birth") else "",
                    f"NHS number {nhs.display(adult['nhs_number'])}" if adult.get("nhs_number") else "",
                ],
            )
        )
    )
    rows = [
        ("The adult", who + (" (existing record)" if person else " (new record)"), "adult"),
        ("Identified", f"{data['identified_at']:%d %B %Y %H:%M}", "what-happened"),
        ("What happened", data["what_happened"], "what-happened"),
        ("Where the risk is", labels["location"][data["location_of_risk"]], "what-happened"),
        ("Source of risk", labels["source"][data["source_of_risk"]], "what-happened"),
        ("Type of abuse or neglect", "; ".join(labels["abuse"][a] for a in data["abuse_types"]), "abuse-types"),
        ("Immediate risk", "Yes: " + data["immediate_actions"] if data["immediate_risk"] else "No", "immediate-risk"),
        (
            "Consent",
            labels["consent"][data["consent_to_raise"]]
            + (
                f" ({labels['not_sought'][data['consent_not_sought_reason']]})"
                if data["consent_not_sought_reason"]
                else ""
            ),
            "consent",
        ),
        ("The adult knows", "Yes" if data["adult_aware"] else "No: " + data["adult_aware_reason"], "consent"),
        ("The adult's views", data["adult_views"] or "Not recorded", "consent"),
        ("Outcomes the adult wants", "; ".join(data["desired_outcomes"]) or "Not recorded", "consent"),
    ]
    return [{"key": k, "value": v, "step": step} for k, v, step in rows]


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, journey_id: str) -> HttpResponse:
    journey = _journey(request, journey_id)
    for name in STEP_NAMES:
        if name not in journey["steps"]:
            return redirect("cases:concern-step", journey_id=journey_id, step=name)
    user = request_user(request)
    person = None
    if journey.get("person_id"):
        person = selectors.person_list_for_user(user=user).filter(pk=journey["person_id"]).first()
        if person is None:  # no longer visible: start the adult page again
            journey["person_id"] = None
            _save(request, journey_id, journey)
            return redirect("cases:concern-step", journey_id=journey_id, step="adult")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                if person is None:
                    adult = _initial(journey["steps"]["adult"])
                    person = services.person_create(by=user, **adult)
                logged = services.concern_log(
                    by=user, adult=person, concern=_concern_data(journey), draft=request.POST.get("action") == "draft"
                )
        except InvalidInput as exc:
            errors = {k: v[0] for k, v in exc.errors.items()}
        else:
            _journeys(request).pop(journey_id, None)
            request.session.modified = True
            text = "Concern saved as a draft" if logged.case.status == "draft" else "Concern raised"
            if logged.joined_existing_case:
                text += f": it was added to the adult's open case {logged.case.reference}"
            messages.success(request, f"{text}.")
            return redirect("cases:detail", pk=logged.case.pk)
    return render(
        request,
        "cases/concern/check.html",
        {"answers": _answers(journey, person), "journey_id": journey_id, "service_errors": errors},
        status=400 if errors else 200,
    )
