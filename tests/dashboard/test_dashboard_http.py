"""The dashboard over HTTP: who may use it, the CSRF token, and changes made by the API's rules."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from dashboard_support import Product, csrf_token, management_client, ok
from loopback_http import LoopbackFiles

from configcat_mock import MockConfigCat
from configcat_mock.http.server import LoopbackServer

TOKEN = "dashboard-control-token"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False) as instance:
        yield instance
        assert not instance.app.internal_errors


@pytest.fixture
def api(mock: MockConfigCat) -> Iterator[httpx.Client]:
    with management_client("http://127.0.0.1", mock.transport) as client:
        yield client


@pytest.fixture
def browser(mock: MockConfigCat) -> Iterator[httpx.Client]:
    """What a browser on the same machine sends: no credentials, cookies kept."""
    with httpx.Client(transport=mock.transport, base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture
def shop(api: httpx.Client) -> Product:
    product = Product.create(api)
    product.flag("darkMode")
    return product


def _toggle(
    browser: httpx.Client, shop: Product, key: str, env: str, **form: str
) -> httpx.Response:
    grid = f"/_dashboard/configs/{shop.config_id}"
    token = csrf_token(browser.get(grid))
    data = {"csrf_token": token, "toggle": f"{shop.flags[key]}|{shop.environments[env]}|true"}
    return browser.post(grid, data={**data, **form})


# -- access ---------------------------------------------------------------------------------


def test_root_leads_to_the_dashboard(browser: httpx.Client) -> None:
    first = browser.get("/")
    assert first.status_code == 303
    assert first.headers["location"] == "/_dashboard/"
    page = browser.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert "<h1>Flags</h1>" in page.text


@pytest.mark.parametrize("base_url", ["http://10.1.2.3", "http://[2001:db8::1]"])
def test_without_a_token_only_loopback_reaches_it(mock: MockConfigCat, base_url: str) -> None:
    with httpx.Client(transport=mock.transport, base_url=base_url) as outside:
        for path in ("/", "/_dashboard/", "/_dashboard/state.json", "/_dashboard/api"):
            response = outside.get(path)
            assert response.status_code == 403, path
            assert "--control-token" in response.text
        assert outside.post("/_dashboard/state", data={"action": "reset"}).status_code == 403


def test_with_a_token_a_browser_logs_in_and_keeps_it_in_a_strict_cookie() -> None:
    with (
        MockConfigCat(control_token=TOKEN) as mock,
        httpx.Client(transport=mock.transport, base_url="http://10.1.2.3") as browser,
    ):
        page = browser.get("/_dashboard/audit?type=x")
        assert page.status_code == 303
        assert page.headers["location"] == "/_dashboard/login?next=%2F_dashboard%2Faudit%3Ftype%3Dx"
        assert browser.get("/_dashboard/state.json").status_code == 303
        assert browser.post("/_dashboard/state", data={"action": "reset"}).status_code == 401

        login = browser.get("/_dashboard/login")
        token = csrf_token(login)
        wrong = browser.post("/_dashboard/login", data={"csrf_token": token, "token": "nope"})
        assert wrong.status_code == 401
        assert "configcat_mock_control" not in browser.cookies
        no_csrf = browser.post("/_dashboard/login", data={"token": TOKEN})
        assert no_csrf.status_code == 403

        right = browser.post(
            "/_dashboard/login?next=/_dashboard/audit",
            data={"csrf_token": token, "token": TOKEN},
        )
        assert right.status_code == 303
        assert right.headers["location"] == "/_dashboard/audit"
        cookie = right.headers["set-cookie"].lower()
        assert "configcat_mock_control=" in cookie
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert browser.get("/_dashboard/audit").status_code == 200
        assert browser.get("/_dashboard/state.json").json()["tables"]["users"]

        out = browser.post(
            "/_dashboard/logout", data={"csrf_token": csrf_token(browser.get("/_dashboard/"))}
        )
        assert out.status_code == 303
        assert browser.get("/_dashboard/").status_code == 303


def test_login_sends_nowhere_but_the_dashboard() -> None:
    with (
        MockConfigCat(control_token=TOKEN) as mock,
        httpx.Client(transport=mock.transport, base_url="http://127.0.0.1") as browser,
    ):
        token = csrf_token(browser.get("/_dashboard/login"))
        for target in ("https://example.com/", "//example.com/", "/v1/me"):
            response = browser.post(
                "/_dashboard/login",
                params={"next": target},
                data={"csrf_token": token, "token": TOKEN},
            )
            assert response.headers["location"] == "/_dashboard/", target


def test_pages_forbid_scripts_from_anywhere_else_and_framing(browser: httpx.Client) -> None:
    page = browser.get("/_dashboard/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert (
        browser.get("/_dashboard/static/dashboard.css")
        .headers["content-type"]
        .startswith("text/css")
    )
    assert browser.get("/_dashboard/static/missing.css").status_code == 404
    assert browser.get("/_dashboard/static/..%2Fpages.py").status_code == 404


# -- CSRF -----------------------------------------------------------------------------------


def test_a_change_without_the_csrf_token_is_refused(browser: httpx.Client, shop: Product) -> None:
    grid = f"/_dashboard/configs/{shop.config_id}"
    browser.get(grid)  # the browser has its cookie
    toggle = f"{shop.flags['darkMode']}|{shop.environments['Production']}|true"
    for data in ({"toggle": toggle}, {"toggle": toggle, "csrf_token": "0" * 64}):
        response = browser.post(grid, data=data)
        assert response.status_code == 403
        assert "CSRF" in response.text
    assert shop.value("darkMode", "Production") is False


def test_another_browsers_token_is_refused(
    mock: MockConfigCat, browser: httpx.Client, shop: Product
) -> None:
    grid = f"/_dashboard/configs/{shop.config_id}"
    with httpx.Client(transport=mock.transport, base_url="http://127.0.0.1") as other:
        theirs = csrf_token(other.get(grid))
    browser.get(grid)
    toggle = f"{shop.flags['darkMode']}|{shop.environments['Production']}|true"
    assert browser.post(grid, data={"toggle": toggle, "csrf_token": theirs}).status_code == 403
    assert shop.value("darkMode", "Production") is False


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://127.0.0.1:9999"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_post_another_site_sent_is_refused_even_with_a_token(
    browser: httpx.Client, shop: Product, headers: dict[str, str]
) -> None:
    grid = f"/_dashboard/configs/{shop.config_id}"
    token = csrf_token(browser.get(grid))
    toggle = f"{shop.flags['darkMode']}|{shop.environments['Production']}|true"
    response = browser.post(grid, data={"toggle": toggle, "csrf_token": token}, headers=headers)
    assert response.status_code == 403
    assert shop.value("darkMode", "Production") is False


# -- changes through the API's rules -------------------------------------------------------


def test_a_toggle_is_the_apis_change_audited_and_delivered(
    mock: MockConfigCat, browser: httpx.Client, api: httpx.Client, shop: Product
) -> None:
    sdk_key = shop.sdk_key("Production")
    response = _toggle(browser, shop, "darkMode", "Production")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"#flag-{shop.flags['darkMode']}")
    assert shop.value("darkMode", "Production") is True
    assert shop.value("darkMode", "Development") is False
    delivered = ok(api.get(f"/configuration-files/{sdk_key}/config_v6.json"))
    assert delivered["f"]["darkMode"]["v"]["b"] is True
    audit = ok(api.get(f"/v1/products/{shop.product_id}/auditlogs"))
    change = next(a for a in audit if a["auditLogType"] == "settingValueChanged")
    assert change["actionTarget"] == "darkMode"
    assert change["userEmail"] == "demo@example.com"
    assert "Production" in change["where"]


def test_a_toggle_sends_the_webhooks_of_the_environment(
    mock: MockConfigCat,
    browser: httpx.Client,
    api: httpx.Client,
    shop: Product,
    loopback_files: LoopbackFiles,
) -> None:
    loopback_files.files["/hook"] = b""
    ok(
        api.post(
            f"/v1/configs/{shop.config_id}/environments/{shop.environments['Production']}/webhooks",
            json={"url": loopback_files.url + "/hook", "httpMethod": "post", "content": "changed"},
        )
    )
    assert _toggle(browser, shop, "darkMode", "Production").status_code == 303
    deliveries = mock.wait_for_webhooks()
    assert [d["url"] for d in deliveries] == [loopback_files.url + "/hook"]
    assert "/hook" in loopback_files.hits
    page = browser.get("/_dashboard/webhooks")
    assert loopback_files.url + "/hook" in page.text


def test_a_product_that_requires_a_reason_gets_one(
    browser: httpx.Client, api: httpx.Client
) -> None:
    shop = Product.create(api, "Careful", reason_required=True)
    shop.flag("darkMode")
    grid = browser.get(f"/_dashboard/configs/{shop.config_id}")
    assert 'name="reason"' in grid.text
    refused = _toggle(browser, shop, "darkMode", "Staging")
    assert refused.status_code == 400
    assert "A reason is required" in refused.text
    assert shop.value("darkMode", "Staging") is False
    assert _toggle(browser, shop, "darkMode", "Staging", reason="try it").status_code == 303
    assert shop.value("darkMode", "Staging") is True
    audit = ok(api.get(f"/v1/products/{shop.product_id}/auditlogs"))
    assert any(a["why"] == "try it" for a in audit)


def test_a_v1_config_is_changed_through_the_v1_endpoint(
    browser: httpx.Client, api: httpx.Client
) -> None:
    shop = Product.create(api, "Legacy", version="v1")
    shop.flag("darkMode")
    assert _toggle(browser, shop, "darkMode", "Production").status_code == 303
    environment, setting = shop.environments["Production"], shop.flags["darkMode"]
    assert ok(api.get(f"/v1/environments/{environment}/settings/{setting}/value"))["value"] is True


@pytest.mark.parametrize(
    ("setting_type", "extra", "entered", "stored"),
    [
        ("string", {}, HOSTILE, HOSTILE),
        ("int", {}, " 42 ", 42),
        ("double", {}, "2.5", 2.5),
        ("string", {"isJson": True}, '{"a": [1, 2]}', '{"a": [1, 2]}'),
    ],
)
def test_a_value_is_edited_by_its_type(
    browser: httpx.Client,
    api: httpx.Client,
    shop: Product,
    setting_type: str,
    extra: dict[str, object],
    entered: str,
    stored: object,
) -> None:
    shop.flag("edited", setting_type, **extra)
    page = f"/_dashboard/values/{shop.flags['edited']}/{shop.environments['Staging']}"
    token = csrf_token(browser.get(page))
    response = browser.post(page, data={"csrf_token": token, "value": entered})
    assert response.status_code == 303, response.text
    assert shop.value("edited", "Staging") == stored
    shown = browser.get(response.headers["location"])
    assert "Saved." in shown.text
    if entered == HOSTILE:
        assert HOSTILE not in shown.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text


@pytest.mark.parametrize(
    ("setting_type", "extra", "entered", "message"),
    [
        ("int", {}, "4.5", "whole number"),
        ("double", {}, "nan", "finite"),
        ("double", {}, "many", "a number"),
        ("string", {"isJson": True}, "{not json", "not JSON"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_with_the_reason(
    browser: httpx.Client,
    shop: Product,
    setting_type: str,
    extra: dict[str, object],
    entered: str,
    message: str,
) -> None:
    shop.flag("edited", setting_type, **extra)
    page = f"/_dashboard/values/{shop.flags['edited']}/{shop.environments['Staging']}"
    token = csrf_token(browser.get(page))
    response = browser.post(page, data={"csrf_token": token, "value": entered})
    assert response.status_code == 400
    assert message in response.text
    assert entered.replace("{", "") in response.text.replace("{", "")  # what was typed stays


def test_rules_segments_and_percentages_are_told_in_words(
    browser: httpx.Client, api: httpx.Client, shop: Product
) -> None:
    segment = ok(
        api.post(
            f"/v1/products/{shop.product_id}/segments",
            json={
                "name": "Beta users",
                "comparisonAttribute": "Email",
                "comparator": "contains",
                "comparisonValue": "@example.com",
            },
        )
    )
    setting_id = shop.flags["darkMode"]
    environment = shop.environments["Production"]
    formula = {
        "defaultValue": {"boolValue": False},
        "targetingRules": [
            {
                "conditions": [
                    {
                        "userCondition": {
                            "comparisonAttribute": "Country",
                            "comparator": "isOneOf",
                            "comparisonValue": {"listValue": [{"value": "HU"}, {"value": "NL"}]},
                        }
                    },
                    {"segmentCondition": {"segmentId": segment["segmentId"], "comparator": "isIn"}},
                ],
                "value": {"boolValue": True},
            },
            {
                "conditions": [],
                "percentageOptions": [
                    {"percentage": 30, "value": {"boolValue": True}},
                    {"percentage": 70, "value": {"boolValue": False}},
                ],
            },
        ],
        "percentageEvaluationAttribute": "Email",
    }
    ok(api.put(f"/v2/environments/{environment}/settings/{setting_id}/value", json=formula))
    page = browser.get(f"/_dashboard/values/{setting_id}/{environment}").text
    assert (
        "1. If Country is one of [HU, NL] and the user is in segment Beta users, serve true."
        in page
    )
    assert "2. For everyone else, split by Email: 30% true, 70% false." in page
    assert "Otherwise: serve false." in page
    assert "Beta users: Email contains @example.com" in page
    grid = browser.get(f"/_dashboard/configs/{shop.config_id}").text
    assert "+2 rules" in grid


# -- what happened, and the state ------------------------------------------------------------


def test_the_audit_log_is_paged_and_filtered(
    browser: httpx.Client, api: httpx.Client, shop: Product
) -> None:
    for number in range(60):
        shop.flag(f"flag{number}")
    everything = browser.get("/_dashboard/audit").text
    assert "page 1 of 2" in everything
    assert 'rel="next"' in everything
    second = browser.get("/_dashboard/audit?page=2").text
    assert "page 2 of 2" in second
    assert 'rel="prev"' in second
    only = browser.get("/_dashboard/audit", params={"q": "flag42"}).text
    assert "1 entry" in only
    assert "flag42" in only and "flag41" not in only
    kinds = browser.get("/_dashboard/audit", params={"type": "environmentCreated"}).text
    assert "3 entries" in kinds


def test_the_journal_reloads_itself_and_can_be_cleared(
    browser: httpx.Client, api: httpx.Client
) -> None:
    api.get("/v1/me")
    page = browser.get("/_dashboard/journal")
    assert '<meta http-equiv="refresh"' in page.text
    assert "/v1/me" in page.text
    assert '<meta http-equiv="refresh"' not in browser.get("/_dashboard/journal?live=0").text
    cleared = browser.post("/_dashboard/journal", data={"csrf_token": csrf_token(page)})
    assert cleared.status_code == 303
    assert "No requests yet." in browser.get("/_dashboard/journal").text


def test_faults_are_shown_and_set(mock: MockConfigCat, browser: httpx.Client) -> None:
    page = browser.get("/_dashboard/faults")
    token = csrf_token(page)
    rules = {"seed": 3, "rules": [{"route": "get-products", "rate_503": 0.25}]}
    saved = browser.post(
        "/_dashboard/faults", data={"csrf_token": token, "faults": json.dumps(rules)}
    )
    assert saved.status_code == 303
    assert mock.app.faults.to_json()["seed"] == 3
    shown = browser.get("/_dashboard/faults").text
    assert "get-products" in shown and "503: 25.0%" in shown
    bad = browser.post(
        "/_dashboard/faults", data={"csrf_token": token, "faults": '{"rules": [{"rate_500": 2}]}'}
    )
    assert bad.status_code == 400
    assert "out of range" in bad.text
    assert mock.app.faults.to_json()["seed"] == 3


def test_reset_needs_a_confirmation(
    browser: httpx.Client, api: httpx.Client, shop: Product
) -> None:
    token = csrf_token(browser.get("/_dashboard/state"))
    asked = browser.post("/_dashboard/state", data={"csrf_token": token, "action": "reset"})
    assert asked.status_code == 200
    assert "Reset the fake?" in asked.text
    assert ok(api.get(f"/v1/products/{shop.product_id}")) is not None  # nothing happened yet
    done = browser.post(
        "/_dashboard/state", data={"csrf_token": token, "action": "reset-confirmed"}
    )
    assert done.status_code == 303
    assert api.get(f"/v1/products/{shop.product_id}").status_code == 404


def test_a_seed_is_reviewed_then_loaded_and_reset_goes_back_to_it(
    browser: httpx.Client, api: httpx.Client, shop: Product
) -> None:
    state = browser.get("/_dashboard/state.json")
    assert state.headers["content-disposition"].startswith("attachment")
    document = state.text
    ok(api.post("/_mock/reset"))
    assert api.get(f"/v1/products/{shop.product_id}").status_code == 404
    token = csrf_token(browser.get("/_dashboard/state"))
    review = browser.post(
        "/_dashboard/state",
        data={"csrf_token": token, "action": "seed"},
        files={"file": ("state.json", document.encode(), "application/json")},
    )
    assert review.status_code == 200
    assert "products: 1" in review.text
    assert api.get(f"/v1/products/{shop.product_id}").status_code == 404  # not yet
    loaded = browser.post(
        "/_dashboard/state",
        data={"csrf_token": token, "action": "seed-confirmed", "document": document},
    )
    assert loaded.status_code == 303
    ok(api.post("/_mock/reset"))
    assert ok(api.get(f"/v1/products/{shop.product_id}"))["name"] == "Shop"


def test_a_state_that_does_not_load_is_refused(browser: httpx.Client) -> None:
    token = csrf_token(browser.get("/_dashboard/state"))
    for document in ("[1, 2", '{"tables": []}'):
        response = browser.post(
            "/_dashboard/state", data={"csrf_token": token, "action": "load", "document": document}
        )
        assert response.status_code == 400, document
    refused = browser.post(
        "/_dashboard/state",
        data={
            "csrf_token": token,
            "action": "load-confirmed",
            "document": '{"tables": {"nope": []}}',
        },
    )
    assert refused.status_code == 400
    assert "Unknown table" in refused.text


def test_the_index_lists_endpoints_and_sdk_keys(browser: httpx.Client, shop: Product) -> None:
    key = shop.sdk_key("Staging")
    page = browser.get("/_dashboard/api").text
    assert key in page
    assert 'aria-label="SDK key of Main in Staging"' in page
    for path in ("/_mock/reset", "/_mock/state", "/configuration-files/{sdkKey}/config_v6.json"):
        assert path in page


def test_hostile_names_are_text_everywhere(browser: httpx.Client, api: httpx.Client) -> None:
    shop = Product.create(api, HOSTILE)
    shop.flag("hostile", "string", hint=HOSTILE)
    ok(api.put(f"/v1/settings/{shop.flags['hostile']}", json={"name": HOSTILE, "hint": HOSTILE}))
    for path in (
        "/_dashboard/",
        f"/_dashboard/configs/{shop.config_id}",
        "/_dashboard/audit",
        "/_dashboard/api",
    ):
        page = browser.get(path).text
        assert HOSTILE not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


def test_unknown_pages_are_the_dashboards_own_404(browser: httpx.Client) -> None:
    for path in ("/_dashboard/nope", "/_dashboard/configs/unknown", "/_dashboard/values/9/x"):
        response = browser.get(path)
        assert response.status_code == 404, path
        assert "content-security-policy" in response.headers
        assert "<h1>Not found</h1>" in response.text
    assert browser.delete("/_dashboard/audit").status_code == 405


def test_the_dashboards_requests_are_not_in_the_journal(
    mock: MockConfigCat, browser: httpx.Client, shop: Product
) -> None:
    mock.app.journal.clear()
    assert _toggle(browser, shop, "darkMode", "Production").status_code == 303
    browser.get("/_dashboard/journal")
    assert [entry.path for entry in mock.app.journal.entries] == []


def test_a_flag_server_serves_the_dashboard_of_its_flag_sets() -> None:
    from configcat_mock import flags

    with flags.FlagServer() as server:
        flag_set = server.flags(
            {
                "darkMode": flags.Flag(
                    False,
                    rules=[
                        flags.when(flags.user("Email").contains_any_of("@example.com")).then(True)
                    ],
                )
            },
            version="v1",
        )
        with httpx.Client(base_url=server.base_url, timeout=10) as browser:
            assert "flags-1" in browser.get("/", follow_redirects=True).text
            grid = browser.get(f"/_dashboard/configs/{flag_set.config_id}").text
            assert 'aria-label="Toggle darkMode in Test"' in grid
            page = browser.get(
                f"/_dashboard/values/{flag_set.setting_ids['darkMode']}/{flag_set.environment_id}"
            ).text
            assert "1. If Email contains any of [@example.com], serve true." in page
            assert "Otherwise: serve false." in page


def test_over_a_loopback_socket_another_host_name_is_refused() -> None:
    with MockConfigCat() as mock, LoopbackServer(mock.app) as server:
        port = server.port
        for host, status in [
            (f"127.0.0.1:{port}", 200),
            (f"localhost:{port}", 200),
            (f"[::1]:{port}", 200),
            (f"rebound.example:{port}", 403),
            ("attacker.test", 403),
        ]:
            response = httpx.get(server.url + "/_dashboard/", headers={"Host": host}, timeout=10)
            assert response.status_code == status, host
        rebound = httpx.get(server.url + "/_dashboard/", headers={"Host": "evil.test"}, timeout=10)
        assert "not this machine" in rebound.text


def test_a_state_of_several_megabytes_is_reviewed_from_the_text_field(
    browser: httpx.Client, api: httpx.Client
) -> None:
    Product.create(api, "Large")
    state = ok(api.get("/_mock/state"))
    state["tables"]["products"][0]["description"] = "x" * 3_000_000
    token = csrf_token(browser.get("/_dashboard/state"))
    review = browser.post(
        "/_dashboard/state",
        data={"csrf_token": token, "action": "load"},
        files={"document": (None, json.dumps(state).encode())},  # a multipart text field
    )
    assert review.status_code == 200, review.text[:300]
    assert "Load this state?" in review.text
