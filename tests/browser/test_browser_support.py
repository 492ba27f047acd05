"""The browser the tests drive: system chromium, nothing off loopback, errors and pictures kept."""

from __future__ import annotations

import pytest

from tests.browser_support import BrowserSession, is_loopback_host
from tests.loopback_http import LoopbackFiles

# 192.0.2.0/24 is reserved for documentation (RFC 5737): were the guard to let it through,
# the request would still go nowhere
PAGE = b"""<!doctype html><html><head><title>probe</title>
<link rel="stylesheet" href="/style.css">
<link rel="stylesheet" href="http://192.0.2.1/remote.css">
</head><body><h1>probe</h1>
<img src="http://example.invalid/pixel.png" alt="">
<script>console.error("probe error"); fetch("/data.json");</script>
</body></html>"""


def test_loopback_and_local_schemes_pass_others_do_not() -> None:
    for host in ("127.0.0.1", "127.3.4.5", "localhost", "[::1]", "::1", "app.localhost"):
        assert is_loopback_host(host), host
    for host in ("192.0.2.1", "example.com", "localhost.example.com", "10.0.0.1", ""):
        assert not is_loopback_host(host), host


@pytest.mark.slow  # Chromium
def test_requests_off_loopback_are_refused_and_recorded(
    browser_session: BrowserSession, loopback_files: LoopbackFiles
) -> None:
    loopback_files.files.update(
        {"/": PAGE, "/style.css": b"h1 { color: #123456 }", "/data.json": b"{}"}
    )

    browser_session.page.goto(loopback_files.url + "/")
    browser_session.page.wait_for_load_state("networkidle")

    assert browser_session.page.title() == "probe"
    assert set(browser_session.off_loopback) == {
        "http://192.0.2.1/remote.css",
        "http://example.invalid/pixel.png",
    }
    # what stayed on loopback was served
    assert {"/", "/style.css", "/data.json"} <= set(loopback_files.hits)
    assert "probe error" in browser_session.console_errors


@pytest.mark.slow  # Chromium
def test_screenshot_goes_to_reports(
    browser_session: BrowserSession, loopback_files: LoopbackFiles
) -> None:
    loopback_files.files["/"] = b"<!doctype html><title>shot</title><p>picture</p>"
    browser_session.page.goto(loopback_files.url + "/")

    path = browser_session.screenshot("browser support/probe")

    assert path.parent.name == "reports"
    assert path.name == "browser-support-probe.png"
    assert path.read_bytes().startswith(b"\x89PNG")
