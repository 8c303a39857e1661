"""Admin for configuration only (DASH question sets) and for undoing a person merge. No case data is listed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from cases.models import DashQuestionSet, PersonMerge
from cases.services import person_merge_undo
from safeguarding.exceptions import ServiceError


@admin.register(DashQuestionSet)
class DashQuestionSetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["version", "active", "created_at"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))


@admin.register(PersonMerge)
class PersonMergeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Merges, identified by opaque ids only, with an action to undo one."""

    list_display = ["id", "merged_at", "merged_by", "undone_at"]
    fields = ("id", "kept_id", "merged_id", "merged_by", "merged_at", "reason", "undone_at", "undone_by")
    readonly_fields = fields
    actions = ["undo"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Undo the selected merges")
    def undo(self, request: HttpRequest, queryset: Any) -> None:
        for record in queryset:
            try:
                person_merge_undo(record=record, by=request.user)  # type: ignore[arg-type]
            except ServiceError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
            else:
                self.message_user(request, f"Merge {record.pk} undone.")
