"""Demo notifications for ``seed_demo`` (idempotent through each notification's dedupe key)."""

from __future__ import annotations

from safeguarding.demo import demo_user
from safeguarding.notifications.models import Priority
from safeguarding.notifications.services import notify

# (recipient, dedupe key, title, needs acknowledgement). Titles carry opaque references only.
DEMO_NOTIFICATIONS = (
    ("asha.okafor@trust.demo", "demo:high-risk-1", "High-risk concern SG-2026-000101 needs your acknowledgement", True),
    ("asha.okafor@trust.demo", "demo:welcome", "Welcome to the service: check your sessions under Your account", False),
    ("priya.shah@trust.demo", "demo:high-risk-2", "High-risk concern SG-2026-000102 needs your acknowledgement", True),
    ("priya.shah@trust.demo", "demo:meeting", "Strategy discussion for SG-2026-000102 arranged", False),
    ("tom.reed@trust.demo", "demo:review", "Action plan item SG-2026-000087 is due for review", False),
    (
        "lucy.brown@council.demo",
        "demo:high-risk-3",
        "High-risk concern SG-2026-000103 needs your acknowledgement",
        True,
    ),
    ("sam.jones@council.demo", "demo:referral", "New referral SG-2026-000104 assigned to your team", False),
)


def seed_notifications() -> None:
    for email, key, title, requires_ack in DEMO_NOTIFICATIONS:
        notify(
            recipients=[demo_user(email)],
            kind="demo",
            title=title,
            priority=Priority.HIGH if requires_ack else Priority.NORMAL,
            requires_ack=requires_ack,
            dedupe_key=key,
            email=False,
        )
