"""Direct foreign-key grant tables for cases (django-guardian). Written only by the sharing engine, derived from
live sharing decisions; ``expires_at`` is checked by the visibility selector so access ends exactly on time."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

# One codename per scope (summary < full < contribute).
CASE_GRANT_CODENAMES: frozenset[str] = frozenset({"view_case_summary", "view_case", "contribute_case"})


class _GrantGuard:
    allowed_permissions: ClassVar[frozenset[str]] = CASE_GRANT_CODENAMES

    def save(self, *args: Any, **kwargs: Any) -> None:
        # grand-challenge.org's guard: nothing but the sharing scopes may ever be granted on a case.
        codename = self.permission.codename  # type: ignore[attr-defined]
        if codename not in self.allowed_permissions:
            raise ValueError(f"{codename} may not be granted on a case")
        super().save(*args, **kwargs)  # type: ignore[misc]


class CaseUserObjectPermission(_GrantGuard, UserObjectPermissionBase):
    content_object = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="user_grants")
    expires_at = models.DateTimeField()

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["user", "permission"], name="case_user_grant_idx"),
            models.Index(fields=["expires_at"], name="case_user_grant_expiry_idx"),
            models.Index(fields=["user", "content_object", "expires_at"], name="case_user_grant_lookup_idx"),
        ]


class CaseGroupObjectPermission(_GrantGuard, GroupObjectPermissionBase):
    content_object = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="group_grants")
    expires_at = models.DateTimeField()

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["group", "permission"], name="case_group_grant_idx"),
            models.Index(fields=["expires_at"], name="case_group_grant_expiry_idx"),
            models.Index(fields=["group", "content_object", "expires_at"], name="case_group_grant_lookup_idx"),
        ]
