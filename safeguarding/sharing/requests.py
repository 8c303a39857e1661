"""Information requests (domain §3.8): one agency asks another for information about a record it can see, or about
a person named by an identifier it already holds (an NHS number). The holder answers within the policy timescale —
the clock engine holds the deadline through a listener it registers here — by disclosing (a sharing decision through
the engine), disclosing in part, or refusing with reasons.

The no-existence-leak rule: nothing the requester sees depends on whether the holder has a record, until the holder
answers. Creating a request by NHS number answers identically either way; the holder is told of every request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency
from safeguarding.organisations.selectors import agency_leads, agency_of, case_working_agency_id
from safeguarding.requests import is_uuid
from safeguarding.roles import reaches_case_data
from safeguarding.sharing.codes import ConsentStatus, LawfulBasisArt6, Purpose, Scope
from safeguarding.sharing.models import (
    OPEN_REQUEST_STATUSES,
    InformationRequest,
    RequestOutcome,
    RequestStatus,
)
from safeguarding.sharing.registry import shareable_for
from safeguarding.sharing.services import may_decide, refuse_share, share_record

MIN_TEXT = 20
SOURCE = "information_request"

# --- listeners (the clock engine plugs in here; the platform never imports it) ----------------------------------

RequestListener = Callable[[InformationRequest, str], "datetime | None"]
_listeners: list[RequestListener] = []


def register_request_listener(listener: RequestListener) -> None:
    """``listener(request, event)`` runs inside the service's transaction after ``created``, ``responded`` and
    ``withdrawn``. On ``created`` it may return the due time it set (the clock engine does)."""
    _listeners.append(listener)


def _emit(request: InformationRequest, event: str) -> datetime | None:
    due: datetime | None = None
    for listener in _listeners:
        result = listener(request, event)
        if result is not None and due is None:
            due = result
    return due


# --- selectors ----------------------------------------------------------------------------------------------------


def information_requests_visible_to(user: User, *, box: str = "") -> QuerySet[InformationRequest]:
    """The one visibility rule: requests the user's agency sent or received (case-working roles only).
    ``box="sent"`` or ``"received"`` narrows it (opt-in)."""
    own = case_working_agency_id(user)
    if own is None:
        return InformationRequest.objects.none()
    if box == "sent":
        condition = Q(requesting_agency_id=own)
    elif box == "received":
        condition = Q(holder_agency_id=own)
    else:
        condition = Q(requesting_agency_id=own) | Q(holder_agency_id=own)
    return InformationRequest.objects.filter(condition).select_related(
        "requesting_agency", "holder_agency", "requested_by", "responded_by", "source_type"
    )


def information_request_get_for_user(*, user: User, pk: Any, route: str) -> InformationRequest:
    """The request, or 404 (the same for missing and invisible). Writes the access row either way."""
    found = information_requests_visible_to(user).filter(pk=pk).first() if is_uuid(pk) else None
    if found is None:
        record_denied(user=user, object_type=InformationRequest, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route)
    return found


def is_holder(user: User, request: InformationRequest) -> bool:
    return bool(case_working_agency_id(user) == request.holder_agency_id)


def may_answer(user: User, request: InformationRequest) -> bool:
    return may_decide(user, request.holder_agency_id)


# --- validation helpers -------------------------------------------------------------------------------------------


def _nhs_valid(raw: str) -> str | None:
    """Ten digits passing the Modulus 11 check (domain §8), or None."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not digits.isdigit() or len(digits) != 10 or len(set(digits)) == 1:
        return None
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    expected = 11 - (total % 11)
    expected = 0 if expected == 11 else expected
    return digits if expected != 10 and expected == int(digits[9]) else None


def _substantive(text: str) -> bool:
    return len((text or "").strip()) >= MIN_TEXT and len((text or "").split()) >= 3


def _requester_people(request: InformationRequest) -> list[User]:
    people = {u.pk: u for u in agency_leads(request.requesting_agency)}
    people[request.requested_by_id] = request.requested_by
    return list(people.values())


# --- services -----------------------------------------------------------------------------------------------------


@transaction.atomic
def information_request_create(
    *,
    by: User,
    holder_agency: Agency,
    purpose: str,
    lawful_basis: str,
    what: str,
    why: str,
    case: models.Model | None = None,
    nhs_number: str | None = None,
    source_object: models.Model | None = None,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> InformationRequest:
    """Ask ``holder_agency`` for information about ``case`` (a record ``by`` can see) or a person by NHS number.

    ``source_object`` links the request to what prompted it (e.g. a SAR referral). ``due_at`` overrides the
    policy timescale (``information_request``, 10 working days by default)."""
    now = now or timezone.now()
    requester = agency_of(by)
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if requester is None or not reaches_case_data(by.roles):
        raise ActionForbidden("Only staff who work with cases can ask another agency for information.")
    if holder_agency is None or not holder_agency.active:
        add("holder_agency", "Choose an active agency to ask")
    elif holder_agency.pk == requester.pk:
        add("holder_agency", "Ask another agency: your own records are already open to you")
    if purpose not in Purpose.values:
        add("purpose", "Choose the purpose of the request")
    if lawful_basis not in LawfulBasisArt6.values:
        add("lawful_basis", "Choose the lawful basis for asking")
    if not _substantive(what):
        add("what", f"Say what information you need (at least {MIN_TEXT} characters)")
    if not _substantive(why):
        add("why", f"Say why you need it (at least {MIN_TEXT} characters)")
    digits = ""
    if nhs_number:
        digits = _nhs_valid(nhs_number) or ""
        if not digits:
            add("nhs_number", "Enter a valid 10-digit NHS number")
    if case is None and not nhs_number:
        add("case", "Name the case, or the person's NHS number")
    if case is not None and not registry.is_visible(case, user=by):
        add("case", "Choose a case you can see")
    if due_at is not None and due_at <= now:
        add("due_at", "The answer must be due in the future")
    if errors:
        raise InvalidInput("The information request cannot be sent as it stands.", errors=errors)
    request = InformationRequest.objects.create(
        requesting_agency=requester,
        requested_by=by,
        holder_agency=holder_agency,
        purpose=purpose,
        lawful_basis=lawful_basis,
        what=what.strip(),
        why=why.strip(),
        subject_type=ContentType.objects.get_for_model(case) if case is not None else None,
        subject_id=case.pk if case is not None else None,
        nhs_number=digits,
        source_type=ContentType.objects.get_for_model(source_object) if source_object is not None else None,
        source_id=str(source_object.pk) if source_object is not None else "",
        area=getattr(case, "area", None),
        due_at=due_at,
        created_at=now,
        updated_at=now,
    )
    clock_due = _emit(request, "created")
    if clock_due is not None and request.due_at != clock_due:
        request.due_at = clock_due
        request.save(update_fields=["due_at"])
    # The holder hears of every request in the same words, whether or not it holds a record.
    notify(
        recipients=agency_leads(holder_agency),
        kind="information_request",
        title=f"Information request {request.reference} from {requester.name} ({Purpose(purpose).label})",
        target=request,
        dedupe_key=f"inforeq:{request.pk}",
        now=now,
    )
    return request


@transaction.atomic
def information_request_consider(*, request: InformationRequest, by: User) -> InformationRequest:
    """The holder starts considering the request (``requested`` → ``under_consideration``)."""
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if not may_answer(by, request):
        raise ActionForbidden("Only the agency asked can consider this request.")
    if request.status != RequestStatus.REQUESTED:
        raise TransitionNotAllowed("This request is not waiting to be considered.")
    now = timezone.now()
    request.status = RequestStatus.UNDER_CONSIDERATION
    request.considered_by, request.considered_at, request.updated_at = by, now, now
    request.save(update_fields=["status", "considered_by", "considered_at", "updated_at"])
    return request


def _holder_record(request: InformationRequest, record: models.Model | None) -> models.Model | None:
    """The record the answer is about: the one named, else the request's subject when the holder owns it."""
    candidate = record
    if candidate is None and request.subject_type_id is not None:
        candidate = request.subject
    if candidate is None:
        return None
    try:
        shareable = shareable_for(type(candidate))
    except LookupError:
        raise InvalidInput.field("record", "That record cannot be shared") from None
    if shareable.owner_agency_id(candidate) != request.holder_agency_id:
        if record is not None:
            raise InvalidInput.field("record", "Choose a record your agency holds")
        return None
    return candidate


@transaction.atomic
def information_request_respond(
    *,
    request: InformationRequest,
    by: User,
    outcome: str,
    reasons: str,
    scope: str = "",
    record: models.Model | None = None,
    data_items: Iterable[str] = (),
    response_text: str = "",
    consent_status: str = "",
    now: datetime | None = None,
    **decision_fields: Any,
) -> InformationRequest:
    """Answer a request: ``disclose``, ``partial`` (reasons say what is withheld) or ``refuse`` (reasons required).

    Disclosing a record records a sharing decision through the engine (``share_record`` with the request's purpose,
    source ``information_request``) addressed to the requesting agency; ``decision_fields`` (lawful basis, Article 9
    condition, override reason…) pass through to it. A refusal about a record records a decision not to share.
    Information may also be given in ``response_text`` (e.g. when the record is the requester's own case)."""
    now = now or timezone.now()
    request = InformationRequest.objects.select_for_update().select_related("requesting_agency").get(pk=request.pk)
    if not may_answer(by, request):
        raise ActionForbidden("Only the agency asked can answer this request.")
    if request.status not in OPEN_REQUEST_STATUSES:
        raise TransitionNotAllowed("This request has already been answered or withdrawn.")
    if outcome not in RequestOutcome.values:
        raise InvalidInput.field("outcome", "Choose whether to disclose, disclose in part or refuse")
    if not _substantive(reasons):
        raise InvalidInput.field("reasons", f"Give your reasons (at least {MIN_TEXT} characters)")
    target = _holder_record(request, record)
    decision = None
    common: dict[str, Any] = {
        "obj": target,
        "decided_by": by,
        "recipient_agency": request.requesting_agency,
        "purpose": request.purpose,
        "rationale": reasons,
        "source": SOURCE,
        "source_id": str(request.pk),
        "now": now,
    }
    if outcome == RequestOutcome.REFUSE:
        if target is not None:
            fields = {k: v for k, v in decision_fields.items() if k in ("adult_informed", "adult_not_informed_reason")}
            if not fields.get("adult_informed") and not fields.get("adult_not_informed_reason"):
                fields["adult_not_informed_reason"] = "Nothing was shared, so there is nothing to tell the adult."
            decision = refuse_share(consent_status=consent_status or ConsentStatus.NOT_SOUGHT, **common, **fields)
        status = RequestStatus.REFUSED
    else:
        if target is None and not (response_text or "").strip():
            raise InvalidInput.field("record", "Choose the record to share, or give the information in your answer")
        if target is not None:
            decision = share_record(
                scope=scope or (Scope.FULL if outcome == RequestOutcome.DISCLOSE else Scope.SUMMARY),
                data_items=data_items,
                consent_status=consent_status,
                **common,
                **decision_fields,
            )
        status = RequestStatus.APPROVED_SHARED if outcome == RequestOutcome.DISCLOSE else RequestStatus.APPROVED_PARTIAL
    request.status = status
    request.outcome = outcome
    request.reasons = reasons.strip()
    request.response_text = (response_text or "").strip()
    request.responded_by, request.responded_at, request.updated_at = by, now, now
    request.decision = decision
    if target is not None:
        request.record_type = ContentType.objects.get_for_model(target)
        request.record_id = target.pk
    request.save()
    _emit(request, "responded")
    notify(
        recipients=_requester_people(request),
        kind="information_request_answered",
        title=f"Information request {request.reference} has been answered",
        target=request,
        dedupe_key=f"inforeq-answered:{request.pk}",
        now=now,
    )
    return request


@transaction.atomic
def information_request_withdraw(*, request: InformationRequest, by: User, reason: str) -> InformationRequest:
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if case_working_agency_id(by) != request.requesting_agency_id:
        raise ActionForbidden("Only the agency that asked can withdraw the request.")
    if request.status not in OPEN_REQUEST_STATUSES:
        raise TransitionNotAllowed("This request has already been answered or withdrawn.")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "Say why the request is withdrawn")
    request.status = RequestStatus.WITHDRAWN
    request.withdrawn_reason = reason.strip()
    request.updated_at = timezone.now()
    request.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    _emit(request, "withdrawn")
    return request


def information_request_record_visible(request: InformationRequest, user: User) -> Any | None:
    """The disclosed record when ``user`` may see it (a refusal's record never leaks to the requester)."""
    if request.record_type_id is None or request.record_id is None:
        return None
    ct = ContentType.objects.get_for_id(request.record_type_id)
    return registry.resolve_visible(ct, request.record_id, user=user)


def records_visible_for(requests: list[InformationRequest], user: User) -> dict[Any, Any]:
    """For a page of requests: the disclosed records ``user`` can see, by id (one query per record type)."""
    by_type: dict[int, list[Any]] = {}
    for request in requests:
        if request.record_type_id is not None and request.record_id is not None:
            by_type.setdefault(request.record_type_id, []).append(request.record_id)
    found: dict[Any, Any] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        try:
            visible = registry.visible(model, user=user)
        except LookupError:
            continue
        found.update({obj.pk: obj for obj in visible.filter(pk__in=ids)})
    return found
