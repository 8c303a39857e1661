from __future__ import annotations

from django import template

register = template.Library()

_TAGS = {
    "red": ("govuk-tag--red", "Red"),
    "amber": ("govuk-tag--orange", "Amber"),
    "green": ("govuk-tag--green", "Green"),
    "blue": ("govuk-tag--blue", "Blue"),
    "none": ("govuk-tag--grey", "Cancelled"),
}


@register.filter
def rag_tag(value: str) -> tuple[str, str]:
    """(tag class, label) for a RAG rating."""
    return _TAGS.get(value, _TAGS["none"])
