"""A short, human description of a browser from its user-agent string ("Firefox on Windows")."""

from __future__ import annotations

_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("HeadlessChrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str) -> str:
    if not user_agent:
        return "Unknown device"
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "A browser")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    return f"{browser} on {system}" if system else browser
