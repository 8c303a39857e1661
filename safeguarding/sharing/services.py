"""The lawful information-sharing engine. A recorded decision is the permission: after any decision is made, revoked
or expires, the grants for that (record, recipient) are recomputed from all its live decisions — the widest scope
wins — so one decision ending never removes access another still justifies.

Grant rows: one per scope level L (summary, full, contribute), expiring at the latest expiry among the live
decisions whose scope is at least L. So access narrows and ends exactly on time without waiting for a sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency
from safeguarding.organisations.selectors import agency_leads, agency_of
from safeguarding.roles import SHARING_DECIDER_ROLES, Role, reaches_case_data
from safeguarding.sharing.codes import (
    CONSENTED,
    DEFAULT_EXPIRY,
    MIN_RATIONALE,
    SCOPE_ORDER,
    CommonLawJustification,
    ConditionArt9,
    ConsentStatus,
    DataItem,
    Direction,
    DpaSchedule1Condition,
    LawfulBasisArt6,
    OverrideReason,
    Purpose,
    Scope,
    SpecialCategory,
)
from safeguarding.sharing.models import SharingAgreement, SharingDecision
from safeguarding.sharing.registry import Shareable, shareable_for, shareables

MAX_EXPIRY = timedelta(days=730)
NEEDS_SCHEDULE_1 = (
    ConditionArt9.SOCIAL_PROTECTION,
    ConditionArt9.SUBSTANTIAL_PUBLIC_INTEREST,
    ConditionArt9.HEALTH_SOCIAL_CARE,
)


def default_expiry(purpose: str, now: datetime) -> datetime:
    days = getattr(settings, "SHARING_DEFAULT_EXPIRY_DAYS", {}).get(purpose)
    return now + (timedelta(days=days) if days else DEFAULT_EXPIRY.get(Purpose(purpose), timedelta(days=30)))


def may_decide(user: User, owner_agency_id: Any) -> bool:
    """Only staff of the record's owning agency (deciding roles) may disclose or refuse; grantees never share on."""
    agency = agency_of(user)
    return bool(agency is not None and agency.pk == owner_agency_id and user.has_role(*SHARING_DECIDER_ROLES))


def _substantive(text: str) -> bool:
    words = [w for w in text.split() if w.strip()]
    return len(text.strip()) >= MIN_RATIONALE and len(words) >= 4 and len({w.lower() for w in words}) >= 3


def validate_decision(
    *,
    shareable: Shareable,
    obj: models.Model,
    owner_agency_id: Any,
    direction: str,
    recipient_agency: Agency | None,
    recipient_user: User | None,
    purpose: str,
    scope: str,
    data_items: list[str],
    special_category: list[str],
    lawful_basis_art6: str,
    condition_art9: str,
    dpa_sch1_condition: str,
    consent_status: str,
    override_reason: str,
    override_detail: str,
    capacity_assessment_id: Any,
    common_law_justification: str,
    rationale: str,
    adult_informed: bool,
    adult_not_informed_reason: str,
    expires_at: datetime | None,
    approved_by: User | None,
    agreement: SharingAgreement | None,
    now: datetime,
) -> dict[str, list[str]]:
    """Every rule a decision must satisfy; impossible combinations are refused with field errors."""
    e: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        e.setdefault(name, []).append(message)

    if direction not in Direction.values:
        add("direction", "Choose whether you are sharing or refusing to share")
    if (recipient_agency is None) == (recipient_user is None):
        add("recipient", "Choose one recipient: an agency or a named person")
    if recipient_agency is not None:
        if recipient_agency.pk == owner_agency_id:
            add("recipient_agency", "Your own agency already sees its records")
        elif not recipient_agency.active:
            add("recipient_agency", "That agency is no longer active")
    if recipient_user is not None:
        user_agency = agency_of(recipient_user)
        if user_agency is not None and user_agency.pk == owner_agency_id:
            add("recipient_user", "People in your own agency already see its records")
        if not recipient_user.is_active or not reaches_case_data(recipient_user.roles):
            add("recipient_user", "That person's role cannot receive case information")
    if purpose not in Purpose.values:
        add("purpose", "Choose the purpose of sharing")
    if not _substantive(rationale or ""):
        add("rationale", f"Explain the decision in your own words (at least {MIN_RATIONALE} characters)")
    if consent_status not in ConsentStatus.values:
        add("consent_status", "Record the adult's consent position")
    if not adult_informed and not (adult_not_informed_reason or "").strip():
        add("adult_not_informed_reason", "Say why the adult has not been told (be open unless that is unsafe)")
    if direction == Direction.DISCLOSE:
        if scope not in Scope.values:
            add("scope", "Choose how much to share: summary, full or contribute")
        if not data_items:
            add("data_items", "Choose what is shared (the minimum necessary)")
        elif any(d not in DataItem.values for d in data_items):
            add("data_items", "Choose data items from the list")
        if lawful_basis_art6 not in LawfulBasisArt6.values:
            add("lawful_basis_art6", "Choose the Article 6 lawful basis")
        if any(c not in SpecialCategory.values for c in special_category):
            add("special_category", "Choose special categories from the list")
        if special_category or DataItem.HEALTH in data_items:
            if condition_art9 not in ConditionArt9.values:
                add("condition_art9", "Special category data (such as health) needs an Article 9 condition")
            elif condition_art9 in NEEDS_SCHEDULE_1 and dpa_sch1_condition not in DpaSchedule1Condition.values:
                add("dpa_sch1_condition", "This Article 9 condition needs a DPA 2018 Schedule 1 condition")
        elif condition_art9 and condition_art9 not in ConditionArt9.values:
            add("condition_art9", "Choose an Article 9 condition from the list")
        consented = consent_status in CONSENTED
        if lawful_basis_art6 == LawfulBasisArt6.CONSENT and not consented:
            add("lawful_basis_art6", "Consent cannot be the lawful basis when the adult has not consented")
        if condition_art9 == ConditionArt9.EXPLICIT_CONSENT and not consented:
            add("condition_art9", "Explicit consent cannot be the condition when the adult has not consented")
        if not consented:
            if override_reason not in OverrideReason.values:
                add("override_reason", "Sharing without consent needs the reason consent was overridden")
            if not (override_detail or "").strip():
                add("override_detail", "Explain why sharing without consent is justified here")
        lacks = consent_status == ConsentStatus.LACKS_CAPACITY or override_reason == OverrideReason.LACKS_CAPACITY
        if lacks:
            if not capacity_assessment_id:
                add("capacity_assessment_id", "Link the capacity assessment that found the adult lacks capacity")
            elif shareable.capacity_assessment_belongs and not shareable.capacity_assessment_belongs(
                obj, capacity_assessment_id
            ):
                add(
                    "capacity_assessment_id",
                    "Choose a capacity assessment on this record that found a lack of capacity",
                )
        if common_law_justification and common_law_justification not in CommonLawJustification.values:
            add("common_law_justification", "Choose a common-law justification from the list")
        if expires_at is not None and (expires_at <= now or expires_at > now + MAX_EXPIRY):
            add("expires_at", "The expiry must be in the future and within two years")
    else:
        if scope:
            add("scope", "A refusal shares nothing: leave the scope empty")
    if approved_by is not None:
        approver_agency = agency_of(approved_by)
        if (
            approver_agency is None
            or approver_agency.pk != owner_agency_id
            or not approved_by.has_role(Role.CALDICOTT_GUARDIAN, Role.SAFEGUARDING_LEAD)
        ):
            add("approved_by", "The approver must be your agency's Caldicott guardian or a safeguarding lead")
    if agreement is not None and (not agreement.active or agreement.purpose != purpose):
        add("agreement", "The agreement must be active and cover this purpose")
    return e


@transaction.atomic
def share_record(
    *,
    obj: models.Model,
    decided_by: User,
    purpose: str,
    rationale: str,
    consent_status: str,
    direction: str = Direction.DISCLOSE,
    recipient_agency: Agency | None = None,
    recipient_user: User | None = None,
    scope: str = "",
    data_items: Iterable[str] = (),
    data_items_detail: str = "",
    special_category: Iterable[str] = (),
    lawful_basis_art6: str = "",
    condition_art9: str = "",
    dpa_sch1_condition: str = "",
    override_reason: str = "",
    override_detail: str = "",
    capacity_assessment_id: Any = None,
    common_law_justification: str = "",
    approved_by: User | None = None,
    adult_informed: bool = False,
    adult_informed_at: datetime | None = None,
    adult_not_informed_reason: str = "",
    expires_at: datetime | None = None,
    purpose_detail: str = "",
    agreement: SharingAgreement | None = None,
    source: str = "manual",
    source_id: str = "",
    now: datetime | None = None,
) -> SharingDecision:
    """Record a decision to disclose (or, with ``direction="refuse"``, not to disclose) and derive the grants."""
    now = now or timezone.now()
    shareable = shareable_for(type(obj))
    owner_agency_id = shareable.owner_agency_id(obj)
    if not may_decide(decided_by, owner_agency_id):
        raise ActionForbidden(
            "Only the owning agency decides who may see this record. Ask it through an information request."
        )
    items, categories = list(dict.fromkeys(data_items)), list(dict.fromkeys(special_category))
    if direction == Direction.DISCLOSE and expires_at is None and purpose in Purpose.values:
        expires_at = default_expiry(purpose, now)
    errors = validate_decision(
        shareable=shareable,
        obj=obj,
        owner_agency_id=owner_agency_id,
        direction=direction,
        recipient_agency=recipient_agency,
        recipient_user=recipient_user,
        purpose=purpose,
        scope=scope,
        data_items=items,
        special_category=categories,
        lawful_basis_art6=lawful_basis_art6,
        condition_art9=condition_art9,
        dpa_sch1_condition=dpa_sch1_condition,
        consent_status=consent_status,
        override_reason=override_reason,
        override_detail=override_detail,
        capacity_assessment_id=capacity_assessment_id,
        common_law_justification=common_law_justification,
        rationale=rationale,
        adult_informed=adult_informed,
        adult_not_informed_reason=adult_not_informed_reason,
        expires_at=expires_at,
        approved_by=approved_by,
        agreement=agreement,
        now=now,
    )
    if errors:
        raise InvalidInput("The sharing decision cannot be recorded as it stands.", errors=errors)
    decision = SharingDecision.objects.create(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        owner_agency_id=owner_agency_id,
        direction=direction,
        recipient_agency=recipient_agency,
        recipient_user=recipient_user,
        purpose=purpose,
        purpose_detail=purpose_detail,
        scope=scope if direction == Direction.DISCLOSE else "",
        data_items=items,
        data_items_detail=data_items_detail.strip(),
        special_category=categories,
        lawful_basis_art6=lawful_basis_art6,
        condition_art9=condition_art9,
        dpa_sch1_condition=dpa_sch1_condition,
        consent_status=consent_status,
        override_reason=override_reason if consent_status not in CONSENTED else "",
        override_detail=override_detail.strip(),
        capacity_assessment_id=capacity_assessment_id,
        common_law_justification=common_law_justification,
        rationale=rationale.strip(),
        decided_by=decided_by,
        decided_at=now,
        approved_by=approved_by,
        adult_informed=adult_informed,
        adult_informed_at=adult_informed_at or (now if adult_informed else None),
        adult_not_informed_reason=adult_not_informed_reason.strip(),
        expires_at=expires_at if direction == Direction.DISCLOSE else None,
        agreement=agreement,
        source=source,
        source_id=source_id,
        created_at=now,
    )
    if direction == Direction.DISCLOSE:
        recompute_grants(obj=obj, recipient_agency=recipient_agency, recipient_user=recipient_user, now=now)
        label = shareable.label(obj)
        notify(
            recipients=_recipient_people(recipient_agency, recipient_user),
            kind="shared_with_you",
            title=f"{label} has been shared with you ({Purpose(purpose).label})",
            target=obj,
            dedupe_key=f"decision:{decision.pk}",
        )
    if shareable.on_shared is not None:
        shareable.on_shared(obj, decision)
    return decision


def refuse_share(**kwargs: Any) -> SharingDecision:
    """Record a decision not to share (SafeLives asks agencies to record these too)."""
    return share_record(direction=Direction.REFUSE, **kwargs)


@transaction.atomic
def revoke_share(*, decision: SharingDecision, by: User, reason: str, now: datetime | None = None) -> SharingDecision:
    now = now or timezone.now()
    decision = SharingDecision.objects.select_for_update().get(pk=decision.pk)
    if not may_decide(by, decision.owner_agency_id):
        raise ActionForbidden("Only the owning agency can revoke its sharing decisions.")
    if decision.direction != Direction.DISCLOSE:
        raise TransitionNotAllowed("A refusal shares nothing and cannot be revoked.")
    if decision.revoked_at is not None:
        raise TransitionNotAllowed("This decision has already been revoked.")
    if not reason or not reason.strip():
        raise InvalidInput.field("reason", "Say why the decision is being revoked")
    SharingDecision.objects.filter(pk=decision.pk).update(revoked_at=now, revoked_by=by, revoked_reason=reason.strip())
    decision.refresh_from_db()
    obj: Any = decision.subject
    recompute_grants(
        obj=obj, recipient_agency=decision.recipient_agency, recipient_user=decision.recipient_user, now=now
    )
    shareable = shareable_for(type(obj))
    notify(
        recipients=_recipient_people(decision.recipient_agency, decision.recipient_user),
        kind="share_revoked",
        title=f"A share of {shareable.label(obj)} was revoked",
        target=obj,
        dedupe_key=f"decision-revoked:{decision.pk}",
    )
    if shareable.on_shared is not None:
        shareable.on_shared(obj, decision)
    return decision


def revoke_by_source(*, source: str, source_id: str, by: User, reason: str) -> int:
    """Revoke the live decisions a source (e.g. one referral) made, leaving every other decision in force."""
    count = 0
    for decision in SharingDecision.objects.filter(
        source=source, source_id=source_id, revoked_at=None, direction=Direction.DISCLOSE
    ):
        revoke_share(decision=decision, by=by, reason=reason)
        count += 1
    return count


def _recipient_people(agency: Agency | None, user: User | None) -> list[User]:
    if user is not None:
        return [user]
    return agency_leads(agency) if agency is not None else []


def recompute_grants(
    *, obj: models.Model, recipient_agency: Agency | None, recipient_user: User | None, now: datetime | None = None
) -> None:
    """Derive the grant rows for one (record, recipient) from all its live decisions. The only writer of grants."""
    now = now or timezone.now()
    shareable = shareable_for(type(obj))
    live = SharingDecision.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        direction=Direction.DISCLOSE,
        revoked_at=None,
        expires_at__gt=now,
    )
    if recipient_user is not None:
        live = live.filter(recipient_user=recipient_user)
        grants = shareable.user_grant_model._default_manager.filter(content_object=obj, user=recipient_user)
        principal: dict[str, Any] = {"user": recipient_user}
    else:
        assert recipient_agency is not None
        live = live.filter(recipient_agency=recipient_agency, recipient_user=None)
        grants = shareable.group_grant_model._default_manager.filter(content_object=obj, group=recipient_agency.group)
        principal = {"group": recipient_agency.group}
    list(grants.select_for_update())  # serialise recomputes of the same (record, recipient)
    decisions = list(live.values_list("scope", "expires_at"))
    wanted: dict[str, datetime] = {}
    for level in (Scope.SUMMARY, Scope.FULL, Scope.CONTRIBUTE):
        expiries = [
            exp for scope, exp in decisions if exp is not None and SCOPE_ORDER[Scope(scope)] >= SCOPE_ORDER[level]
        ]
        if expiries:
            wanted[shareable.codenames[level]] = max(expiries)
    existing: dict[str, Any] = {g.permission.codename: g for g in grants.select_related("permission")}  # type: ignore[attr-defined]
    for codename, row in existing.items():
        if codename not in wanted:
            row.delete()
    model = grants.model
    for codename, expiry in wanted.items():
        grant = existing.get(codename)
        if grant is None:
            model(
                content_object=obj, permission=_permission(shareable, codename), expires_at=expiry, **principal
            ).save()
        elif grant.expires_at != expiry:
            grant.expires_at = expiry
            grant.save(update_fields=["expires_at"])


def _permission(shareable: Shareable, codename: str) -> Permission:
    return Permission.objects.get(content_type=ContentType.objects.get_for_model(shareable.model), codename=codename)


def expire_shares(*, now: datetime | None = None, batch: int = 500) -> int:
    """Drop grant rows past their expiry (access already ended at ``expires_at``) and tell the recipients."""
    now = now or timezone.now()
    handled = 0
    for shareable in shareables():
        for model, principal in ((shareable.user_grant_model, "user"), (shareable.group_grant_model, "group")):
            expired = list(
                model._default_manager.filter(expires_at__lte=now)
                .values_list("content_object_id", f"{principal}_id")
                .distinct()[:batch]
            )
            for object_id, principal_id in expired:
                handled += _expire_one(shareable, object_id, principal, principal_id, now)
    return handled


@transaction.atomic
def _expire_one(shareable: Shareable, object_id: Any, principal: str, principal_id: Any, now: datetime) -> int:
    obj = shareable.model._default_manager.filter(pk=object_id).first()
    if obj is None:
        return 0
    if principal == "user":
        user = User.objects.get(pk=principal_id)
        recompute_grants(obj=obj, recipient_agency=None, recipient_user=user, now=now)
        people = [user]
        key = f"user:{principal_id}"
    else:
        agency = Agency.objects.get(group_id=principal_id)
        recompute_grants(obj=obj, recipient_agency=agency, recipient_user=None, now=now)
        people = agency_leads(agency)
        key = f"agency:{agency.pk}"
    notify(
        recipients=people,
        kind="share_expired",
        title=f"Access to {shareable.label(obj)} has ended (share expired)",
        target=obj,
        dedupe_key=f"share-expired:{object_id}:{key}:{now:%Y%m%d%H%M}",
    )
    return 1
