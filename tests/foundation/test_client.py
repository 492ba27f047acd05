"""The minimal client: configuration, auth, User-Agent, base URL, generated endpoints."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import pytest
import respx

from configcat_publicapi import (
    USER_AGENT,
    AsyncConfigCatClient,
    ConfigCatClient,
    ConfigCatConfigurationError,
    __version__,
    _transport,
)
from configcat_publicapi_client.api.products import get_products
from configcat_publicapi_client.models import ProductModel

PRODUCTS = [
    {
        "organization": {"organizationId": "3a8a4b8e-1111-4c4e-9d8f-000000000001", "name": "Org"},
        "productId": "08d86d63-2726-47cd-8bfc-59608ecb91e2",
        "name": "Checkout",
        "description": None,
        "order": 0,
        "reasonRequired": False,
        "approveRequired": False,
    }
]


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@respx.mock(assert_all_called=True)
def test_sync_client_sends_auth_user_agent_and_parses_products(respx_mock: respx.Router) -> None:
    route = respx_mock.get("https://api.configcat.com/v1/products").respond(200, json=PRODUCTS)
    with ConfigCatClient(username="alice", password="s3cret") as cc:
        products = get_products.sync(client=cc.api)
    request = route.calls.last.request
    assert request.headers["Authorization"] == _basic("alice", "s3cret")
    assert request.headers["User-Agent"] == USER_AGENT
    assert f"configcat-publicapi-python/{__version__}" in USER_AGENT
    assert isinstance(products, list) and isinstance(products[0], ProductModel)
    assert products[0].name == "Checkout"
    assert str(products[0].product_id) == PRODUCTS[0]["productId"]


async def test_async_client_sends_auth_and_parses_products() -> None:
    async with respx.mock(assert_all_called=True) as router:
        route = router.get("http://127.0.0.1:8080/base/v1/products").respond(200, json=PRODUCTS)
        async with AsyncConfigCatClient("bob", "pw", base_url="http://127.0.0.1:8080/base/") as acc:
            products = await get_products.asyncio(client=acc.api)
    assert route.calls.last.request.headers["Authorization"] == _basic("bob", "pw")
    assert products is not None and products[0].order == 0


def test_environment_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGCAT_API_USER", "env-user")
    monkeypatch.setenv("CONFIGCAT_API_PASS", "env-pass")
    monkeypatch.setenv("CONFIGCAT_API_HOST", "api.example.test")
    cc = ConfigCatClient()
    assert cc.base_url == "https://api.example.test"
    assert cc.username == "env-user"
    assert cc.http.auth is not None
    # arguments win over the environment
    other = ConfigCatClient(username="arg-user", base_url="http://127.0.0.1:9999/")
    assert (other.username, other.base_url) == ("arg-user", "http://127.0.0.1:9999")


def test_default_host_and_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    cc = ConfigCatClient("u", "p")
    assert cc.base_url == "https://api.configcat.com"
    assert cc.http.timeout.connect == 5.0 and cc.http.timeout.read == 30.0


@pytest.mark.parametrize(
    ("kwargs", "env", "names"),
    [
        ({}, {}, ["username=", "CONFIGCAT_API_USER", "password=", "CONFIGCAT_API_PASS"]),
        ({"username": "u"}, {}, ["password=", "CONFIGCAT_API_PASS"]),
        ({}, {"CONFIGCAT_API_PASS": "p"}, ["username=", "CONFIGCAT_API_USER"]),
    ],
)
def test_missing_credentials_name_what_to_set(
    monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any], env: dict[str, str], names: list[str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigCatConfigurationError) as err:
        ConfigCatClient(**kwargs)
    for name in names:
        assert name in str(err.value)
    assert "p" not in str(err.value).split("set ")[0] or "CONFIGCAT_API_PASS" in str(err.value)


@pytest.mark.parametrize(
    "host",
    ["ftp://api.configcat.com", "", "   ", "https://", "http://host:notaport", "https://h/?q=1"],
)
def test_unusable_host_is_refused_at_construction(host: str) -> None:
    with pytest.raises(ConfigCatConfigurationError, match="CONFIGCAT_API_HOST") as err:
        ConfigCatClient("u", "hunter2-secret", base_url=host)
    assert "hunter2-secret" not in str(err.value)


@respx.mock
def test_password_never_in_repr_logs_or_errors(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the retries are logged as ever; their waits (seconds of backoff) are not slept
    monkeypatch.setattr(_transport, "_sleep", lambda seconds: None)
    secret = "hunter2-very-secret"
    respx.get("https://api.configcat.com/v1/products").mock(side_effect=httpx.ConnectError("down"))
    caplog.set_level(logging.DEBUG)
    cc = ConfigCatClient("alice", secret)
    assert secret not in repr(cc) and secret not in str(cc)
    assert secret not in repr(cc._settings)
    with pytest.raises(httpx.ConnectError) as err:
        get_products.sync_detailed(client=cc.api)
    assert secret not in str(err.value)
    encoded = base64.b64encode(f"alice:{secret}".encode()).decode()
    assert secret not in caplog.text and encoded not in caplog.text
