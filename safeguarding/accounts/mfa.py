from __future__ import annotations

from typing import Any


def user_is_verified(user: Any) -> bool:
    """True once the session has passed MFA (django-otp's middleware attaches ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())
