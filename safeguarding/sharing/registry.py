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
    # The records about a person with this NHS number (all agencies): information requests and break-glass look-ups.
    find_by_nhs_number: Callable[[str], models.QuerySet[Any]] | None = None
    # Restricted material never reached by break-glass (cases held by restricted agencies; MAPPA material).
    break_glass_excluded: Callable[[models.QuerySet[Any]], models.QuerySet[Any]] | None = None
    # A redacted export's content for a scope: {"title", "reference", "sections": [{"heading", "fields": [[label,
    # value]…]} or {"heading", "columns": […], "rows": [[…]…]}]}; only what that scope may see.
    export_payload: Callable[[Any, str], dict[str, Any]] | None = None

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


_break_glass_exclusions: list[Callable[[models.QuerySet[Any]], models.QuerySet[Any]]] = []


def register_break_glass_exclusion(exclude: Callable[[models.QuerySet[Any]], models.QuerySet[Any]]) -> None:
    """Later capabilities (MAPPA, MARAC) remove their restricted material from break-glass look-ups."""
    _break_glass_exclusions.append(exclude)


def break_glass_exclusions() -> list[Callable[[models.QuerySet[Any]], models.QuerySet[Any]]]:
    return list(_break_glass_exclusions)
