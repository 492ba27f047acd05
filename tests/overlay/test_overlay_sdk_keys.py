"""SDK-key scopes: the header is sent, keys are checked before any request, never shown."""

from __future__ import annotations

import json
import logging
from uuid import UUID

import httpx
import pytest
import respx

from configcat_publicapi import (
    AsyncConfigCatClient,
    BadRequestError,
    ConfigCatClient,
    ConfigCatError,
    NotFoundError,
    SdkKeyFormatError,
    SdkKeyScope,
    check_sdk_key,
)
from configcat_publicapi.patch import SettingValuePatch, SettingValueV2Patch
from tests.overlay.overlay_support import LEGACY_SDK_KEY, PASSWORD, SDK_KEY


def client() -> ConfigCatClient:
    return ConfigCatClient("u", PASSWORD, rate_limit=None, max_retries=0)


@pytest.mark.parametrize("key", [SDK_KEY, LEGACY_SDK_KEY])
def test_both_key_formats_are_accepted(key: str) -> None:
    assert check_sdk_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "configcat-sdk-1/short/0123456789abcdefghij_-",
        "configcat-sdk-2/AbCdEfGhIjKlMnOpQrStUv/0123456789abcdefghij_-",
        "AbCdEfGhIjKlMnOpQrStUv/0123456789abcdefghij_-/extra",
        "AbCdEfGhIjKlMnOpQrStU!/0123456789abcdefghij_-",
        " " + SDK_KEY,
        "configcat-proxy/my-proxy-key-0000000000",
    ],
)
def test_malformed_keys_are_refused_before_any_request(router: respx.Router, key: str) -> None:
    with client() as cc, pytest.raises(SdkKeyFormatError) as err:
        cc.for_sdk_key(key)
    assert not router.calls
    if key.strip():
        assert key.strip() not in str(err.value)


def test_non_string_key_is_refused() -> None:
    with client() as cc, pytest.raises(SdkKeyFormatError):
        cc.for_sdk_key(12345)  # type: ignore[arg-type]


def test_get_value_sends_the_header_by_key_and_by_id(router: respx.Router) -> None:
    by_key = router.get("/v1/settings/isCheckoutEnabled/value").respond(404)
    by_id = router.get("/v2/settings/42/value").respond(404)
    with client() as cc:
        scope = cc.for_sdk_key(SDK_KEY)
        with pytest.raises(NotFoundError) as err:
            scope.get_value("isCheckoutEnabled")
        with pytest.raises(NotFoundError):
            scope.get_value_v2(42)
    assert by_key.calls.last.request.headers["X-CONFIGCAT-SDKKEY"] == SDK_KEY
    assert by_id.calls.last.request.headers["X-CONFIGCAT-SDKKEY"] == SDK_KEY
    assert SDK_KEY not in str(err.value) and SDK_KEY not in repr(err.value)


def test_update_value_sends_patch_reason_and_header(router: respx.Router) -> None:
    route = router.patch("/v1/settings/myFlag/value").respond(204)
    route_v2 = router.patch("/v2/settings/myFlag/value").respond(204)
    with client() as cc:
        scope = cc.for_sdk_key(LEGACY_SDK_KEY)
        assert (
            scope.update_value("myFlag", SettingValuePatch().value(True), reason="rollout") is None
        )
        scope.update_value_v2("myFlag", SettingValueV2Patch().default_value("on"))
    request = route.calls.last.request
    assert request.headers["X-CONFIGCAT-SDKKEY"] == LEGACY_SDK_KEY
    assert request.url.params["reason"] == "rollout"
    assert json.loads(request.read()) == [{"op": "replace", "path": "/value", "value": True}]
    assert json.loads(route_v2.calls.last.request.read()) == [
        {"op": "replace", "path": "/defaultValue", "value": {"stringValue": "on"}}
    ]


def test_replace_value_uses_the_default_reason(router: respx.Router) -> None:
    route = router.put("/v1/settings/7/value").respond(404)
    from configcat_publicapi_client.models import UpdateSettingValueModel

    cc = ConfigCatClient("u", PASSWORD, reason="nightly sync", max_retries=0)
    with cc, pytest.raises(NotFoundError):
        cc.for_sdk_key(SDK_KEY).replace_value(7, UpdateSettingValueModel(value=True))
    assert route.calls.last.request.url.params["reason"] == "nightly sync"


def test_bad_flag_identifiers() -> None:
    with client() as cc:
        scope = cc.for_sdk_key(SDK_KEY)
        with pytest.raises(TypeError):
            scope.get_value(True)
        with pytest.raises(ValueError, match="empty"):
            scope.get_value("")


def test_scope_from_config_and_environment(router: respx.Router) -> None:
    config, env = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
    router.get(f"/v1/configs/{config}/environments/{env}").respond(
        200, json={"primary": SDK_KEY, "secondary": LEGACY_SDK_KEY}
    )
    route = router.get("/v1/settings/f/value").respond(404)
    with client() as cc:
        keys = cc.sdk_keys.get_sdk_keys(UUID(config), UUID(env))
        assert (keys.primary, keys.secondary) == (SDK_KEY, LEGACY_SDK_KEY)
        scope = cc.for_config_environment(UUID(config), UUID(env), secondary=True)
        with pytest.raises(NotFoundError):
            scope.get_value("f")
    assert route.calls.last.request.headers["X-CONFIGCAT-SDKKEY"] == LEGACY_SDK_KEY
    assert SDK_KEY not in repr(scope) and LEGACY_SDK_KEY not in repr(scope)


async def test_async_scope_sends_header(router: respx.Router) -> None:
    config, env = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
    router.get(f"/v1/configs/{config}/environments/{env}").respond(
        200, json={"primary": SDK_KEY, "secondary": None}
    )
    route = router.patch("/v2/settings/flag/value").respond(204)
    async with AsyncConfigCatClient("u", PASSWORD, rate_limit=None) as acc:
        scope = await acc.for_config_environment(UUID(config), UUID(env))
        await scope.update_value_v2("flag", SettingValueV2Patch().default_value(False))
        with pytest.raises(SdkKeyFormatError):
            acc.for_sdk_key("nope")
    assert route.calls.last.request.headers["X-CONFIGCAT-SDKKEY"] == SDK_KEY


def test_sdk_key_never_logged_or_in_errors(
    router: respx.Router, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from configcat_publicapi import _transport

    monkeypatch.setattr(_transport, "_sleep", lambda s: None)
    route = router.get("/v1/settings/f/value")
    # the service echoes the key back, in a 503 then a 400 body
    route.side_effect = [
        httpx.Response(503, text=f"backend failed for key {SDK_KEY}"),
        httpx.Response(400, json={"sdkKey": [f"{SDK_KEY} is revoked"]}),
    ]
    caplog.set_level(logging.DEBUG)
    with ConfigCatClient("u", PASSWORD, rate_limit=None) as cc:
        scope = cc.for_sdk_key(SDK_KEY)
        with pytest.raises(BadRequestError) as err:
            scope.get_value("f")
    assert route.call_count == 2
    for text in (caplog.text, str(err.value), repr(err.value), err.value.text, repr(scope)):
        assert SDK_KEY not in text
        assert "AbCdEfGhIjKlMnOpQrStUv" not in text
    assert err.value.field_errors == {"sdkKey": ["[redacted] is revoked"]}


def test_scope_without_a_secondary_key_fails_clearly(router: respx.Router) -> None:
    config, env = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
    router.get(f"/v1/configs/{config}/environments/{env}").respond(
        200, json={"primary": SDK_KEY, "secondary": None}
    )
    with client() as cc:
        with pytest.raises(ConfigCatError, match="no secondary SDK key"):
            cc.for_config_environment(UUID(config), UUID(env), secondary=True)
        assert isinstance(cc.for_config_environment(UUID(config), UUID(env)), SdkKeyScope)
