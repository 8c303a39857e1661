"""Role-aware primary navigation. Apps add entries through ``register_nav`` from their ``ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int
    roles: frozenset[str] | None = None  # None: everyone signed in
    exclude_roles_only: frozenset[str] | None = None  # hidden from users holding only these roles


_items: dict[str, NavItem] = {}


def register_nav(
    key: str,
    *,
    label: str,
    url_name: str,
    order: int,
    roles: Iterable[str] | None = None,
    exclude_roles_only: Iterable[str] | None = None,
) -> None:
    _items[key] = NavItem(
        key,
        label,
        url_name,
        order,
        frozenset(roles) if roles is not None else None,
        frozenset(exclude_roles_only) if exclude_roles_only is not None else None,
    )


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    roles: frozenset[str] = getattr(user, "roles", frozenset())
    entries = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.roles is not None and roles.isdisjoint(item.roles) and not getattr(user, "is_superuser", False):
            continue
        if item.exclude_roles_only is not None and roles and roles <= item.exclude_roles_only:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append(
            {
                "label": item.label,
                "url": url,
                "active": (request.path.startswith(url) and url != "/") or request.path == url,
            }
        )
    return entries
