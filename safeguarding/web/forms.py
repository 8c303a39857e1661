"""Form helpers shared by every app's HTML views."""

from __future__ import annotations

from typing import Any

from safeguarding.exceptions import ServiceError


def add_service_errors(form: Any, exc: ServiceError) -> None:
    """Show a service's refusal in the form's GOV.UK error summary: field errors beside their field when the form has
    it, the rest (or the message alone) at the top."""
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.detail)
