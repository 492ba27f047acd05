"""A real browser for tests: Debian's chromium, headless, driven by Playwright.

The browser is the system's (``/usr/bin/chromium``, or ``CHROMIUM``; ``make browser`` installs
it), never one downloaded by ``playwright install``. Each session starts with a fresh profile,
records what the page logged as an error, and refuses every request whose host is not loopback,
recording it, so a test can assert that nothing left the machine::

    def test_page(browser_session: BrowserSession) -> None:
        browser_session.page.goto(url)
        assert browser_session.off_loopback == []

A test that needs the browser skips, saying why, only when no browser can be had here.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Route

REPORTS = Path(__file__).resolve().parents[1] / "reports"

# The flags every browser test runs with: no sandbox (containers, root), no GPU, and none of
# the browser's own traffic (updates, sync, field trials) that would leave the machine.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# schemes that never reach a host
_LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-error", "file"})

# each action waits at most this long (milliseconds): a stuck page fails the test, never hangs
DEFAULT_TIMEOUT_MS = 15_000


def chromium_path() -> Path:
    """Where the browser is expected: ``CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")


def browser_unavailable() -> str | None:
    """Why no browser test can run here, or None when one can."""
    path = chromium_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        return (
            f"no browser at {path}: `make browser` installs Debian's chromium "
            "(apt-get, as root), and could not here"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: `make install` (the dev extra) installs it"
    return None


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``127.0.0.0/8`` or ``::1``: the only hosts a test page may reach."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class BrowserSession:
    """One page in a fresh profile, and what it did that a test may assert on."""

    page: Page
    context: BrowserContext
    console_errors: list[str] = field(default_factory=list)
    off_loopback: list[str] = field(default_factory=list)  # URLs refused, in order

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Write the page to ``reports/<name>.png`` (CI uploads ``reports/``)."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
        REPORTS.mkdir(parents=True, exist_ok=True)
        path = REPORTS / f"{safe}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@contextmanager
def chromium_session(
    *, viewport: tuple[int, int] = (1280, 900), java_script: bool = True
) -> Iterator[BrowserSession]:
    """Launch the system chromium headless with a fresh profile; skip when there is none."""
    reason = browser_unavailable()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(chromium_path()),
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": viewport[0], "height": viewport[1]},
            java_script_enabled=java_script,
            service_workers="block",
        )
        try:
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            page = context.pages[0] if context.pages else context.new_page()
            session = BrowserSession(page=page, context=context)

            def guard(route: Route) -> None:
                url = route.request.url
                parts = urlsplit(url)
                if parts.scheme in _LOCAL_SCHEMES or is_loopback_host(parts.hostname or ""):
                    route.continue_()
                else:
                    session.off_loopback.append(url)
                    route.abort("blockedbyclient")

            def console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    session.console_errors.append(message.text)

            context.route("**/*", guard)
            context.on("console", console)
            context.on("weberror", lambda error: session.console_errors.append(str(error.error)))
            yield session
        finally:
            context.close()


@pytest.fixture
def browser_session() -> Iterator[BrowserSession]:
    """A headless chromium page (see :func:`chromium_session`); skips when there is none."""
    with chromium_session() as session:
        yield session
