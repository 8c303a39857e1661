"""The user's own account: re-authentication, password, email, authenticator, recovery codes and sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from safeguarding.accounts import lifecycle, services
from safeguarding.accounts.account_forms import ChangeEmailForm, ChangePasswordForm, ReauthForm
from safeguarding.accounts.devices import describe_user_agent
from safeguarding.accounts.forms import CodeForm
from safeguarding.accounts.models import AuthEventType
from safeguarding.accounts.reauth import has_recent_auth, recent_auth_mark, require_recent_auth
from safeguarding.exceptions import InvalidInput, TransitionNotAllowed
from safeguarding.requests import request_user

ACCOUNT = "accounts:account"
RECOVERY_CODES_SESSION = "sg_recovery_codes"
NEXT_SESSION = "sg_next"


def _other_sessions(request: HttpRequest) -> int:
    key = request.session.session_key
    return sum(1 for s in services.open_sessions(user=request_user(request)) if s.session_key != key)


def _apply_errors(form: Any, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "accounts/account.html",
        {
            "membership": user.agency_membership,
            "other_sessions": _other_sessions(request),
            "recovery_codes_left": user.recovery_codes.filter(used_at=None).count(),
            "recently_authenticated": has_recent_auth(request),
        },
    )


@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    """Confirm your password and a current security code; valid for ``RECENT_AUTH_WINDOW``."""
    user = request_user(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        authenticated = authenticate(request, email=user.email, password=form.cleaned_data["password"])
        device = services.confirmed_device(user)
        if authenticated is None or authenticated.pk != user.pk:
            services.auth_event_record(event_type=AuthEventType.SIGN_IN_FAILURE, user=user, detail="re-authentication")
            form.add_error("password", "The password is not correct")
        elif device is None or not device.verify_token(form.cleaned_data["code"]):
            services.auth_event_record(event_type=AuthEventType.MFA_FAILURE, user=user, detail="re-authentication")
            form.add_error("code", "The security code is not correct or has already been used. Enter the current code.")
        else:
            recent_auth_mark(request)
            services.auth_event_record(event_type=AuthEventType.REAUTHENTICATED, user=user)
            return redirect(next_url or ACCOUNT)
    return render(request, "accounts/reauth.html", {"form": form, "next": next_url}, status=400 if form.errors else 200)


@require_recent_auth
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ChangePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            ended = lifecycle.password_change(
                user=user,
                new_password=form.cleaned_data["new_password"],
                current_session_key=request.session.session_key,
            )
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            old_key = request.session.session_key
            update_session_auth_hash(request, user)  # this session stays signed in (with a new key)
            services.session_rekey(old_key=old_key, new_key=request.session.session_key)
            text = "Your password has been changed"
            if ended:
                text += f". You have been signed out on {ended} other session{'s' if ended != 1 else ''}"
            messages.success(request, text)
            return redirect(ACCOUNT)
    return render(request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200)


@require_recent_auth
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ChangeEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.email_change(user=user, new_email=form.cleaned_data["email"])
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your sign-in email address has been changed")
            return redirect(ACCOUNT)
    return render(request, "accounts/email_change.html", {"form": form}, status=400 if form.errors else 200)


@require_recent_auth
@require_http_methods(["GET", "POST"])
def authenticator_replace(request: HttpRequest) -> HttpResponse:
    """Set up a new authenticator app; the old one keeps working until the new one is confirmed."""
    from safeguarding.accounts.views import _qr_svg

    user = request_user(request)
    device = services.totp_device_for_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = lifecycle.authenticator_replace(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)  # the session now rests on the new device
            recent_auth_mark(request)
            request.session[RECOVERY_CODES_SESSION] = codes
            request.session[NEXT_SESSION] = reverse(ACCOUNT)
            messages.success(request, "Your new authenticator app is set up")
            return redirect("accounts:recovery-codes")
        form.add_error("code", "The security code is not correct. Enter the code your new app shows now.")
    return render(
        request,
        "accounts/authenticator_replace.html",
        {"form": form, "qr_svg": _qr_svg(device.config_url), "base32_key": services.device_base32_key(device)},
        status=400 if form.errors else 200,
    )


@require_recent_auth
@require_http_methods(["GET", "POST"])
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION] = lifecycle.recovery_codes_regenerate(user=request_user(request))
        request.session[NEXT_SESSION] = reverse(ACCOUNT)
        return redirect("accounts:recovery-codes")
    return render(request, "accounts/recovery_codes_regenerate.html")


@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    current = request.session.session_key
    rows = [
        {
            "public_id": s.public_id,
            "created_at": s.created_at,
            "last_seen_at": s.last_seen_at,
            "device": describe_user_agent(s.user_agent),
            "ip_address": s.ip_address,
            "current": s.session_key == current,
        }
        for s in services.open_sessions(user=request_user(request))
    ]
    rows.sort(key=lambda r: not r["current"])
    return render(request, "accounts/sessions.html", {"sessions": rows, "others": sum(not r["current"] for r in rows)})


@require_POST
def session_end(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        ended = lifecycle.open_sessions_end_one(
            user=request_user(request), public_id=public_id, current_session_key=request.session.session_key
        )
    except TransitionNotAllowed as exc:
        messages.error(request, exc.detail)
        return redirect("accounts:sessions")
    if not ended:
        raise Http404("Not found")
    if getattr(request, "htmx", False):
        return render(request, "accounts/sessions.html#session-ended", {"public_id": public_id, "ended": ended})
    messages.success(request, "The session has been ended")
    return redirect("accounts:sessions")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = services.sessions_end_all(
        user=request_user(request),
        reason="ended_by_user",
        by=request_user(request),
        except_key=request.session.session_key,
    )
    messages.success(request, f"{ended} other session{'s' if ended != 1 else ''} ended")
    return redirect(ACCOUNT if request.POST.get("then") == "account" else "accounts:sessions")
