"""The custom user (email sign-in), enrolment links, recovery codes, sessions and the authentication-event log."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pghistory
import pgtrigger
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

if TYPE_CHECKING:
    from safeguarding.organisations.models import Membership


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


# Who could sign in, and with what privilege, at any time: status and privilege flags only (not names or emails).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    fields=["is_active", "is_staff", "is_superuser", "deactivated_at"],
    model_name="UserStatusEvent",
)
class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254, unique=True, help_text="Stored in lower case.")
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the admin site (superusers and agency admins).")
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def agency_membership(self) -> Membership | None:
        """The user's membership, read with its agency in one query and kept on the instance (nearly every
        permission check needs both)."""
        related = User.membership.related
        if not related.is_cached(self):
            from safeguarding.organisations.models import Membership

            found = Membership.objects.select_related("agency").filter(user_id=self.pk).first() if self.pk else None
            related.set_cached_value(self, found)
            if found is not None:
                related.field.set_cached_value(found, self)
        try:
            return self.membership
        except models.ObjectDoesNotExist:
            return None

    @property
    def roles(self) -> frozenset[str]:
        membership = self.agency_membership
        return frozenset(membership.roles) if membership else frozenset()

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class EnrolmentInvite(models.Model):
    """A one-time link to set a first password (printed by ``create_user``). Stored as a digest only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_invites")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Enrolment link for {self.user_id}"


class RecoveryCode(models.Model):
    """Single-use recovery codes issued at MFA enrolment, stored hashed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code ({'used' if self.used_at else 'unused'})"


class UserSession(models.Model):
    """One row per signed-in browser session, so users can see and end their sessions."""

    session_key = models.CharField(max_length=40, primary_key=True)
    # The session key is a bearer secret and never leaves the server; pages and URLs name a session by this id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "ended_at"], name="usersession_user_open_idx")]

    def __str__(self) -> str:
        return f"Session started {self.created_at:%Y-%m-%d %H:%M}"


class AuthEventType(models.TextChoices):
    SIGN_IN_SUCCESS = "sign_in_success", "Signed in (password)"
    SIGN_IN_FAILURE = "sign_in_failure", "Sign-in failed"
    MFA_SUCCESS = "mfa_success", "MFA verified"
    MFA_FAILURE = "mfa_failure", "MFA code refused"
    MFA_ENROLLED = "mfa_enrolled", "MFA enrolled"
    MFA_RESET = "mfa_reset", "MFA reset"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    LOCKOUT = "lockout", "Account locked out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_CHANGED = "email_changed", "Email changed"
    TOKEN_ISSUED = "token_issued", "API token issued"
    SESSION_ENDED = "session_ended", "Session ended"
    SIGNED_OUT = "signed_out", "Signed out"
    DEACTIVATED = "deactivated", "Account deactivated"
    ENROLMENT_LINK_ISSUED = "enrolment_link_issued", "Enrolment link issued"
    REAUTHENTICATED = "reauthenticated", "Re-authenticated"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Recovery codes replaced"
    REACTIVATED = "reactivated", "Account reactivated"


class AuthEvent(models.Model):
    """Authentication events (success, failure, lockout, MFA change, token issued, session ended). Append-only."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    event_type = models.CharField(max_length=40, choices=AuthEventType.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="auth_events")
    # For failures against unknown accounts: a digest of the submitted identifier, never the identifier itself.
    identifier_digest = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="auth_events_caused",
        help_text="Who caused the event when not the user (an admin resetting MFA, a lead deactivating).",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["user", "occurred_at"], name="authevent_user_time_idx")]
        triggers = [pgtrigger.Protect(name="authevent_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.event_type}"
