"""Sign-in with password and mandatory TOTP, enrolment, recovery codes and sign-out."""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from safeguarding.accounts import services
from safeguarding.accounts.forms import CodeForm, RecoveryCodeForm, SetPasswordForm, SignInForm
from safeguarding.accounts.middleware import AUTH_AT, LAST_ACTIVITY, allow_unverified, public, user_is_verified
from safeguarding.accounts.models import AuthEventType, User, UserSession
from safeguarding.accounts.reauth import recent_auth_mark

NEXT = "sg_next"
GENERIC_FAILURE = "Enter a correct email address and password"
LOCKED_MESSAGE = (
    "Sign-in is paused after too many attempts. Wait 5 minutes and try again, or ask your agency "
    "administrator for help."
)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _complete_mfa(request: HttpRequest, device: Any) -> None:
    """Complete sign-in: mark the session verified, rotate its key, start the session clocks."""
    user: User = request.user  # type: ignore[assignment]
    otp_login(request, device)
    request.session.cycle_key()  # new session key at the MFA step-up (checklist S2)
    now = timezone.now().timestamp()
    request.session[AUTH_AT] = now
    request.session[LAST_ACTIVITY] = now
    services.session_track(request=request, user=user)
    services.auth_event_record(event_type=AuthEventType.MFA_SUCCESS, user=user)
    # A sign-in a moment ago is as fresh as a re-authentication (checklist S4's five-minute window).
    recent_auth_mark(request, rotate=False)


def _finish_mfa(request: HttpRequest, device: Any) -> HttpResponse:
    _complete_mfa(request, device)
    return HttpResponseRedirect(_safe_next(request, request.session.pop(NEXT, None)))


def _address_key(request: HttpRequest) -> str:
    return f"sign-in-failures:{request.META.get('REMOTE_ADDR', '')}"


def _address_throttled(request: HttpRequest) -> bool:
    return int(cache.get(_address_key(request), 0)) >= settings.SIGN_IN_IP_FAILURE_LIMIT


def _address_failure(request: HttpRequest) -> None:
    key = _address_key(request)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user_is_verified(user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignInForm(request.POST or None)
    failure = None
    if request.method == "POST" and _address_throttled(request):
        return locked_out(request, None, {"email": request.POST.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        authenticated = authenticate(request, email=email, password=form.cleaned_data["password"])
        if authenticated is not None:
            next_url = request.GET.get("next")
            login(request, authenticated)  # rotates the session key
            request.session[NEXT] = _safe_next(request, next_url)
            services.auth_event_record(event_type=AuthEventType.SIGN_IN_SUCCESS, user=authenticated)
            return redirect("accounts:mfa")
        known = User.objects.filter(email__iexact=email).first()
        services.auth_event_record(
            event_type=AuthEventType.SIGN_IN_FAILURE, user=known, identifier=email if known is None else ""
        )
        _address_failure(request)
        failure = GENERIC_FAILURE
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "failure": failure, "expired": request.GET.get("expired") == "1"},
        status=200 if failure is None else 401,
    )


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """django-axes lockout response: identical for known and unknown accounts."""
    email = ""
    if isinstance(credentials, dict):
        email = str(credentials.get("email", ""))
    known = User.objects.filter(email__iexact=email).first() if email else None
    services.auth_event_record(event_type=AuthEventType.LOCKOUT, user=known, identifier=email if not known else "")
    return render(request, "accounts/sign_in.html", {"form": SignInForm(), "failure": LOCKED_MESSAGE}, status=429)


@allow_unverified
def mfa(request: HttpRequest) -> HttpResponse:
    """After the password step: enrol a device on first sign-in, otherwise verify a code."""
    if user_is_verified(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if services.confirmed_device(request.user) is None:  # type: ignore[arg-type]
        return redirect("accounts:mfa-enrol")
    return redirect("accounts:mfa-verify")


@allow_unverified
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    device = services.confirmed_device(user)
    if device is None:
        return redirect("accounts:mfa-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            return _finish_mfa(request, device)
        services.auth_event_record(event_type=AuthEventType.MFA_FAILURE, user=user)
        form.add_error("code", "The security code is not correct or has already been used. Enter the current code.")
    return render(request, "accounts/mfa_verify.html", {"form": form}, status=400 if form.errors else 200)


@allow_unverified
@require_http_methods(["GET", "POST"])
def mfa_recovery(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    device = services.confirmed_device(user)
    if device is None:
        return redirect("accounts:mfa-enrol")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.recovery_code_use(user=user, code=form.cleaned_data["recovery_code"]):
            return _finish_mfa(request, device)
        services.auth_event_record(event_type=AuthEventType.MFA_FAILURE, user=user, detail="recovery code")
        form.add_error("recovery_code", "That recovery code is not correct or has already been used")
    return render(request, "accounts/mfa_recovery.html", {"form": form}, status=400 if form.errors else 200)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@allow_unverified
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if services.confirmed_device(user) is not None:
        # Only an agency admin or lead can reset MFA; a confirmed device is never replaced from here.
        return redirect("accounts:mfa-verify")
    device = services.totp_device_for_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_enrol_confirm(device=device, code=form.cleaned_data["code"]):
            codes = services.recovery_codes_issue(user=user)
            _complete_mfa(request, device)
            request.session["sg_recovery_codes"] = codes
            return redirect("accounts:recovery-codes")
        form.add_error("code", "The security code is not correct. Enter the code your app shows now.")
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "base32_key": services.device_base32_key(device),
        },
        status=400 if form.errors else 200,
    )


def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop("sg_recovery_codes", None)
    next_url = _safe_next(request, request.session.pop(NEXT, None))
    if not codes:
        return redirect(next_url)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})


@public
@require_http_methods(["GET", "POST"])
def enrol_link(request: HttpRequest, token: str) -> HttpResponse:
    invite = services.enrolment_invite_for_token(token)
    if invite is None:
        return render(request, "accounts/enrol_link_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None, user=invite.user)
    if request.method == "POST" and form.is_valid():
        user = services.enrolment_invite_use(invite=invite, password=form.cleaned_data["new_password"])
        logout(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("accounts:mfa-enrol")
    return render(
        request,
        "accounts/enrol_link.html",
        {"form": form, "invite_user": invite.user},
        status=400 if form.errors else 200,
    )


@allow_unverified
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user = request.user
    key = request.session.session_key
    if user.is_authenticated:
        services.auth_event_record(event_type=AuthEventType.SIGNED_OUT, user=user)
    logout(request)  # flushes the server-side session
    if key:
        UserSession.objects.filter(session_key=key, ended_at=None).update(
            ended_at=timezone.now(), end_reason="signed_out"
        )
    response = redirect("accounts:signed-out")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@public
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """A password reset ends at the security-code prompt, never in a signed-in session (checklist A4)."""

    template_name = "accounts/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("accounts:mfa")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.auth_event_record(event_type=AuthEventType.PASSWORD_RESET, user=form.user)
        return response


password_reset = public(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="emails/password_reset.txt",
        subject_template_name="emails/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password-reset-sent"),
    )
)
password_reset_sent = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public(PasswordResetConfirm.as_view())
