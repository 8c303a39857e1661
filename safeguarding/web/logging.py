from __future__ import annotations

import logging

from safeguarding import context


class RequestIdFilter(logging.Filter):
    """Adds the request id to every log record (never personal data)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id or "-"
        return True
