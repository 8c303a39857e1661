"""Account services: authentication events, browser sessions, enrolment links, MFA devices and recovery codes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding import context
from safeguarding.accounts.models import (
    AuthEvent,
    AuthEventType,
    EnrolmentInvite,
    RecoveryCode,
    User,
    UserSession,
)

RECOVERY_CODE_COUNT = 10
ENROLMENT_LINK_LIFETIME = timedelta(days=7)


def identifier_digest(identifier: str) -> str:
    """A keyed digest of a submitted sign-in identifier, so failures can be correlated without storing it."""
    key = settings.SECRET_KEY.encode()
    return hashlib.blake2b(identifier.strip().lower().encode(), key=key[:64], digest_size=16).hexdigest()


def auth_event_record(
    *,
    event_type: AuthEventType,
    user: User | None = None,
    actor: User | None = None,
    identifier: str = "",
    detail: str = "",
) -> AuthEvent:
    ctx = context.current()
    return AuthEvent.objects.create(
        event_type=event_type,
        user=user,
        actor=actor,
        identifier_digest=identifier_digest(identifier) if identifier and user is None else "",
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
        request_id=ctx.request_id,
        detail=detail[:300],
    )


# --- browser sessions --------------------------------------------------------------------------------------


def session_track(*, request: HttpRequest, user: User) -> None:
    """Record the (new) session after sign-in so the user can see and end it."""
    if not request.session.session_key:
        request.session.save()
    key = request.session.session_key
    assert key is not None
    ctx = context.current()
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "last_seen_at": timezone.now(),
            "ip_address": ctx.ip_address,
            "user_agent": ctx.user_agent,
            "ended_at": None,
            "end_reason": "",
        },
    )


def session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """Keep a session's tracking row when its key is rotated (step-up, password change)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_end(*, session_key: str, reason: str, by: User | None = None) -> bool:
    """End one browser session server-side. Returns False when it was already over."""
    with transaction.atomic():
        row = UserSession.objects.select_for_update().filter(session_key=session_key, ended_at=None).first()
        Session.objects.filter(session_key=session_key).delete()
        if row is None:
            return False
        row.ended_at = timezone.now()
        row.end_reason = reason
        row.save(update_fields=["ended_at", "end_reason"])
        auth_event_record(event_type=AuthEventType.SESSION_ENDED, user=row.user, actor=by, detail=reason)
    return True


def sessions_end_all(*, user: User, reason: str, by: User | None = None, except_key: str | None = None) -> int:
    keys = list(
        UserSession.objects.filter(user=user, ended_at=None)
        .exclude(session_key=except_key or "")
        .values_list("session_key", flat=True)
    )
    return sum(session_end(session_key=key, reason=reason, by=by) for key in keys)


def open_sessions(*, user: User) -> list[UserSession]:
    return list(UserSession.objects.filter(user=user, ended_at=None).order_by("-last_seen_at"))


# --- enrolment links -----------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_link_issue(*, user: User, by: User | None = None, now: datetime | None = None) -> str:
    """Create a one-time enrolment link for ``user`` and return its absolute URL (shown once, stored as digest)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        EnrolmentInvite.objects.filter(user=user, used_at=None).update(expires_at=now)
        EnrolmentInvite.objects.create(
            user=user, token_digest=_digest(token), created_at=now, expires_at=now + ENROLMENT_LINK_LIFETIME
        )
        auth_event_record(event_type=AuthEventType.ENROLMENT_LINK_ISSUED, user=user, actor=by)
    return settings.SITE_URL + reverse("accounts:enrol-link", args=[token])


def enrolment_invite_for_token(token: str) -> EnrolmentInvite | None:
    return (
        EnrolmentInvite.objects.select_related("user")
        .filter(token_digest=_digest(token), used_at=None, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def enrolment_invite_use(*, invite: EnrolmentInvite, password: str) -> User:
    with transaction.atomic():
        updated = EnrolmentInvite.objects.filter(pk=invite.pk, used_at=None).update(used_at=timezone.now())
        if not updated:
            raise ValueError("This enrolment link has already been used")
        user = invite.user
        user.set_password(password)
        user.save(update_fields=["password"])
        # A new password from an enrolment link always means a fresh MFA enrolment too.
        TOTPDevice.objects.filter(user=user).delete()
        auth_event_record(event_type=AuthEventType.PASSWORD_CHANGED, user=user, detail="enrolment link")
    return user


# --- MFA devices -------------------------------------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_for_enrolment(user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first visit to the enrolment page (secret from a CSPRNG)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def device_base32_key(device: TOTPDevice) -> str:
    return base64.b32encode(binascii.unhexlify(device.key)).decode()


def totp_device_with_key(*, user: User, base32_key: str) -> TOTPDevice:
    """Give ``user`` a confirmed TOTP device with a known key (demo data and tests only)."""
    hex_key = binascii.hexlify(base64.b32decode(base32_key)).decode()
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", key=hex_key, confirmed=True)


def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are returned once and stored hashed."""
    codes = ["-".join(secrets.token_hex(3) for _ in range(3)) for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user=user, code_hash=make_password(code.replace("-", ""))) for code in codes]
        )
    return codes


def recovery_code_use(*, user: User, code: str) -> bool:
    cleaned = code.strip().lower().replace("-", "").replace(" ", "")
    with transaction.atomic():
        for row in RecoveryCode.objects.select_for_update().filter(user=user, used_at=None):
            if check_password(cleaned, row.code_hash):
                row.used_at = timezone.now()
                row.save(update_fields=["used_at"])
                auth_event_record(event_type=AuthEventType.RECOVERY_CODE_USED, user=user)
                return True
    return False


def mfa_enrol_confirm(*, device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        auth_event_record(event_type=AuthEventType.MFA_ENROLLED, user=device.user)
    return True
