"""The dashboard in a real browser, against ``configcat-mock serve``, with the official SDK.

Chromium (``make browser``) clicks the toggle a screen reader would announce as
``Toggle <key> in <environment>``; the ConfigCat Python SDK then sees the new value after a
refresh. Every page is checked for requests off loopback and for errors in the console.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from configcatclient import ConfigCatClient as SdkClient
from configcatclient import ConfigCatOptions, PollingMode

from tests.browser_support import BrowserSession, chromium_session
from tests.dashboard.dashboard_support import Product, management_client, served_fake
from tests.loopback_http import LoopbackFiles

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

# Chromium and configcat-mock serve in subprocesses: seconds a test
pytestmark = pytest.mark.slow

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    with served_fake() as url:
        yield url


@pytest.fixture
def api(fake: str) -> Iterator[httpx.Client]:
    with management_client(fake) as client:
        yield client


def _sdk(fake: str, sdk_key: str) -> SdkClient:
    options = ConfigCatOptions(base_url=fake, polling_mode=PollingMode.manual_poll())
    client: SdkClient = SdkClient.get(sdk_key, options)
    return client


def _clean(session: BrowserSession) -> None:
    assert session.off_loopback == []
    assert session.console_errors == []


def test_a_toggle_clicked_in_the_browser_reaches_the_sdk(
    fake: str, api: httpx.Client, browser_session: BrowserSession
) -> None:
    shop = Product.create(api, "Browser shop")
    for key in ("checkoutV2", "darkMode", "newSearch"):
        shop.flag(key)
    shop.flag("bannerText", "string")
    sdk = _sdk(fake, shop.sdk_key("Production"))
    try:
        sdk.force_refresh()
        assert sdk.get_value("darkMode", None) is False

        page = browser_session.page
        page.goto(fake + "/")
        page.get_by_role("link", name="Main").first.click()
        toggle = page.get_by_role("button", name="Toggle darkMode in Production")
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        page.wait_for_load_state()
        toggle = page.get_by_role("button", name="Toggle darkMode in Production")
        assert toggle.get_attribute("aria-pressed") == "true"
        assert (
            page.get_by_role("button", name="Toggle darkMode in Staging").get_attribute(
                "aria-pressed"
            )
            == "false"
        )

        sdk.force_refresh()
        assert sdk.get_value("darkMode", None) is True
        assert sdk.get_value("checkoutV2", None) is False
        browser_session.screenshot("dashboard-grid")
        _clean(browser_session)
    finally:
        sdk.close()


def test_the_keyboard_reaches_and_presses_a_toggle(
    fake: str, api: httpx.Client, browser_session: BrowserSession
) -> None:
    shop = Product.create(api, "Keyboard shop")
    shop.flag("darkMode")
    page = browser_session.page
    page.goto(f"{fake}/_dashboard/configs/{shop.config_id}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    target = "Toggle darkMode in Development"
    for _ in range(40):  # the header's links, the search, then the grid
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == target:
            break
    else:
        pytest.fail(f"Tab never reached {target!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert shop.value("darkMode", "Development") is True
    _clean(browser_session)


def test_hostile_names_show_as_text(
    fake: str, api: httpx.Client, browser_session: BrowserSession
) -> None:
    shop = Product.create(api, HOSTILE)
    shop.flag("hostile", "string", hint=HOSTILE)
    api.put(f"/v1/settings/{shop.flags['hostile']}", json={"name": HOSTILE, "hint": HOSTILE})
    dialogs: list[str] = []
    page = browser_session.page

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(f"{fake}/_dashboard/configs/{shop.config_id}")
    assert page.get_by_text(HOSTILE, exact=True).first.is_visible()
    page.goto(fake + "/_dashboard/")
    assert page.get_by_role("heading", name=HOSTILE).is_visible()
    assert dialogs == []
    _clean(browser_session)


def test_a_cross_site_form_is_refused(
    fake: str,
    api: httpx.Client,
    browser_session: BrowserSession,
    loopback_files: LoopbackFiles,
) -> None:
    shop = Product.create(api, "Target shop")
    shop.flag("darkMode")
    grid = f"{fake}/_dashboard/configs/{shop.config_id}"
    toggle = f"{shop.flags['darkMode']}|{shop.environments['Production']}|true"
    loopback_files.files["/"] = (
        f'<!doctype html><title>elsewhere</title><form method="post" action="{grid}">'
        f'<input name="toggle" value="{toggle}"><input name="csrf_token" value="guessed">'
        '<button type="submit">win a prize</button></form>'
    ).encode()
    page = browser_session.page
    page.goto(grid)  # the browser has been to the dashboard: it holds its cookie
    page.goto(loopback_files.url + "/")
    with page.expect_response(grid) as answer:
        page.get_by_role("button", name="win a prize").click()
    assert answer.value.status == 403
    assert shop.value("darkMode", "Production") is False
    assert browser_session.off_loopback == []


def test_a_phone_sized_screen_shows_the_grid(fake: str, api: httpx.Client) -> None:
    shop = Product.create(api, "Phone shop")
    for key in ("darkMode", "newSearch"):
        shop.flag(key)
    with chromium_session(viewport=(390, 844)) as session:
        session.page.goto(f"{fake}/_dashboard/configs/{shop.config_id}")
        toggle = session.page.get_by_role("button", name="Toggle newSearch in Development")
        assert toggle.is_visible()
        width = session.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # the grid scrolls inside its box, not the page
        session.screenshot("dashboard-grid-phone", full_page=False)
        _clean(session)


UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    'button, input:not([type=hidden]), select, textarea, a[href]')]
  .filter(el => !el.hidden && el.getAttribute('aria-hidden') !== 'true')
  .filter(el => {
    const byFor = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    const name = el.getAttribute('aria-label') || (byFor && byFor.textContent)
      || (el.closest('label') && el.closest('label').textContent) || el.textContent;
    return !name || !name.trim();
  })
  .map(el => el.outerHTML.slice(0, 160))"""


def test_every_control_on_every_page_has_a_name(
    fake: str, api: httpx.Client, browser_session: BrowserSession
) -> None:
    shop = Product.create(api, "Named shop", reason_required=True)
    shop.flag("darkMode")
    shop.flag("bannerText", "string")
    shop.sdk_key("Production")
    setting, environment = shop.flags["bannerText"], shop.environments["Production"]
    page = browser_session.page
    for path in (
        "/_dashboard/",
        f"/_dashboard/configs/{shop.config_id}",
        f"/_dashboard/values/{setting}/{environment}",
        "/_dashboard/audit",
        "/_dashboard/journal?live=0",
        "/_dashboard/webhooks",
        "/_dashboard/faults",
        "/_dashboard/state",
        "/_dashboard/api",
    ):
        page.goto(fake + path)
        assert page.evaluate(UNNAMED_CONTROLS) == [], path
        assert page.locator("h1").count() == 1, path
    _clean(browser_session)
