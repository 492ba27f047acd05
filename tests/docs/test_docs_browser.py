"""The built site, looked at in headless Chromium: it renders, navigates, searches, and
loads nothing from outside 127.0.0.1.

The site is built with ``mkdocs build --strict`` into a temporary folder and served by the
standard library's HTTP server on 127.0.0.1; Debian's ``chromium`` is driven by Playwright
(never a browser Playwright downloads). Screenshots go to ``reports/``.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: the browser resolves no host name but 127.0.0.1's: nothing the site asks for leaves it
OFF_LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
CHROMIUM_ARGS = [
    OFF_LOOPBACK,
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
SEARCHES = ("create_setting", "configcat_flags", "--detailed-exitcode")

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the docs extra (Playwright) is not installed"
)
if not CHROMIUM.exists():  # pragma: no cover - a machine without Debian's chromium package
    pytest.skip("needs Debian's chromium at /usr/bin/chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built strictly as ``make docs`` builds it."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(  # noqa: S603 - this environment's mkdocs
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(site: Path) -> Iterator[str]:
    """The site on 127.0.0.1, for as long as the module's tests run."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's chromium, headless, with a fresh profile."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any, served_site: str) -> Iterator[Any]:
    """A page that records console errors and refuses every request off loopback."""
    tab = browser.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.errors = []
    tab.outside = []

    def record(request: Any) -> None:
        url = request.url
        if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname != "127.0.0.1":
            tab.outside.append(url)

    # every request of the page and of its workers, recorded; the browser itself resolves no
    # other host (OFF_LOOPBACK), so a request off the machine fails as well as being recorded
    browser.on("request", record)
    tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    try:
        yield tab
    finally:
        browser.remove_listener("request", record)
        tab.close()


def _reports() -> Path:
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    return reports


def test_home_renders_without_errors_and_stays_on_loopback(page: Any, served_site: str) -> None:
    response = page.goto(served_site + "/", wait_until="networkidle")
    assert response is not None and response.ok
    assert "configcat-publicapi" in page.title()
    assert page.locator("article h1").first.inner_text().startswith("configcat-publicapi")
    page.screenshot(path=str(_reports() / "docs-home.png"), full_page=False)
    assert page.outside == []
    assert page.errors == []


def test_every_top_level_section_is_reachable(page: Any, served_site: str) -> None:
    page.goto(served_site + "/", wait_until="networkidle")
    items = page.locator("nav.md-nav--primary > ul.md-nav__list > li.md-nav__item")
    names_and_links = []
    for index in range(items.count()):
        item = items.nth(index)
        name = item.locator("a.md-nav__link, label.md-nav__link").first.inner_text().strip()
        href = item.locator("a[href]").first.get_attribute("href")
        names_and_links.append((name, href))
    names = [name for name, _ in names_and_links]
    assert {"Home", "Quickstart", "Guides", "Reference", "Changelog"} <= set(names), names
    for name, href in names_and_links:
        assert href, f"{name} has no link"
        response = page.goto(f"{page.url.rsplit('/', 1)[0]}/{href}".replace("/./", "/"))
        assert response is not None and response.ok, f"{name}: {href}"
        assert page.locator("article h1").count() >= 1, f"{name}: {href} has no heading"
        page.goto(served_site + "/", wait_until="networkidle")
    assert page.outside == []
    assert page.errors == []


@pytest.mark.parametrize("term", SEARCHES)
def test_search_finds(page: Any, served_site: str, term: str) -> None:
    with page.expect_response(lambda response: "search_index.json" in response.url):
        page.goto(served_site + "/", wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially(term, delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    text = page.locator(".md-search-result").inner_text()
    assert term.strip("-").split("-")[0] in text, text[:500]
    assert page.outside == []
    assert page.errors == []


def test_a_reference_page(page: Any, served_site: str) -> None:
    response = page.goto(served_site + "/reference/operations/settings/", wait_until="networkidle")
    assert response is not None and response.ok
    assert page.locator("#create_setting").count() == 1
    page.screenshot(path=str(_reports() / "docs-reference.png"), full_page=False)
    assert page.outside == []
    assert page.errors == []


def test_chromium_is_the_system_package() -> None:
    # never a browser Playwright downloaded: the brief's machines have none
    assert shutil.which("chromium") == str(CHROMIUM) or CHROMIUM.exists()
