"""Serialising one object for a response without rebuilding the serializer each time.

DRF builds every field of a serializer, and of each nested serializer, whenever one is instantiated (a
``ModelSerializer`` introspects its model to do it). For a detail response that construction costs more than the
serialising itself (``bench/bench_sharing.py``, audited detail). ``represent`` keeps one built instance per serializer
class and thread, and hands it each call's context; the output is exactly ``serializer_class(obj, context=…).data``.

Only for read-only serializers whose fields do not depend on the context or the instance.
"""

from __future__ import annotations

import threading
from typing import Any

from rest_framework import serializers

_local = threading.local()


def represent(serializer_class: type[serializers.Serializer[Any]], obj: Any, context: dict[str, Any]) -> dict[str, Any]:
    """``dict(serializer_class(obj, context=context).data)``, reusing this thread's built instance of the class."""
    built: dict[type[Any], serializers.Serializer[Any]] = _local.__dict__.setdefault("built", {})
    serializer = built.pop(serializer_class, None)  # popped while in use: a re-entrant call builds its own
    if serializer is None:
        serializer = serializer_class(context={})
        serializer.fields  # noqa: B018 - build (and cache on the instance) the field tree once
    serializer._context = context  # what every field reads through ``root.context``
    try:
        return dict(serializer.to_representation(obj))
    finally:
        serializer._context = {}
        built[serializer_class] = serializer
