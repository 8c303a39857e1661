"""Writes for referrals (keyword-only, typed, one transaction each; other apps call these, never the models).

Lifecycle (s42, MAPPA, service): draft → sent → acknowledged → accepted | declined (reason) → closed; the sender may
withdraw before acceptance. For s42, ``accept`` means the LA has taken the concern for triage and
``referral_record_decision`` records the outcome through ``cases.services.record_la_decision`` (then closes it).
MARAC (domain §3.3): draft → referred → listed (intended sitting date) | not listed (reason; the referrer may
challenge) | emergency → heard → actions open → closed.

Sending records the referral's own sharing decision on the case (``source="referral"``); declining or withdrawing
revokes that one decision and leaves every other in force. A transition not allowed now raises
``TransitionNotAllowed`` (409 in the API).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import Case, CasePerson, CaseStatus, Concern, DashAssessment, EntryType, Person
from cases.services import chronology_add_automatic, concern_received_by_la, record_la_decision
from referrals import clocks
from referrals.codes import (
    WITHDRAWABLE,
    HarmRelationship,
    Kind,
    MappaCategory,
    MappaLevel,
    MappaRequestType,
    MaracCriterion,
    NominalStatus,
    ServiceType,
    State,
    VictimConsent,
)
from referrals.models import MappaNominal, Referral, ReferralLogEntry
from referrals.selectors import (
    is_recipient,
    is_sender,
    marac_criteria_from_dash,
    previous_marac_referral,
    repeat_rule_text,
)
from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency, AgencyType, Area, MappaRole, Position
from safeguarding.organisations.selectors import agency_leads, agency_of, directory_holder, members_with_role
from safeguarding.roles import Role
from safeguarding.sharing.agreements import current_agreement, signatory_agency_ids
from safeguarding.sharing.codes import (
    CommonLawJustification,
    ConditionArt9,
    DataItem,
    Direction,
    DpaSchedule1Condition,
    LawfulBasisArt6,
    Purpose,
    Scope,
    SpecialCategory,
)
from safeguarding.sharing.models import SharingAgreement, SharingDecision
from safeguarding.sharing.registry import shareable_for
from safeguarding.sharing.services import revoke_by_source, share_record, validate_decision

SOURCE = "referral"
# An s42 referral in these states already carries its concern to the local authority.
S42_LIVE_STATES = (State.SENT, State.ACKNOWLEDGED, State.ACCEPTED, State.CLOSED)

# What each kind shares on sending, and why (the sender's basis fills in consent, overrides and rationale).
SHARING_DEFAULTS: dict[str, dict[str, Any]] = {
    Kind.S42_CONCERN: {
        "purpose": Purpose.S42_ENQUIRY,
        "scope": Scope.FULL,
        "data_items": [DataItem.IDENTITY, DataItem.CONCERN, DataItem.RISK, DataItem.HEALTH, DataItem.FAMILY],
        "special_category": [SpecialCategory.HEALTH],
        "lawful_basis_art6": LawfulBasisArt6.LEGAL_OBLIGATION,
        "condition_art9": ConditionArt9.SOCIAL_PROTECTION,
        "dpa_sch1_condition": DpaSchedule1Condition.PARA18,
        "common_law_justification": CommonLawJustification.STATUTORY_GATEWAY,
    },
    Kind.MARAC: {
        "purpose": Purpose.MARAC,
        "scope": Scope.SUMMARY,
        "data_items": [DataItem.IDENTITY, DataItem.RISK, DataItem.FAMILY],
        "special_category": [],
        "lawful_basis_art6": LawfulBasisArt6.PUBLIC_TASK,
        "condition_art9": ConditionArt9.SUBSTANTIAL_PUBLIC_INTEREST,
        "dpa_sch1_condition": DpaSchedule1Condition.PARA18,
        "common_law_justification": CommonLawJustification.PUBLIC_INTEREST,
    },
    Kind.MAPPA: {
        "purpose": Purpose.MAPPA,
        "scope": Scope.SUMMARY,
        "data_items": [DataItem.IDENTITY, DataItem.RISK, DataItem.CRIMINAL],
        "special_category": [],
        "lawful_basis_art6": LawfulBasisArt6.PUBLIC_TASK,
        "condition_art9": "",
        "dpa_sch1_condition": "",
        "common_law_justification": CommonLawJustification.STATUTORY_GATEWAY,
    },
    Kind.SERVICE: {
        "purpose": Purpose.INDIVIDUAL_CARE,
        "scope": Scope.SUMMARY,
        "data_items": [DataItem.IDENTITY, DataItem.CONCERN],
        "special_category": [],
        "lawful_basis_art6": LawfulBasisArt6.PUBLIC_TASK,
        "condition_art9": "",
        "dpa_sch1_condition": "",
        "common_law_justification": "",
    },
}
BASIS_FIELDS = (
    "consent_status",
    "lawful_basis_art6",
    "condition_art9",
    "dpa_sch1_condition",
    "override_reason",
    "override_detail",
    "capacity_assessment_id",
    "common_law_justification",
    "adult_informed",
    "adult_not_informed_reason",
    "rationale",
    "data_items",
    "data_items_detail",
    "special_category",
)


# --- helpers --------------------------------------------------------------------------------------------------------


def _next_reference(prefix: str, sequence: str, when: datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{sequence}')")
        (number,) = cursor.fetchone()
    return f"{prefix}-{when.year}-{number:06d}"


def _acting_agency(user: User) -> Agency:
    agency = agency_of(user)
    if agency is None:
        raise ActionForbidden("You need to belong to an agency to do this.")
    return agency


def _event(referral: Referral, event: str, *, by: User | None, at: datetime, detail: str = "") -> None:
    ReferralLogEntry.objects.create(
        referral=referral, event=event, at=at, by=by, agency=agency_of(by) if by else None, detail=detail
    )


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update().select_related("case", "case__area", "sender_agency").get(pk=referral.pk)
    )


def _save(referral: Referral, now: datetime, **values: Any) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(updated_at=now, version=F("version") + 1, **values)
    referral.refresh_from_db()
    return referral


def _require_state(referral: Referral, *states: str, action: str) -> None:
    if referral.state not in states:
        raise TransitionNotAllowed(
            f"You cannot {action} a referral that is {referral.get_state_display().lower()}.",
            errors={"state": [f"The referral is {referral.get_state_display().lower()}"]},
        )


def _require_kind(referral: Referral, *kinds: str, action: str) -> None:
    if referral.kind not in kinds:
        raise TransitionNotAllowed(f"You cannot {action} a {referral.get_kind_display().lower()}.")


def _require_sender(referral: Referral, by: User, action: str) -> None:
    if not is_sender(referral, by):
        raise ActionForbidden(f"Only the sending agency can {action} this referral.")


def _require_recipient(referral: Referral, by: User, action: str) -> None:
    if not is_recipient(referral, by):
        raise ActionForbidden(f"Only the receiving agency can {action} this referral.")
    if referral.kind == Kind.S42_CONCERN and not by.has_role(Role.LA_SAFEGUARDING_MANAGER, Role.SAFEGUARDING_LEAD):
        raise ActionForbidden("Only a local authority safeguarding manager can do this.")


def _recipients_of(referral: Referral) -> list[User]:
    """Who is told about a referral on the receiving side (never the person causing harm: they are not users)."""
    if referral.recipient_user_id:
        return [referral.recipient_user] if referral.recipient_user else []
    agency = referral.recipient_agency
    if referral.kind == Kind.S42_CONCERN:
        managers = list(members_with_role(agency, Role.LA_SAFEGUARDING_MANAGER))
        if managers:
            return managers
    return agency_leads(agency)


def _tell(recipients: Iterable[User | None], referral: Referral, kind: str, title: str, key: str) -> None:
    notify(
        recipients=[u for u in recipients if u is not None],
        kind=kind,
        title=title,
        target=referral,
        dedupe_key=f"referral:{referral.pk}:{key}",
    )


def _chronology(referral: Referral, summary: str, *, by: User | None, agency: Agency, at: datetime) -> None:
    chronology_add_automatic(
        case=referral.case, summary=summary, agency=agency, entry_type=EntryType.REFERRAL, by=by, event_date=at
    )


def local_authority_for(area: Area) -> Agency | None:
    return area.agencies.filter(agency_type=AgencyType.LOCAL_AUTHORITY_ASC, active=True).order_by("name").first()


def marac_agreement(area: Area) -> SharingAgreement | None:
    return current_agreement(area_id=area.pk, purpose=Purpose.MARAC)


def marac_coordinator(area: Area) -> User | None:
    return directory_holder(area=area, position=Position.MARAC_COORDINATOR)


# --- creation -------------------------------------------------------------------------------------------------------


def _clean_basis(kind: str, basis: dict[str, Any] | None) -> dict[str, Any]:
    basis = dict(basis or {})
    unknown = sorted(set(basis) - set(BASIS_FIELDS))
    if unknown:
        raise InvalidInput.field("sharing_basis", f"Unknown fields: {', '.join(unknown)}")
    if basis.get("capacity_assessment_id") is not None:
        basis["capacity_assessment_id"] = str(basis["capacity_assessment_id"])
    return basis


def _clean_s42(case: Case, details: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    concern_id = details.get("concern")
    concerns = Concern.objects.filter(case=case, decision="")
    concern = concerns.filter(pk=concern_id).first() if concern_id else concerns.order_by("-created_at").first()
    if concern is None:
        errors.setdefault("concern", []).append(
            "Choose a concern on this case that the local authority has not decided"
        )
        return {}
    if (
        Referral.objects.filter(concern=concern, kind=Kind.S42_CONCERN)
        .exclude(state__in=[State.DRAFT, State.DECLINED, State.WITHDRAWN])
        .exists()
    ):
        errors.setdefault("concern", []).append("This concern has already been sent to the local authority")
    return {"concern": concern}


def _person_in_case(case: Case, person_id: Any) -> Person | None:
    if person_id is None:
        return None
    if str(case.adult_id) == str(person_id):
        return case.adult
    link = CasePerson.objects.filter(case=case, person_id=person_id).select_related("person").first()
    return link.person if link else None


def _clean_marac(case: Case, details: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    dash_id = details.get("dash")
    dashes = DashAssessment.objects.filter(case=case)
    dash = dashes.filter(pk=dash_id).first() if dash_id else dashes.order_by("-completed_at").first()
    if dash is None:
        err("dash", "Complete a DASH checklist on the case first: the referral is pre-filled from it")
    victim = _person_in_case(case, details.get("victim") or case.adult_id)
    if victim is None:
        err("victim", "Choose the victim from the people in this case")
    harm_ids = details.get("persons_causing_harm")
    if harm_ids is None:
        harm = [
            cp.person
            for cp in CasePerson.objects.filter(case=case, role="alleged_source_of_harm").select_related("person")
        ]
    else:
        harm = [p for p in (_person_in_case(case, pid) for pid in harm_ids) if p is not None]
        if len(harm) != len(harm_ids):
            err("persons_causing_harm", "Choose the person or people causing harm from the people in this case")
    if not harm:
        err("persons_causing_harm", "Name the person or people causing harm (add them to the case first)")
    if victim is not None and any(p.pk == victim.pk for p in harm):
        err("persons_causing_harm", "The victim cannot also be the person causing harm")
    relationship = details.get("harm_relationship", "")
    if relationship and relationship not in HarmRelationship.values:
        err("harm_relationship", "Choose the relationship from the list")
    incident_date = details.get("incident_date")
    if isinstance(incident_date, str):
        try:
            incident_date = date.fromisoformat(incident_date)
        except ValueError:
            incident_date = None
    if not isinstance(incident_date, date):
        err("incident_date", "Enter the date of the incident behind the referral")
    elif incident_date > timezone.localdate():
        err("incident_date", "The incident date must be today or in the past")
    judgement = (details.get("professional_judgement") or (dash.professional_judgement if dash else "")).strip()
    counts: dict[str, int | None] = {}
    for field in ("police_callouts_12m", "da_incidents_12m"):
        value = details.get(field)
        if value in (None, ""):
            counts[field] = None
            continue
        try:
            counts[field] = int(value)
            if counts[field] < 0:  # type: ignore[operator]
                raise ValueError
        except (TypeError, ValueError):
            err(field, "Enter a whole number, 0 or more")
    consent = details.get("victim_consent", "")
    if consent and consent not in VictimConsent.values:
        err("victim_consent", "Choose the victim's consent position from the list")
    idva_agency = None
    if details.get("idva_agency"):
        idva_agency = Agency.objects.filter(pk=details["idva_agency"], agency_type=AgencyType.IDVA_SERVICE).first()
        if idva_agency is None:
            err("idva_agency", "Choose an IDVA service")
    if errors:
        return {}
    assert dash is not None and victim is not None and isinstance(incident_date, date)
    criteria = marac_criteria_from_dash(
        yes_count=dash.yes_count, professional_judgement=judgement, incidents_12m=counts.get("da_incidents_12m")
    )
    return {
        "dash": dash,
        "victim": victim,
        "harm": harm,
        "harm_relationship": relationship,
        "incident_date": incident_date,
        "professional_judgement": judgement,
        "dash_yes_count": dash.yes_count,
        "criteria": criteria,
        "victim_informed": details.get("victim_informed"),
        "victim_consent": consent,
        "safe_contact_number": (details.get("safe_contact_number") or "").strip(),
        "safe_to_call": (details.get("safe_to_call") or "").strip(),
        "safe_contact_notes": (details.get("safe_contact_notes") or "").strip(),
        "idva_referred": bool(details.get("idva_referred")),
        "idva_agency": idva_agency,
        "children_in_household": bool(details.get("children_in_household", case.children_in_household)),
        "adults_at_risk_in_household": bool(
            details.get("adults_at_risk_in_household", case.adults_at_risk_in_household)
        ),
        "equality_monitoring": details.get("equality_monitoring") or {},
        **counts,
    }


def _clean_mappa(case: Case, details: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    request = details.get("mappa_request", "")
    if request not in MappaRequestType.values:
        err("mappa_request", "Say whether you are notifying or asking the responsible authority")
    subject = _person_in_case(case, details.get("mappa_subject"))
    if subject is None:
        err("mappa_subject", "Choose the person from the people in this case")
    category = details.get("mappa_category", "")
    if category not in MappaCategory.values:
        err("mappa_category", "Choose the MAPPA category")
    level = details.get("mappa_level", "")
    if level and level not in MappaLevel.values:
        err("mappa_level", "Choose the MAPPA level from the list")
    lead = None
    if details.get("mappa_lead_agency"):
        lead = Agency.objects.filter(pk=details["mappa_lead_agency"]).first()
        if lead is None:
            err("mappa_lead_agency", "Choose the lead agency")
    return {
        "mappa_request": request,
        "mappa_subject": subject,
        "mappa_category": category,
        "mappa_level": level,
        "mappa_lead_agency": lead,
        "visor_reference": (details.get("visor_reference") or "").strip(),
    }


def _clean_service(details: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    service_type = details.get("service_type", "")
    if service_type not in ServiceType.values:
        errors.setdefault("service_type", []).append("Choose the service you are referring to")
    return {"service_type": service_type, "service_detail": (details.get("service_detail") or "").strip()[:200]}


@transaction.atomic
def referral_create(
    *,
    by: User,
    case: Case,
    kind: str,
    reason: str,
    recipient_agency: Agency | None = None,
    urgent: bool = False,
    sharing_basis: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Referral:
    """A draft referral about ``case`` (owned by the caller's agency). ``details`` carries the kind's fields:

    - s42_concern: ``concern`` (default: the case's latest undecided concern); the recipient defaults to the local
      authority of the case's area;
    - marac: ``dash`` (default: the latest), ``victim`` (default: the adult), ``persons_causing_harm`` (default: the
      case's people alleged to cause harm), ``harm_relationship``, ``incident_date`` (required),
      ``police_callouts_12m``, ``da_incidents_12m``, ``professional_judgement`` (default: the DASH's), victim contact
      safety fields, ``idva_referred``/``idva_agency``, ``equality_monitoring``; the recipient is the area's MARAC
      coordinator; the criteria and the repeat flag are derived, never typed;
    - mappa: ``mappa_request``, ``mappa_subject``, ``mappa_category``, ``mappa_level``, ``mappa_lead_agency``,
      ``visor_reference``; the recipient is a responsible authority;
    - service: ``service_type``, ``service_detail``; any other agency.
    """
    now = now or timezone.now()
    details = dict(details or {})
    agency = _acting_agency(by)
    if case.owning_agency_id != agency.pk:
        raise ActionForbidden("Only the agency that owns the case can refer it.")
    if case.status == CaseStatus.CLOSED:
        raise TransitionNotAllowed("This case is closed: reopen it before referring it.")
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        raise InvalidInput.field("kind", "Choose the kind of referral")
    if not (reason or "").strip():
        errors["reason"] = ["Say why you are referring and what you are asking for"]
    basis = _clean_basis(kind, sharing_basis)
    recipient_user: User | None = None
    values: dict[str, Any] = {}
    harm: list[Person] = []
    area = case.area
    if kind == Kind.S42_CONCERN:
        values = _clean_s42(case, details, errors)
        recipient_agency = recipient_agency or local_authority_for(area)
        if recipient_agency is None or recipient_agency.agency_type != AgencyType.LOCAL_AUTHORITY_ASC:
            errors.setdefault("recipient_agency", []).append("Send a safeguarding concern to a local authority")
        elif not area.agencies.filter(pk=recipient_agency.pk).exists():
            errors.setdefault("recipient_agency", []).append("Choose the local authority for the case's area")
    elif kind == Kind.MARAC:
        values = _clean_marac(case, details, errors)
        harm = values.pop("harm", [])
        recipient_user = marac_coordinator(area)
        coordinator_agency = agency_of(recipient_user) if recipient_user else None
        if recipient_user is None or coordinator_agency is None:
            errors.setdefault("recipient_agency", []).append(
                "The area has no MARAC coordinator in its directory: ask your administrator"
            )
        else:
            recipient_agency = coordinator_agency
    elif kind == Kind.MAPPA:
        values = _clean_mappa(case, details, errors)
        if recipient_agency is None or recipient_agency.mappa_role != MappaRole.RESPONSIBLE_AUTHORITY:
            errors.setdefault("recipient_agency", []).append("Choose a MAPPA responsible authority")
    else:
        values = _clean_service(details, errors)
        if recipient_agency is None:
            errors.setdefault("recipient_agency", []).append("Choose the agency you are referring to")
    if recipient_agency is not None and recipient_agency.pk == agency.pk and kind != Kind.MARAC:
        errors.setdefault("recipient_agency", []).append("Choose another agency: your own already sees the case")
    if recipient_agency is not None and not recipient_agency.active:
        errors.setdefault("recipient_agency", []).append("That agency is no longer active")
    if not errors and (recipient_agency is None or recipient_agency.pk != agency.pk):
        errors.update(
            _basis_errors(
                case=case,
                kind=kind,
                basis=basis,
                reason=reason,
                recipient_agency=None if recipient_user is not None else recipient_agency,
                recipient_user=recipient_user,
            )
        )
    if errors:
        raise InvalidInput("The referral cannot be created as it stands.", errors=errors)
    assert recipient_agency is not None
    referral = Referral.objects.create(
        reference=_next_reference("RF", "referrals_referral_reference_seq", now),
        kind=kind,
        state=State.DRAFT,
        case=case,
        area=area,
        sender_agency=agency,
        sender_user=by,
        recipient_agency=recipient_agency,
        recipient_user=recipient_user,
        reason=reason.strip(),
        urgent=urgent,
        sharing_basis=basis,
        created_at=now,
        updated_at=now,
        **values,
    )
    if harm:
        referral.persons_causing_harm.set(harm)
    if kind == Kind.MARAC:
        _apply_repeat_rule(referral)
    _event(referral, "created", by=by, at=now, detail=referral.get_kind_display())
    return referral


def _apply_repeat_rule(referral: Referral) -> None:
    """Flag a repeat: a new incident, by its date, within 12 months of the last MARAC referral (any agency) for the
    same victim and person(s) causing harm. The criteria follow."""
    previous = previous_marac_referral(
        victim_id=referral.victim_id,
        causing_harm_ids=list(referral.persons_causing_harm.values_list("pk", flat=True)),
        incident_date=referral.incident_date,  # type: ignore[arg-type]
        exclude_id=referral.pk,
    )
    criteria = [c for c in referral.criteria if c != MaracCriterion.REPEAT]
    if previous is not None:
        criteria.append(MaracCriterion.REPEAT)
    Referral.objects.filter(pk=referral.pk).update(
        is_repeat=previous is not None,
        previous_referral=previous,
        repeat_rule_text=repeat_rule_text() if previous is not None else "",
        criteria=criteria,
    )
    referral.refresh_from_db()


# --- sending --------------------------------------------------------------------------------------------------------


def _decision_fields(kind: str, basis: dict[str, Any], reason: str) -> dict[str, Any]:
    """The sharing decision a referral of ``kind`` records, from the sender's basis and the kind's defaults."""
    defaults = SHARING_DEFAULTS[kind]
    return {
        "purpose": defaults["purpose"],
        "scope": defaults["scope"],
        "data_items": list(basis.get("data_items") or defaults["data_items"]),
        "special_category": list(basis.get("special_category", defaults["special_category"])),
        "lawful_basis_art6": basis.get("lawful_basis_art6") or defaults["lawful_basis_art6"],
        "condition_art9": basis.get("condition_art9") or defaults["condition_art9"],
        "dpa_sch1_condition": basis.get("dpa_sch1_condition") or defaults["dpa_sch1_condition"],
        "consent_status": basis.get("consent_status", ""),
        "override_reason": basis.get("override_reason", ""),
        "override_detail": basis.get("override_detail", ""),
        "capacity_assessment_id": basis.get("capacity_assessment_id"),
        "common_law_justification": basis.get("common_law_justification") or defaults["common_law_justification"],
        "rationale": basis.get("rationale") or reason,
        "adult_informed": bool(basis.get("adult_informed", False)),
        "adult_not_informed_reason": basis.get("adult_not_informed_reason", ""),
    }


def _basis_errors(
    *,
    case: Case,
    kind: str,
    basis: dict[str, Any],
    reason: str,
    recipient_agency: Agency | None,
    recipient_user: User | None,
) -> dict[str, list[str]]:
    """Check the sender's basis now, so a draft that could not be shared is refused with field errors at once."""
    fields = _decision_fields(kind, basis, reason)
    return validate_decision(
        shareable=shareable_for(Case),
        obj=case,
        owner_agency_id=case.owning_agency_id,
        direction=Direction.DISCLOSE,
        recipient_agency=recipient_agency,
        recipient_user=recipient_user,
        expires_at=None,
        approved_by=None,
        agreement=None,
        now=timezone.now(),
        **fields,
    )


def _share(
    referral: Referral,
    by: User,
    recipient_agency: Agency | None,
    recipient_user: User | None,
    agreement: SharingAgreement | None,
    now: datetime,
) -> SharingDecision:
    return share_record(
        obj=referral.case,
        decided_by=by,
        recipient_agency=recipient_agency,
        recipient_user=recipient_user,
        data_items_detail=referral.sharing_basis.get("data_items_detail", f"Referral {referral.reference}"),
        purpose_detail=f"Referral {referral.reference}",
        agreement=agreement,
        source=SOURCE,
        source_id=str(referral.pk),
        now=now,
        **_decision_fields(referral.kind, referral.sharing_basis, referral.reason),
    )


@transaction.atomic
def referral_send(*, referral: Referral, by: User, now: datetime | None = None) -> Referral:
    """Send a draft: record its sharing decision on the case, start its clocks and tell the recipient."""
    now = now or timezone.now()
    referral = _locked(referral)
    _require_sender(referral, by, "send")
    _require_state(referral, State.DRAFT, action="send")
    case = referral.case
    if case.status == CaseStatus.CLOSED:
        raise TransitionNotAllowed("This case is closed: reopen it before referring it.")
    agreement = None
    recipient_user: User | None = None
    recipient_agency: Agency | None = referral.recipient_agency
    if referral.kind == Kind.MARAC:
        if not referral.criteria:
            raise InvalidInput(
                "This referral meets no MARAC criterion.",
                errors={
                    "criteria": [
                        "A MARAC referral needs visible high risk, professional judgement (written out), potential "
                        "escalation or a repeat"
                    ]
                },
            )
        _apply_repeat_rule(referral)
        agreement = marac_agreement(referral.area)
        signatories = signatory_agency_ids(area_id=referral.area_id, purpose=Purpose.MARAC)
        if agreement is None or referral.sender_agency_id not in signatories:
            raise ActionForbidden("Only signatories of the area's MARAC information-sharing agreement can refer.")
        if referral.recipient_agency_id not in signatories:
            raise ActionForbidden("The MARAC coordinator's agency has not signed the area's MARAC agreement.")
        recipient_user, recipient_agency = referral.recipient_user, None
        if recipient_user is None or not recipient_user.is_active:
            raise InvalidInput.field("recipient_user", "The area's MARAC coordinator is not available")
    decision = None
    if referral.recipient_agency_id != referral.sender_agency_id:  # a coordinator in the sender's own agency sees it
        decision = _share(referral, by, recipient_agency, recipient_user, agreement, now)
    state = State.REFERRED if referral.kind == Kind.MARAC else State.SENT
    referral = _save(referral, now, state=state, sent_at=now, sharing_decision=decision)
    if referral.kind == Kind.S42_CONCERN and referral.concern is not None:
        concern_received_by_la(concern=referral.concern, at=now, by=by)
    clocks.referral_sent(referral=referral)
    _event(referral, "sent", by=by, at=now, detail=f"Sent to {referral.recipient_agency.name}")
    if referral.kind == Kind.MARAC and referral.idva_referred:
        _refer_to_idva(referral, by=by, now=now)
    _chronology(
        referral,
        f"{referral.get_kind_display()} {referral.reference} sent to {referral.recipient_agency.name}",
        by=by,
        agency=referral.sender_agency,
        at=now,
    )
    _tell(
        _recipients_of(referral),
        referral,
        "referral_received",
        f"Referral {referral.reference} received ({referral.get_kind_display().lower()})",
        "sent",
    )
    return referral


def _refer_to_idva(referral: Referral, *, by: User, now: datetime) -> None:
    """Every victim at MARAC threshold also goes to an IDVA (SafeLives principle 2): a service referral to the
    chosen IDVA service (else the area's), with its own sharing decision, sent alongside."""
    idva = referral.idva_agency or (
        referral.area.agencies.filter(agency_type=AgencyType.IDVA_SERVICE, active=True).order_by("name").first()
    )
    if idva is None or idva.pk == referral.sender_agency_id:
        return
    sibling = referral_create(
        by=by,
        case=referral.case,
        kind=Kind.SERVICE,
        reason=f"IDVA referral alongside MARAC referral {referral.reference}: support and safety planning.",
        recipient_agency=idva,
        urgent=referral.urgent,
        sharing_basis=referral.sharing_basis,
        details={"service_type": ServiceType.DOMESTIC_ABUSE_SUPPORT, "service_detail": "IDVA, alongside MARAC"},
        now=now,
    )
    referral_send(referral=sibling, by=by, now=now)
    Referral.objects.filter(pk=referral.pk).update(idva_agency=idva)
    _event(referral, "idva_referred", by=by, at=now, detail=f"Referral {sibling.reference} to {idva.name}")


# --- the receiving side ---------------------------------------------------------------------------------------------


@transaction.atomic
def referral_acknowledge(*, referral: Referral, by: User, now: datetime | None = None) -> Referral:
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.S42_CONCERN, Kind.MAPPA, Kind.SERVICE, action="acknowledge")
    _require_recipient(referral, by, "acknowledge")
    _require_state(referral, State.SENT, action="acknowledge")
    referral = _save(referral, now, state=State.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=by)
    clocks.referral_acknowledged(referral=referral, by=by)
    _event(referral, "acknowledged", by=by, at=now)
    _tell([referral.sender_user], referral, "referral_update", f"Referral {referral.reference} acknowledged", "ack")
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, by: User, note: str = "", now: datetime | None = None) -> Referral:
    """Accept (s42: taken for triage; MAPPA: the responsible authority records or links a nominal)."""
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.S42_CONCERN, Kind.MAPPA, Kind.SERVICE, action="accept")
    _require_recipient(referral, by, "accept")
    _require_state(referral, State.SENT, State.ACKNOWLEDGED, action="accept")
    values: dict[str, Any] = {"state": State.ACCEPTED, "accepted_at": now}
    if referral.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=by)
    referral = _save(referral, now, **values)
    if referral.kind == Kind.S42_CONCERN:
        clocks.referral_acknowledged(referral=referral, by=by)
    else:
        clocks.referral_answered(referral=referral, by=by)
    if referral.kind == Kind.MAPPA:
        _nominal_from_referral(referral, by=by, now=now)
    _event(referral, "accepted", by=by, at=now, detail=note.strip())
    _tell([referral.sender_user], referral, "referral_update", f"Referral {referral.reference} accepted", "accepted")
    return referral


def _end_sharing(referral: Referral, reason: str) -> None:
    """Revoke the referral's own decision (only that one) in the name of the person who made it."""
    decision = referral.sharing_decision
    if decision is not None and decision.revoked_at is None:
        revoke_by_source(source=SOURCE, source_id=str(referral.pk), by=decision.decided_by, reason=reason)


@transaction.atomic
def referral_decline(*, referral: Referral, by: User, reason: str, now: datetime | None = None) -> Referral:
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.S42_CONCERN, Kind.MAPPA, Kind.SERVICE, action="decline")
    _require_recipient(referral, by, "decline")
    _require_state(referral, State.SENT, State.ACKNOWLEDGED, action="decline")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "Say why you are declining the referral")
    referral = _save(referral, now, state=State.DECLINED, declined_at=now, decline_reason=reason.strip())
    _end_sharing(referral, f"Referral {referral.reference} declined: {reason.strip()}")
    clocks.referral_stopped(referral=referral, reason="Referral declined", by=by)
    _event(referral, "declined", by=by, at=now, detail=reason.strip())
    _chronology(
        referral,
        f"Referral {referral.reference} declined by {referral.recipient_agency.name}: {reason.strip()}",
        by=by,
        agency=referral.recipient_agency,
        at=now,
    )
    _tell([referral.sender_user], referral, "referral_update", f"Referral {referral.reference} declined", "declined")
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, by: User, reason: str, now: datetime | None = None) -> Referral:
    """The sender withdraws before acceptance (a draft is withdrawn too; a MARAC referral before it is listed)."""
    now = now or timezone.now()
    referral = _locked(referral)
    _require_sender(referral, by, "withdraw")
    allowed = (
        (State.DRAFT, State.REFERRED, State.NOT_LISTED)
        if referral.kind == Kind.MARAC
        else (
            State.DRAFT,
            *WITHDRAWABLE,
        )
    )
    _require_state(referral, *allowed, action="withdraw")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "Say why you are withdrawing the referral")
    was_sent = referral.state != State.DRAFT
    referral = _save(referral, now, state=State.WITHDRAWN, withdrawn_at=now, withdraw_reason=reason.strip())
    _end_sharing(referral, f"Referral {referral.reference} withdrawn: {reason.strip()}")
    clocks.referral_stopped(referral=referral, reason="Referral withdrawn", by=by)
    _event(referral, "withdrawn", by=by, at=now, detail=reason.strip())
    if was_sent:
        _chronology(referral, f"Referral {referral.reference} withdrawn", by=by, agency=referral.sender_agency, at=now)
        _tell(_recipients_of(referral), referral, "referral_update", f"Referral {referral.reference} withdrawn", "wd")
    return referral


@transaction.atomic
def referral_close(*, referral: Referral, by: User, note: str = "", now: datetime | None = None) -> Referral:
    """Close an accepted MAPPA or service referral (either side); an s42 referral closes with the LA's decision."""
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.MAPPA, Kind.SERVICE, action="close")  # s42: the LA's decision closes it
    if not (is_sender(referral, by) or is_recipient(referral, by)):
        raise ActionForbidden("Only the sending or receiving agency can close this referral.")
    _require_state(referral, State.ACCEPTED, action="close")
    referral = _save(referral, now, state=State.CLOSED, closed_at=now)
    clocks.referral_stopped(referral=referral, reason="Referral closed", by=by)
    _event(referral, "closed", by=by, at=now, detail=note.strip())
    return referral


@transaction.atomic
def referral_record_decision(
    *,
    referral: Referral,
    by: User,
    criterion_care_support_needs: str,
    criterion_abuse_or_risk: str,
    criterion_unable_to_protect: str,
    decision: str,
    not_s42_reasons: Iterable[str] = (),
    alternative_responses: Iterable[str] = (),
    rationale: str = "",
    enquiry_lead_agency: Agency | None = None,
    now: datetime | None = None,
) -> Referral:
    """The LA's decision on an s42 concern (``cases.services.record_la_decision`` writes it); the referrer is told,
    an s42 decision starts the strategy-discussion clock, and the referral closes."""
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.S42_CONCERN, action="record a decision on")
    _require_recipient(referral, by, "record the decision on")
    _require_state(referral, State.SENT, State.ACKNOWLEDGED, State.ACCEPTED, action="record a decision on")
    concern = referral.concern
    if concern is None:
        raise TransitionNotAllowed("This referral has no concern to decide on.")
    concern = record_la_decision(
        concern=concern,
        by=by,
        received_at=concern.received_by_la_at or referral.sent_at or now,
        criterion_care_support_needs=criterion_care_support_needs,
        criterion_abuse_or_risk=criterion_abuse_or_risk,
        criterion_unable_to_protect=criterion_unable_to_protect,
        decision=decision,
        not_s42_reasons=not_s42_reasons,
        alternative_responses=alternative_responses,
        rationale=rationale,
        enquiry_lead_agency=enquiry_lead_agency,
        referrer_told_at=now,
        now=now,
    )
    values: dict[str, Any] = {"state": State.CLOSED, "closed_at": now, "decision_recorded_at": now}
    if referral.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=by)
    if referral.accepted_at is None:
        values["accepted_at"] = now
    referral = _save(referral, now, **values)
    clocks.s42_decided(referral=referral, by=by)
    clocks.referral_stopped(referral=referral, reason="The local authority recorded its decision", by=by)
    if decision == "s42_enquiry":
        case = Case.objects.select_related("area").get(pk=referral.case_id)
        enquiry = case.enquiries.order_by("-started_at").first()
        lead = enquiry.lead_agency if enquiry is not None else referral.recipient_agency
        clocks.strategy_discussion_due(
            case=case,
            holder_agency=lead,
            holder_user=by if lead.pk == referral.recipient_agency_id else None,
            start=now,
        )
    _event(referral, "decision", by=by, at=now, detail=concern.get_decision_display())
    _tell(
        [referral.sender_user],
        referral,
        "referral_outcome",
        f"The local authority has decided on referral {referral.reference}",
        "decision",
    )
    return referral


# --- MARAC ----------------------------------------------------------------------------------------------------------


def _require_coordinator(referral: Referral, by: User, action: str) -> None:
    if is_recipient(referral, by):
        return
    holders = {
        u.pk
        for u in (
            directory_holder(area=referral.area, position=Position.MARAC_COORDINATOR),
            directory_holder(area=referral.area, position=Position.MARAC_CHAIR),
        )
        if u is not None
    }
    if by.pk not in holders:
        raise ActionForbidden(f"Only the area's MARAC coordinator can {action} this referral.")


@transaction.atomic
def marac_list(
    *,
    referral: Referral,
    by: User,
    intended_sitting_date: date,
    emergency: bool = False,
    emergency_reason: str = "",
    now: datetime | None = None,
) -> Referral:
    """The coordinator lists a referral for a sitting (or for an emergency MARAC)."""
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.MARAC, action="list")
    _require_coordinator(referral, by, "list")
    _require_state(referral, State.REFERRED, State.NOT_LISTED, State.LISTED, action="list")
    errors: dict[str, list[str]] = {}
    if not isinstance(intended_sitting_date, date):
        errors["intended_sitting_date"] = ["Enter the date of the sitting"]
    elif intended_sitting_date < timezone.localdate(now):
        errors["intended_sitting_date"] = ["The sitting must be today or later"]
    if emergency and not emergency_reason.strip():
        errors["emergency_reason"] = ["Say why this needs an emergency MARAC"]
    if errors:
        raise InvalidInput(errors=errors)
    state = State.EMERGENCY if emergency else State.LISTED
    referral = _save(
        referral,
        now,
        state=state,
        intended_sitting_date=intended_sitting_date,
        listed_at=now,
        listed_by=by,
        emergency_reason=emergency_reason.strip() if emergency else "",
    )
    clocks.marac_listing_decided(referral=referral, by=by)
    detail = f"For the sitting on {intended_sitting_date:%d %B %Y}"
    _event(referral, "emergency" if emergency else "listed", by=by, at=now, detail=detail)
    _tell([referral.sender_user], referral, "referral_update", f"MARAC referral {referral.reference} listed", "listed")
    return referral


@transaction.atomic
def marac_not_list(*, referral: Referral, by: User, reason: str, now: datetime | None = None) -> Referral:
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.MARAC, action="decide not to list")
    _require_coordinator(referral, by, "decide not to list")
    _require_state(referral, State.REFERRED, action="decide not to list")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "Give the reason for not listing the referral")
    referral = _save(referral, now, state=State.NOT_LISTED, not_listed_reason=reason.strip())
    clocks.marac_listing_decided(referral=referral, by=by)
    _event(referral, "not_listed", by=by, at=now, detail=reason.strip())
    _tell(
        [referral.sender_user],
        referral,
        "referral_update",
        f"MARAC referral {referral.reference} not listed: you may challenge",
        f"not-listed:{now.isoformat()}",
    )
    return referral


@transaction.atomic
def marac_challenge(
    *, referral: Referral, by: User, professional_judgement: str, now: datetime | None = None
) -> Referral:
    """The referrer challenges a decision not to list by writing out their professional judgement."""
    now = now or timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.MARAC, action="challenge")
    _require_sender(referral, by, "challenge")
    _require_state(referral, State.NOT_LISTED, action="challenge")
    text = (professional_judgement or "").strip()
    if len(text.split()) < 5:
        raise InvalidInput.field("professional_judgement", "Write out your professional judgement in full")
    criteria = list(referral.criteria)
    if MaracCriterion.PROFESSIONAL_JUDGEMENT not in criteria:
        criteria.append(MaracCriterion.PROFESSIONAL_JUDGEMENT)
    judgement = f"{referral.professional_judgement}\n\n{text}".strip()
    referral = _save(
        referral,
        now,
        state=State.REFERRED,
        challenge=text,
        challenged_at=now,
        professional_judgement=judgement,
        criteria=criteria,
    )
    clocks.referral_stopped(referral=referral, reason="Challenged", by=by)
    clocks.referral_sent(referral=referral)
    _event(referral, "challenged", by=by, at=now, detail=text)
    _tell(
        _recipients_of(referral), referral, "referral_update", f"MARAC referral {referral.reference} challenged", "ch"
    )
    return referral


def _marac_move(
    referral: Referral, by: User, *, to: str, allowed: tuple[str, ...], action: str, **values: Any
) -> Referral:
    now = timezone.now()
    referral = _locked(referral)
    _require_kind(referral, Kind.MARAC, action=action)
    _require_coordinator(referral, by, action)
    _require_state(referral, *allowed, action=action)
    referral = _save(referral, now, state=to, **values)
    _event(referral, to, by=by, at=now)
    return referral


@transaction.atomic
def marac_referral_heard(*, referral: Referral, by: User, meeting: Any = None) -> Referral:
    """The MARAC heard the referral (called by the meetings capability; ``meeting`` is recorded by id)."""
    return _marac_move(
        referral,
        by,
        to=State.HEARD,
        allowed=(State.LISTED, State.EMERGENCY),
        action="mark as heard",
        heard_at=timezone.now(),
        heard_meeting_id=getattr(meeting, "pk", None),
    )


@transaction.atomic
def marac_referral_actions_open(*, referral: Referral, by: User) -> Referral:
    return _marac_move(referral, by, to=State.ACTIONS_OPEN, allowed=(State.HEARD,), action="open actions on")


@transaction.atomic
def marac_referral_close(*, referral: Referral, by: User) -> Referral:
    """Close a heard MARAC referral (all its actions complete)."""
    referral = _marac_move(
        referral,
        by,
        to=State.CLOSED,
        allowed=(State.HEARD, State.ACTIONS_OPEN, State.NOT_LISTED),
        action="close",
        closed_at=timezone.now(),
    )
    clocks.referral_stopped(referral=referral, reason="MARAC referral closed", by=by)
    return referral


# --- strategy discussion (met by the meetings capability) -----------------------------------------------------------


@transaction.atomic
def strategy_discussion_held(*, case: Case, by: User, held_at: datetime) -> Any:
    """Meet the strategy-discussion clock an s42 decision started on ``case``. Returns the deadline, or None when
    no clock was open. A chronology entry records when it was held."""
    deadline = clocks.strategy_discussion_met(case=case, by=by)
    if deadline is not None:
        chronology_add_automatic(
            case=case,
            summary="Strategy discussion held",
            agency=_acting_agency(by),
            entry_type=EntryType.MEETING,
            by=by,
            event_date=held_at,
        )
    return deadline


# --- MAPPA nominals -------------------------------------------------------------------------------------------------


def _require_responsible_authority(by: User) -> Agency:
    agency = _acting_agency(by)
    if agency.mappa_role != MappaRole.RESPONSIBLE_AUTHORITY:
        raise ActionForbidden("Only a MAPPA responsible authority manages nominals.")
    return agency


@transaction.atomic
def nominal_create(
    *,
    by: User,
    person: Person,
    category: str,
    lead_agency: Agency,
    level: str = "",
    case: Case | None = None,
    area: Area | None = None,
    visor_reference: str = "",
    inclusion_end_basis: str = "",
    critical_public_protection_case: bool = False,
    named_agencies: Iterable[Agency] = (),
    now: datetime | None = None,
) -> MappaNominal:
    now = now or timezone.now()
    agency = _require_responsible_authority(by)
    errors: dict[str, list[str]] = {}
    if category not in MappaCategory.values:
        errors["category"] = ["Choose the MAPPA category"]
    if level and level not in MappaLevel.values:
        errors["level"] = ["Choose the MAPPA level from the list"]
    area = area or (case.area if case is not None else agency.areas.order_by("name").first())
    if area is None:
        errors["area"] = ["Choose the area"]
    if errors:
        raise InvalidInput(errors=errors)
    assert area is not None
    nominal = MappaNominal.objects.create(
        reference=_next_reference("MN", "referrals_nominal_reference_seq", now),
        person=person,
        case=case,
        area=area,
        responsible_authority=agency,
        category=category,
        level=level,
        status=NominalStatus.ACTIVE if level else NominalStatus.IDENTIFIED,
        lead_agency=lead_agency,
        visor_reference=visor_reference.strip(),
        inclusion_end_basis=inclusion_end_basis.strip(),
        critical_public_protection_case=critical_public_protection_case,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    nominal.named_agencies.set([a for a in named_agencies if a.pk != agency.pk])
    _schedule_review(nominal, now)
    return nominal


def _schedule_review(nominal: MappaNominal, start: datetime) -> None:
    deadline = clocks.mappa_review_scheduled(nominal=nominal, start=start)
    MappaNominal.objects.filter(pk=nominal.pk).update(next_review_due=deadline.due_at if deadline else None)
    nominal.refresh_from_db()


@transaction.atomic
def nominal_review(*, nominal: MappaNominal, by: User, level: str, now: datetime | None = None) -> MappaNominal:
    """Record a review: the level now (L1 ↔ L2 ↔ L3); the next review clock follows the new level."""
    now = now or timezone.now()
    agency = _require_responsible_authority(by)
    nominal = MappaNominal.objects.select_for_update().get(pk=nominal.pk)
    if nominal.responsible_authority_id != agency.pk:
        raise ActionForbidden("Only the nominal's responsible authority can review it.")
    if nominal.status == NominalStatus.EXITED:
        raise TransitionNotAllowed("This nominal has exited MAPPA.")
    if level not in MappaLevel.values:
        raise InvalidInput.field("level", "Choose the MAPPA level")
    clocks.mappa_review_stopped(nominal=nominal, by=by, met=True)
    MappaNominal.objects.filter(pk=nominal.pk).update(
        level=level, status=NominalStatus.ACTIVE, last_reviewed_at=now, updated_at=now, version=F("version") + 1
    )
    nominal.refresh_from_db()
    _schedule_review(nominal, now)
    return nominal


@transaction.atomic
def nominal_exit(*, nominal: MappaNominal, by: User, reason: str, now: datetime | None = None) -> MappaNominal:
    now = now or timezone.now()
    agency = _require_responsible_authority(by)
    nominal = MappaNominal.objects.select_for_update().get(pk=nominal.pk)
    if nominal.responsible_authority_id != agency.pk:
        raise ActionForbidden("Only the nominal's responsible authority can end MAPPA management.")
    if nominal.status == NominalStatus.EXITED:
        raise TransitionNotAllowed("This nominal has already exited MAPPA.")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "Say why MAPPA management has ended")
    clocks.mappa_review_stopped(nominal=nominal, by=by, met=False, reason=reason.strip())
    MappaNominal.objects.filter(pk=nominal.pk).update(
        status=NominalStatus.EXITED,
        exited_at=now,
        inclusion_end_basis=reason.strip(),
        next_review_due=None,
        updated_at=now,
        version=F("version") + 1,
    )
    nominal.refresh_from_db()
    return nominal


@transaction.atomic
def nominal_name_agencies(
    *, nominal: MappaNominal, by: User, agencies: Iterable[Agency], now: datetime | None = None
) -> MappaNominal:
    """The responsible authority names the agencies that may see the nominal (replacing the list); the others lose
    sight of it at once."""
    now = now or timezone.now()
    agency = _require_responsible_authority(by)
    nominal = MappaNominal.objects.select_for_update().get(pk=nominal.pk)
    if nominal.responsible_authority_id != agency.pk:
        raise ActionForbidden("Only the nominal's responsible authority names who may see it.")
    named = [a for a in agencies if a.pk != agency.pk]
    if any(not a.active for a in named):
        raise InvalidInput.field("named_agency_ids", "Choose active agencies")
    nominal.named_agencies.set(named)
    MappaNominal.objects.filter(pk=nominal.pk).update(updated_at=now, version=F("version") + 1)
    nominal.refresh_from_db()
    return nominal


def _nominal_from_referral(referral: Referral, *, by: User, now: datetime) -> None:
    """On accepting MAPPA information, the responsible authority records (or links) the nominal and names the
    sending agency, so both see it and nobody else does."""
    person = referral.mappa_subject
    if person is None:
        return
    nominal = (
        MappaNominal.objects.filter(
            person=person,
            responsible_authority=referral.recipient_agency,
            status__in=["identified", "screened", "active"],
        )
        .order_by("-created_at")
        .first()
    )
    if nominal is None:
        nominal = nominal_create(
            by=by,
            person=person,
            category=referral.mappa_category,
            level=referral.mappa_level,
            lead_agency=referral.mappa_lead_agency or referral.recipient_agency,
            case=referral.case,
            area=referral.area,
            visor_reference=referral.visor_reference,
            named_agencies=[referral.sender_agency],
            now=now,
        )
    else:
        nominal.named_agencies.add(referral.sender_agency)
    Referral.objects.filter(pk=referral.pk).update(nominal=nominal)
    referral.refresh_from_db()
