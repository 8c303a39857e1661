"""Models that can be shared register here (cases do, from their app config). The engine knows no app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from safeguarding.sharing.codes import Scope


@dataclass(frozen=True)
class Shareable:
    model: type[models.Model]
    user_grant_model: type[models.Model]
    group_grant_model: type[models.Model]
    owner_agency_id: Callable[[Any], Any]
    label: Callable[[Any], str]
    # One codename per scope (the grant rows' permissions).
    codenames: dict[str, str] = field(
        default_factory=lambda: {
            Scope.SUMMARY: "view_case_summary",
            Scope.FULL: "view_case",
            Scope.CONTRIBUTE: "contribute_case",
        }
    )
    # Optional checks the subject's app supplies (e.g. that a capacity assessment belongs to the case).
    capacity_assessment_belongs: Callable[[Any, Any], bool] | None = None
    # Where to record automatic chronology entries about sharing (the subject's app decides).
    on_shared: Callable[[Any, Any], None] | None = None

    def scope_for_codename(self, codename: str) -> str:
        for scope, name in self.codenames.items():
            if name == codename:
                return scope
        raise KeyError(codename)


_shareables: dict[type[models.Model], Shareable] = {}


def register_shareable(shareable: Shareable) -> None:
    _shareables[shareable.model] = shareable


def shareable_for(model: type[models.Model]) -> Shareable:
    try:
        return _shareables[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered as shareable") from None


def shareables() -> list[Shareable]:
    return list(_shareables.values())
