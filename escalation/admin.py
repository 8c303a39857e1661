"""Configuration of the clock engine for superusers: timescale policies (new versions only) and calendar
overrides. Deadlines themselves are case data and have no admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from escalation import services
from escalation.models import Basis, CalendarOverride, TimescalePolicy
from escalation.policies import DEFAULT_POLICIES
from safeguarding.admin import SuperuserOnlyAdmin


class PolicyVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    key = forms.ChoiceField(choices=[])
    basis = forms.ChoiceField(choices=[(b.value, b.label) for b in Basis if b != Basis.FIXED])

    class Meta:
        model = TimescalePolicy
        fields = ["area", "key", "basis", "amount", "active_from", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "area" in self.fields:  # the add form (existing versions are shown read-only, without model fields)
            key_field: Any = self.fields["key"]
            key_field.choices = [(k, f"{d.label} ({k})") for k, d in sorted(DEFAULT_POLICIES.items())]
            self.fields["area"].help_text = "Blank: the national default used by areas without their own version."


@admin.register(TimescalePolicy)
class TimescalePolicyAdmin(SuperuserOnlyAdmin):
    """Adding a policy adds a new version; versions are kept (read-only) as the audit of what applied when."""

    form = PolicyVersionForm
    list_display = ["key", "area", "version", "basis", "amount", "active_from", "applied_at"]
    list_filter = ["key", "area", "basis"]
    ordering = ["area__name", "key", "-version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TimescalePolicy, form: Any, change: bool) -> None:
        created = services.policy_change(
            key=obj.key,
            area=obj.area,
            basis=obj.basis,
            amount=obj.amount,
            active_from=obj.active_from,
            note=obj.note,
            by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = created.pk
        obj.version = created.version


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SuperuserOnlyAdmin):
    list_display = ["day", "nation", "area", "action", "reason"]
    list_filter = ["nation", "action", "area"]
    fields = ["nation", "area", "day", "action", "reason"]

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        services.calendar_override_save(
            nation=obj.nation,
            day=obj.day,
            action=obj.action,
            reason=obj.reason,
            area=obj.area,
            by=request.user,  # type: ignore[arg-type]
            override=obj,
        )

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.calendar_override_delete(override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for override in queryset:
            services.calendar_override_delete(override=override)
