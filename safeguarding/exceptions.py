"""Errors services raise; the API maps them to the conventions (400, 403, 409) and forms to error summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ServiceError(Exception):
    status_code = 400
    default_detail = "The request could not be completed."

    def __init__(self, detail: str | None = None, errors: Mapping[str, Sequence[str]] | None = None) -> None:
        self.detail = detail or self.default_detail
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
        super().__init__(self.detail)


class InvalidInput(ServiceError):
    """Field-level validation failed (400)."""

    status_code = 400
    default_detail = "Check the highlighted fields."

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls(errors={name: [message]})


class ActionForbidden(ServiceError):
    """The object is visible but the user's role or scope may not take this action (403)."""

    status_code = 403
    default_detail = "You do not have permission to do this."


class TransitionNotAllowed(ServiceError):
    """The action is not allowed in the object's current state (409)."""

    status_code = 409
    default_detail = "This action is not allowed now."
