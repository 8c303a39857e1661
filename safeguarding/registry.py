"""The registries that higher apps fill from their ``AppConfig.ready()``.

Imports run one way (safeguarding ← escalation ← cases ← referrals ← meetings ← reviews ← assurance). When a lower
package needs to show or react to something a higher one owns — the visibility of a deadline's subject, a panel on
"My work", a leaver's open cases — the higher package plugs in here, so the lower one never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

Selector = Callable[["User"], "models.QuerySet[Any]"]


@dataclass(frozen=True)
class VisibilityRule:
    model: type[models.Model]
    selector: Selector
    url: Callable[[Any], str] | None = None
    label: Callable[[Any], str] | None = None
    # Optional: the agency that owns the object, and the case it belongs to (for panels and disagreements).
    owner_agency: Callable[[Any], Any] | None = None
    case_id: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    url_name: str
    order: int = 100
    roles: frozenset[str] | None = None  # None: shown to every case-working user


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[], Any]
    order: int


@dataclass(frozen=True)
class WorkItem:
    """A piece of open work a leaver held: shown on their manager's reassignment list."""

    kind: str
    label: str
    url: str
    object_id: str


@dataclass(frozen=True)
class ActionKind:
    model: type[models.Model]
    label: str
    # Who may verify a completed action of this kind (default: a manager or lead of the owning agency).
    may_verify: Callable[[Any, User], bool] | None = None


@dataclass(frozen=True)
class AttachmentParent:
    """A model whose rows may carry attachments. Reads go through its visibility rule; ``may_attach(user, parent)``
    decides who may add files to a parent they can already see."""

    model: type[models.Model]
    may_attach: Callable[[User, Any], bool]


@dataclass
class _Registries:
    visibility: dict[type[models.Model], VisibilityRule] = field(default_factory=dict)
    my_work_panels: dict[str, Panel] = field(default_factory=dict)
    case_panels: dict[str, Panel] = field(default_factory=dict)
    demo_steps: dict[str, DemoStep] = field(default_factory=dict)
    leaver_work: dict[str, Callable[[User], Iterable[WorkItem]]] = field(default_factory=dict)
    action_kinds: dict[type[models.Model], ActionKind] = field(default_factory=dict)
    attachment_parents: dict[type[models.Model], AttachmentParent] = field(default_factory=dict)


_registries = _Registries()


# --- visibility ---------------------------------------------------------------------------------------------


def register_visibility(
    model: type[models.Model],
    selector: Selector,
    *,
    url: Callable[[Any], str] | None = None,
    label: Callable[[Any], str] | None = None,
    owner_agency: Callable[[Any], Any] | None = None,
    case_id: Callable[[Any], Any] | None = None,
) -> None:
    """Register the one visibility rule for ``model``: ``selector(user)`` returns every row the user may see.

    ``owner_agency(obj)`` names the agency that owns the object (its id) and ``case_id(obj)`` the case it belongs
    to, when those apply: lower packages (disagreements, deadlines) use them without importing the model's app.
    """
    _registries.visibility[model] = VisibilityRule(
        model=model, selector=selector, url=url, label=label, owner_agency=owner_agency, case_id=case_id
    )


def visibility_rule(model: type[models.Model]) -> VisibilityRule:
    try:
        return _registries.visibility[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no registered visibility rule") from None


def visible(model: type[models.Model], *, user: User) -> models.QuerySet[Any]:
    """Every ``model`` row ``user`` may see, as an unevaluated queryset. Inactive users see nothing."""
    if not user.is_authenticated or not user.is_active:
        return model._default_manager.none()
    return visibility_rule(model).selector(user)


def get_visible_or_404(model: type[models.Model], *, user: User, pk: Any) -> Any:
    """The row with ``pk`` if ``user`` may see it; otherwise 404, the same as for a row that does not exist."""
    try:
        return visible(model, user=user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        # A malformed primary key (not a UUID) answers exactly like a missing row.
        raise Http404("Not found") from exc


def resolve_visible(content_type: ContentType, object_id: Any, *, user: User) -> Any | None:
    """Resolve a generic relation's target through its model's visibility rule; None when not visible."""
    model = content_type.model_class()
    if model is None or model not in _registries.visibility:
        return None
    return visible(model, user=user).filter(pk=object_id).first()


def is_visible(obj: models.Model, *, user: User) -> bool:
    model = type(obj)
    if model not in _registries.visibility:
        return False
    return visible(model, user=user).filter(pk=obj.pk).exists()


def object_url(obj: models.Model) -> str | None:
    rule = _registries.visibility.get(type(obj))
    return rule.url(obj) if rule and rule.url else None


def object_label(obj: models.Model) -> str:
    rule = _registries.visibility.get(type(obj))
    if rule and rule.label:
        return rule.label(obj)
    return str(obj._meta.verbose_name).capitalize()


def owner_agency_id_of(obj: models.Model) -> Any:
    rule = _registries.visibility.get(type(obj))
    return rule.owner_agency(obj) if rule and rule.owner_agency else None


def case_id_of(obj: models.Model) -> Any:
    rule = _registries.visibility.get(type(obj))
    return rule.case_id(obj) if rule and rule.case_id else None


def registered_models() -> list[type[models.Model]]:
    return list(_registries.visibility)


# --- panels ---------------------------------------------------------------------------------------------------


def register_my_work_panel(
    key: str, *, title: str, url_name: str, order: int = 100, roles: Iterable[str] | None = None
) -> None:
    _registries.my_work_panels[key] = Panel(key, title, url_name, order, frozenset(roles) if roles else None)


def register_case_panel(key: str, *, title: str, url_name: str, order: int = 100) -> None:
    """A panel on the case page, loaded with htmx from ``reverse(url_name, args=[case.id])``."""
    _registries.case_panels[key] = Panel(key, title, url_name, order)


def my_work_panels(user: User) -> list[Panel]:
    roles = user.roles
    panels = [p for p in _registries.my_work_panels.values() if p.roles is None or not roles.isdisjoint(p.roles)]
    return sorted(panels, key=lambda p: (p.order, p.key))


def case_panels() -> list[Panel]:
    return sorted(_registries.case_panels.values(), key=lambda p: (p.order, p.key))


# --- demo data ------------------------------------------------------------------------------------------------


def register_demo_step(name: str, run: Callable[[], Any], *, order: int) -> None:
    _registries.demo_steps[name] = DemoStep(name, run, order)


def demo_steps() -> list[DemoStep]:
    return sorted(_registries.demo_steps.values(), key=lambda s: (s.order, s.name))


# --- leavers --------------------------------------------------------------------------------------------------


def register_leaver_work(kind: str, provider: Callable[[User], Iterable[WorkItem]]) -> None:
    """``provider(user)`` lists the open work ``user`` holds, for reassignment when they leave.

    Labels are shown on the manager's reassignment list and in no other place; use people-facing references
    (``SG-2026-000123``), never names or case content.
    """
    _registries.leaver_work[kind] = provider


def open_work_for(user: User) -> list[WorkItem]:
    items: list[WorkItem] = []
    for provider in _registries.leaver_work.values():
        items.extend(provider(user))
    return items


# --- tracked action kinds -------------------------------------------------------------------------------------


def register_action_kind(
    model: type[models.Model], *, label: str, may_verify: Callable[[Any, User], bool] | None = None
) -> None:
    _registries.action_kinds[model] = ActionKind(model, label, may_verify)


def action_kinds() -> list[ActionKind]:
    return sorted(_registries.action_kinds.values(), key=lambda k: k.model._meta.label_lower)


# --- attachment parents ---------------------------------------------------------------------------------------


def register_attachment_parent(model: type[models.Model], *, may_attach: Callable[[User, Any], bool]) -> None:
    """Let ``model`` carry attachments. ``model`` must also have a visibility rule: downloads resolve the parent
    through it, so a file is readable exactly when its parent is."""
    _registries.attachment_parents[model] = AttachmentParent(model, may_attach)


def attachment_parent(model: type[models.Model]) -> AttachmentParent | None:
    return _registries.attachment_parents.get(model)


def attachment_parent_models() -> list[type[models.Model]]:
    return list(_registries.attachment_parents)
