"""The notification centre: list, open (through the target's visibility rule), mark read, acknowledge."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from safeguarding import registry
from safeguarding.notifications import services
from safeguarding.notifications.models import Notification
from safeguarding.notifications.selectors import notifications_for


def _own(request: HttpRequest, pk: str) -> Notification:
    return get_object_or_404(notifications_for(request.user), pk=pk)  # type: ignore[arg-type]


def notification_list(request: HttpRequest) -> HttpResponse:
    qs = notifications_for(request.user)  # type: ignore[arg-type]
    if request.GET.get("show") == "unread":
        qs = qs.filter(read_at=None)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    template = "notifications/list.html" + ("#notification-list" if request.htmx else "")  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "show": request.GET.get("show", "all")})


def notification_open(request: HttpRequest, pk: str) -> HttpResponse:
    notification = _own(request, pk)
    services.notification_read(notification=notification, user=request.user)  # type: ignore[arg-type]
    target = None
    if notification.target_type is not None:
        target = registry.resolve_visible(
            notification.target_type,
            notification.target_id,
            user=request.user,  # type: ignore[arg-type]
        )
    url = registry.object_url(target) if target is not None else None
    if url and not notification.awaiting_ack:
        return redirect(url)
    return render(request, "notifications/detail.html", {"notification": notification, "target_url": url})


@require_POST
def notification_read(request: HttpRequest, pk: str) -> HttpResponse:
    notification = _own(request, pk)
    services.notification_read(notification=notification, user=request.user)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notifications/list.html#notification-row", {"n": notification})
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(user=request.user)  # type: ignore[arg-type]
    return redirect("notifications:list")


@require_POST
def notification_acknowledge(request: HttpRequest, pk: str) -> HttpResponse:
    notification = _own(request, pk)
    services.notification_acknowledge(notification=notification, user=request.user)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notifications/list.html#notification-row", {"n": notification})
    return redirect("notifications:open", pk=notification.pk)


def unread_badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, polled in the background (does not extend the idle timeout)."""
    return render(request, "notifications/badge.html", {"unread": services.unread_count(request.user)})  # type: ignore[arg-type]
