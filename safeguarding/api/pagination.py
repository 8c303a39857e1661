from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination with no count: ``{"next": url|null, "previous": url|null, "results": [...]}``.

    Each list view names its own stable ordering in ``ordering`` (the first field drives the cursor).
    """

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-created_at"

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)


class DeferredJoinCursorPagination(CursorPagination):
    """Keyset pages read in two steps: the page's keys first (only the ordering fields, so PostgreSQL can walk a
    covering index, filter on what it includes and stop at the page's end without reading the table), then those
    rows, with their related rows, through the same queryset. For lists whose visibility filter leaves most of the
    ordering index behind (``cases``: ``bench/bench_sharing.py``, dense-visibility user)."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        keys = {field.lstrip("-") for field in self.get_ordering(request, queryset, view)} | {"pk"}
        page: list[Any] | None = super().paginate_queryset(queryset.select_related(None).only(*keys), request, view)
        if page is None:
            return None
        # The links are built from the key rows (self.page, as read): a row updated between the two reads keeps its
        # place in this page's cursor.
        rows = queryset.order_by().in_bulk([row.pk for row in page])
        return [rows[row.pk] for row in page if row.pk in rows]
