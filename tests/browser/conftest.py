"""Browser journeys in real headless Chromium (Debian's package, never a downloaded browser), with axe-core."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY
from tests.helpers import totp_code

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe = Axe()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Journey:
    """A page plus the checks every journey makes: no CSP violations, no axe-core WCAG 2.2 AA violations."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.audited: list[str] = []
        self.others: list[Journey] = []
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def check_accessible(self, label: str | None = None) -> None:
        self.page.wait_for_load_state("networkidle")
        results = _axe.run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        name = label or self.page.url
        self.audited.append(name)
        assert results.violations_count == 0, f"axe-core violations on {name}:\n{results.generate_report()}"

    def check_no_csp_violations(self) -> None:
        csp = [e for e in self.console_errors if "Content Security Policy" in e or "Refused to" in e]
        assert not csp, f"CSP violations: {csp}"

    def use_session(self, client: Any) -> None:
        """Continue as a Django test client that has signed in (``tests.helpers.signed_in``): no TOTP code is used,
        so the journey can still enter one (for example to re-authenticate) within the same 30-second step."""
        self.page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.base_url}]
        )

    def new_user_session(self, email: str) -> Journey:
        """A second browser (its own context) signed in as another user, checked the same way at teardown."""
        from safeguarding.accounts.models import User
        from tests.helpers import signed_in

        context = self.page.context.browser.new_context(base_url=self.base_url)  # type: ignore[union-attr]
        other = Journey(context.new_page(), self.base_url)
        other.page.set_default_timeout(15_000)
        other.use_session(signed_in(User.objects.get(email=email)))
        self.others.append(other)
        return other

    def sign_in(self, email: str, password: str = TEST_PASSWORD, totp_key: str = TEST_TOTP_KEY) -> None:
        self.goto("/accounts/sign-in/")
        self.check_accessible("sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_url("**/security-code/verify/")
        self.check_accessible("security code")
        self.page.get_by_label("Security code").fill(totp_code(totp_key))
        self.page.get_by_role("button", name="Continue").click()


@pytest.fixture
def journey(browser: Browser, live_server: Any) -> Iterator[Journey]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    j = Journey(page, live_server.url)
    yield j
    # Let in-flight requests (htmx panels that write access rows) finish before the database is flushed:
    # a request still writing while the flush truncates the tables can deadlock the teardown.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=10_000)
    j.check_no_csp_violations()
    for other in j.others:
        other.check_no_csp_violations()
        other.page.context.close()
    context.close()
