"""Metrics M1–M24 (domain reference §6.2). Importing the modules below registers them."""

from __future__ import annotations

_loaded = False


def load() -> None:
    global _loaded
    if _loaded:
        return
    from assurance.metrics import cases_metrics, partners, sharing_metrics, training_metrics  # noqa: F401

    _loaded = True
