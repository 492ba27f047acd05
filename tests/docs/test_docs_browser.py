"""The built site, looked at in headless Chromium: it renders, navigates, searches, and
loads nothing from outside loopback.

The site is the session's one strict build (``site`` in ``conftest.py``, as ``make docs``
builds it), served by the standard library's HTTP server on 127.0.0.1; the browser is the
shared helper's (``tests/browser_support.py``: Debian's chromium, every request off loopback
refused and recorded). Screenshots go to ``reports/``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import BrowserSession
from tests.loopback_http import SHUTDOWN_POLL_S

ROOT = Path(__file__).resolve().parents[2]
# Chromium, on the site a `mkdocs build --strict` subprocess makes: seconds a test
pytestmark = pytest.mark.slow

SEARCHES = ("create_setting", "configcat_flags", "--detailed-exitcode")
TOP_LEVEL = {"Home", "Quickstart", "Guides", "Reference", "Changelog", "Contributing"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(site: Path) -> Iterator[str]:
    """The site on 127.0.0.1, for as long as the module's tests run."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _clean(session: BrowserSession) -> None:
    assert session.off_loopback == []
    assert session.console_errors == []


def test_home_renders_without_errors_and_stays_on_loopback(
    browser_session: BrowserSession, served_site: str
) -> None:
    page = browser_session.page
    response = page.goto(served_site + "/", wait_until="networkidle")
    assert response is not None and response.ok
    assert "configcat-publicapi" in page.title()
    assert page.locator("article h1").first.inner_text().startswith("configcat-publicapi")
    browser_session.screenshot("docs-home", full_page=False)
    _clean(browser_session)


def test_every_top_level_section_is_reachable(
    browser_session: BrowserSession, served_site: str
) -> None:
    page = browser_session.page
    page.goto(served_site + "/", wait_until="networkidle")
    items = page.locator("nav.md-nav--primary > ul.md-nav__list > li.md-nav__item")
    found = []
    for index in range(items.count()):
        item = items.nth(index)
        name = item.locator("a.md-nav__link, label.md-nav__link").first.inner_text().strip()
        href = item.locator("a[href]").first.get_attribute("href")
        found.append((name, href))
    assert {name for name, _ in found} >= TOP_LEVEL, found
    for name, href in found:
        assert href, f"{name} has no link"
        response = page.goto(f"{served_site}/{href.removeprefix('./')}")
        assert response is not None and response.ok, f"{name}: {href}"
        assert page.locator("article h1").count() >= 1, f"{name}: {href} has no heading"
    _clean(browser_session)


@pytest.mark.parametrize("term", SEARCHES)
def test_search_finds(browser_session: BrowserSession, served_site: str, term: str) -> None:
    page = browser_session.page
    with page.expect_response(lambda response: "search_index.json" in response.url):
        page.goto(served_site + "/", wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially(term, delay=20)
    page.locator(".md-search-result__item").first.wait_for()
    text = page.locator(".md-search-result").inner_text()
    assert term.lstrip("-").split("-")[0] in text, text[:500]
    _clean(browser_session)


def test_a_reference_page(browser_session: BrowserSession, served_site: str) -> None:
    page = browser_session.page
    response = page.goto(served_site + "/reference/operations/settings/", wait_until="networkidle")
    assert response is not None and response.ok
    assert page.locator("#create_setting").count() == 1
    browser_session.screenshot("docs-reference", full_page=False)
    _clean(browser_session)
