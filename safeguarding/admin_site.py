"""The admin site: superusers and agency admins, fully signed in with MFA; never case data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from safeguarding.accounts.mfa import user_is_verified
from safeguarding.roles import Role


class SafeguardingAdminSite(admin.AdminSite):
    site_header = "Safeguarding administration"
    site_title = "Safeguarding administration"
    index_title = "Organisations, people and configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        if not (user.is_active and user.is_staff and user_is_verified(user)):
            return False
        return bool(user.is_superuser or user.has_role(Role.AGENCY_ADMIN))

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # One sign-in for the whole service, with MFA; the admin has no password-only door of its own.
        return redirect("accounts:sign-in")
