"""Account lifecycle: credential changes, MFA resets by an admin or lead, deactivation and reactivation.

Checklist A4 (MFA reset only by an admin or lead, with an identity check), S3 (deactivation ends every session and
token at once), S4 (the views require a recent re-authentication before credential changes) and L2 (each change is
an authentication event).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from safeguarding import registry
from safeguarding.accounts import services
from safeguarding.accounts.models import AuthEventType, RecoveryCode, User, UserSession
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.queue import enqueue_on_commit
from safeguarding.roles import LEAD_ROLES, Role

# Who may reset another person's authenticator (checklist A4): their agency's admins and safeguarding leads.
MFA_RESET_ROLES = frozenset({Role.AGENCY_ADMIN, *LEAD_ROLES})
# Who may deactivate an account: their agency's admins.
DEACTIVATE_ROLES = frozenset({Role.AGENCY_ADMIN})


class IdentityCheck:
    """How the person asking for an MFA reset proved who they are. Recorded with the reset."""

    IN_PERSON = "in_person_photo_id"
    VIDEO = "video_call_photo_id"
    CALL_BACK = "call_back_directory_number"
    LINE_MANAGER = "line_manager_confirmed"

    CHOICES = (
        (IN_PERSON, "In person, with photo ID"),
        (VIDEO, "Video call, with photo ID shown"),
        (CALL_BACK, "Called back on the number in the staff directory"),
        (LINE_MANAGER, "Confirmed by their line manager"),
    )
    LABELS = dict(CHOICES)


def _same_agency(actor: User, target: User) -> bool:
    a, t = actor.agency_membership, target.agency_membership
    return a is not None and t is not None and a.agency_id == t.agency_id


def may_reset_mfa(actor: User, target: User) -> bool:
    if actor.pk == target.pk:
        return False
    return actor.is_superuser or (_same_agency(actor, target) and actor.has_role(*MFA_RESET_ROLES))


def may_deactivate(actor: User, target: User) -> bool:
    if actor.pk == target.pk:
        return False
    return actor.is_superuser or (_same_agency(actor, target) and actor.has_role(*DEACTIVATE_ROLES))


# --- the user's own credentials --------------------------------------------------------------------------------


def password_change(*, user: User, new_password: str, current_session_key: str | None) -> int:
    """Set a new password. Django's session hash already invalidates every other session of the user, so their
    rows are ended here too (the list of sessions must tell the truth). Returns how many other sessions ended."""
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput(errors={"new_password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        services.auth_event_record(event_type=AuthEventType.PASSWORD_CHANGED, user=user, actor=user)
        ended = services.sessions_end_all(user=user, reason="password_changed", by=user, except_key=current_session_key)
    return ended


def email_change(*, user: User, new_email: str) -> User:
    """Change the sign-in email. The old address is told (no names or new address in the message)."""
    email = User.objects.normalize_email(new_email.strip()).lower()
    if not email or "@" not in email:
        raise InvalidInput.field("email", "Enter an email address in the correct format, like name@example.nhs.uk")
    if email == user.email:
        raise InvalidInput.field("email", "Enter a different email address from your current one")
    taken = InvalidInput.field("email", "Another account already uses this email address")
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise taken
    old_email = user.email
    with transaction.atomic():
        try:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(email=email)
        except IntegrityError as exc:  # taken by a concurrent change since the check above
            raise taken from exc
        user.email = email
        services.auth_event_record(event_type=AuthEventType.EMAIL_CHANGED, user=user, actor=user)
        from safeguarding.accounts.tasks import send_account_notice

        enqueue_on_commit(send_account_notice, old_email, "email_changed")
    return user


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working); the new ones are returned once."""
    with transaction.atomic():
        codes = services.recovery_codes_issue(user=user)
        services.auth_event_record(event_type=AuthEventType.RECOVERY_CODES_ISSUED, user=user, actor=user)
    return codes


def authenticator_replace(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator (re-enrolment by the user). The old device and recovery codes are replaced;
    returns the new recovery codes, or None when the code from the new app is wrong."""
    if device.user_id != user.pk or device.confirmed:
        raise ActionForbidden("This authenticator cannot be confirmed here.")
    with transaction.atomic():
        if not services.mfa_enrol_confirm(device=device, code=code):
            return None
        codes = services.recovery_codes_issue(user=user)
        services.auth_event_record(
            event_type=AuthEventType.MFA_RESET, user=user, actor=user, detail="replaced by the user"
        )
    return codes


# --- an admin or lead acting on someone else --------------------------------------------------------------------


@dataclass(frozen=True)
class MfaResetResult:
    enrolment_link: str
    sessions_ended: int


def mfa_reset(*, user: User, by: User, identity_check: str, identity_note: str) -> MfaResetResult:
    """Reset another person's MFA after checking who they are (checklist A4).

    Deletes their authenticator and recovery codes, ends their sessions, and issues a one-time enrolment link
    (shown once to ``by``, to pass on) with which they set a password and a new authenticator.
    """
    if not may_reset_mfa(by, user):
        raise ActionForbidden("Only an administrator or safeguarding lead of their agency can reset this.")
    if not user.is_active:
        raise TransitionNotAllowed("This account is deactivated.")
    if identity_check not in IdentityCheck.LABELS:
        raise InvalidInput.field("identity_check", "Select how you confirmed who they are")
    note = " ".join(identity_note.split())
    if len(note) < 10:
        raise InvalidInput.field("identity_note", "Describe how you confirmed who they are, in at least 10 characters")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        ended = services.sessions_end_all(user=user, reason="mfa_reset", by=by)
        services.auth_event_record(
            event_type=AuthEventType.MFA_RESET,
            user=user,
            actor=by,
            detail=f"identity: {IdentityCheck.LABELS[identity_check]}; note: {note}",
        )
        link = services.enrolment_link_issue(user=user, by=by)
    return MfaResetResult(enrolment_link=link, sessions_ended=ended)


def _end_every_session(*, user: User, reason: str, by: User | None) -> int:
    """End the tracked sessions, then any other server-side session still holding the user (one that never
    passed MFA has no tracking row). Returns the number of tracked sessions ended."""
    ended = services.sessions_end_all(user=user, reason=reason, by=by)
    now = timezone.now()
    user_id = str(user.pk)
    stale = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=now).iterator(chunk_size=500)
        if s.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=stale).delete()
    return ended


def user_deactivate(*, user: User, by: User | None, reason: str) -> int:
    """Deactivate an account at once (checklist S3): no more sign-ins, every session and API token ended, and the
    leaver's open work (from the leaver registry) put on their line manager's reassignment list.

    Returns the number of reassignment items created. ``by`` is None only for operator commands.
    """
    if by is not None and not may_deactivate(by, user):
        raise ActionForbidden("Only an administrator of their agency can deactivate this account.")
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput.field("reason", "Give the reason for deactivating the account")
    from safeguarding.leavers.services import reassignment_items_create

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise TransitionNotAllowed("This account is already deactivated.")
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=now)
        user.is_active, user.deactivated_at = False, now
        _end_every_session(user=user, reason="deactivated", by=by)
        tokens = AuthToken.objects.filter(user=user).delete()[0]
        services.auth_event_record(
            event_type=AuthEventType.DEACTIVATED,
            user=user,
            actor=by,
            detail=f"{reason[:250]} ({tokens} API token{'s' if tokens != 1 else ''} revoked)",
        )
        items = reassignment_items_create(leaver=user, items=registry.open_work_for(user))
    return len(items)


def user_reactivate(*, user: User, by: User | None) -> User:
    """Let a deactivated account sign in again (its sessions and tokens stay ended; it keeps its MFA)."""
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True, deactivated_at=None)
        if not updated:
            raise TransitionNotAllowed("This account is already active.")
        user.is_active, user.deactivated_at = True, None
        services.auth_event_record(event_type=AuthEventType.REACTIVATED, user=user, actor=by)
    return user


def open_sessions_end_one(*, user: User, public_id: str, current_session_key: str | None) -> bool:
    """End one of ``user``'s own other sessions (not the one making the request: that is "sign out")."""
    row = UserSession.objects.filter(user=user, public_id=public_id, ended_at=None).first()
    if row is None:
        return False
    if row.session_key == current_session_key:
        raise TransitionNotAllowed("To end this session, sign out.")
    return services.session_end(session_key=row.session_key, reason="ended_by_user", by=user)
