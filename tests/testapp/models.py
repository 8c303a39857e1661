from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models

from safeguarding.actions.models import Action


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="WidgetEvent")
class Widget(models.Model):
    """A stand-in for a domain record (a case, a referral): owned by an agency, visible to its case workers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class WidgetAction(Action):
    """A tracked action kind on widgets (as plan, meeting and review actions are on their parents)."""

    parent_field = "widget"

    widget = models.ForeignKey(Widget, on_delete=models.CASCADE, related_name="actions")
