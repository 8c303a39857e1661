"""Admin for organisations, users, roles and configuration only — never case data.

Superusers see everything here; agency admins see and change only their own agency's teams and people, and can
never grant superuser or staff status, nor place anyone in another agency.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from safeguarding.exceptions import ServiceError
from safeguarding.models import Agency, Area, DirectoryEntry, Membership, Team, User
from safeguarding.roles import Role


def _admin_agency(request: HttpRequest) -> Agency | None:
    user: Any = request.user
    if user.is_superuser:
        return None
    membership = user.agency_membership
    return membership.agency if membership else None


class ScopedAdmin(admin.ModelAdmin):
    """Agency admins reach only rows of their own agency (``agency_path`` names the field that leads there)."""

    agency_path = "agency"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        agency = _admin_agency(request)
        if agency is None:
            return qs if getattr(request.user, "is_superuser", False) else qs.none()
        return qs.filter(**{self.agency_path: agency})

    def _may(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_superuser or user.has_role(Role.AGENCY_ADMIN))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    has_view_permission = has_change_permission = has_delete_permission = (  # type: ignore[assignment]
        lambda self, request, obj=None: bool(getattr(request.user, "is_superuser", False))
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    agency_path = "pk"
    list_display = ["name", "agency_type", "nation", "mappa_role", "restricted", "active"]
    list_filter = ["agency_type", "nation", "restricted", "active"]
    search_fields = ["name", "ods_code"]
    exclude = ["group"]
    filter_horizontal = ["commissions"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if getattr(request.user, "is_superuser", False):
            return []
        return ["name", "agency_type", "restricted", "active", "commissions", "mappa_role"]

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        from safeguarding.organisations.services import agency_group_ensure

        agency_group_ensure(agency=obj)
        super().save_model(request, obj, form, change)


@admin.register(Area)
class AreaAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "nation", "business_unit"]
    filter_horizontal = ["agencies"]


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ["name", "agency"]
    list_filter = ["agency"]
    search_fields = ["name"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        agency = _admin_agency(request)
        if db_field.name == "agency" and agency is not None:
            kwargs["queryset"] = Agency.objects.filter(pk=agency.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInlineForm(forms.ModelForm):  # type: ignore[type-arg]
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = Membership
        fields = ["agency", "team", "roles", "job_title", "line_manager", "deputy"]


class MembershipInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Membership
    form = MembershipInlineForm
    fk_name = "user"
    extra = 0
    max_num = 1
    autocomplete_fields = ["line_manager", "deputy"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        agency = _admin_agency(request)
        if agency is not None:
            if db_field.name == "agency":
                kwargs["queryset"] = Agency.objects.filter(pk=agency.pk)
            if db_field.name == "team":
                kwargs["queryset"] = Team.objects.filter(agency=agency)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(ScopedAdmin):
    agency_path = "membership__agency"
    list_display = ["full_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "membership__agency"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline]
    fields = ["full_name", "email", "is_active", "is_staff", "is_superuser", "date_joined", "last_login"]
    readonly_fields = ["date_joined", "last_login"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(self.readonly_fields)
        if not getattr(request.user, "is_superuser", False):
            readonly += ["is_superuser", "is_staff", "is_active"]
        return readonly

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Unticking "active" deactivates through the service (sessions, tokens, leaver work, audit); ticking it
        again reactivates. Both happen after the other changes are saved with the old status."""
        from safeguarding.accounts.lifecycle import user_deactivate, user_reactivate

        if not change:
            obj.set_unusable_password()
        toggled = change and "is_active" in form.changed_data
        if toggled:
            obj.is_active = not obj.is_active
        super().save_model(request, obj, form, change)
        if not toggled:
            return
        try:
            if obj.is_active:
                user_deactivate(user=obj, by=request.user, reason="Deactivated in the administration site")  # type: ignore[arg-type]
            else:
                user_reactivate(user=obj, by=request.user)  # type: ignore[arg-type]
        except ServiceError as exc:
            self.message_user(request, exc.detail, level=messages.ERROR)


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(ScopedAdmin):
    list_display = ["position", "area", "agency", "holder", "deputy"]
    list_filter = ["area", "position"]
    autocomplete_fields = ["holder", "deputy"]
