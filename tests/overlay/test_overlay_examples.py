"""The examples in examples/ run against an in-process fake of the API."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient
from tests.overlay.overlay_support import (
    EXAMPLES,
    PASSWORD,
    PRODUCT,
    PRODUCT_ID,
    load,
    paged_server,
)

CONFIG_ID = "11111111-2222-3333-4444-555555555555"
ENV_ID = "66666666-7777-8888-9999-000000000000"


def setting(setting_id: int, key: str) -> dict[str, Any]:
    return {
        "settingId": setting_id,
        "key": key,
        "name": key,
        "hint": "",
        "order": setting_id,
        "settingType": "boolean",
        "isJson": False,
        "configId": CONFIG_ID,
        "configName": "Main",
        "createdAt": "2026-01-01T00:00:00Z",
        "tags": [],
        "predefinedVariations": [],
    }


def test_every_example_is_covered_or_listed() -> None:
    names = sorted(p.stem for p in EXAMPLES.glob("*.py"))
    assert names == ["bulk_update_flags", "export_audit_log", "list_products", "toggle_by_sdk_key"]


async def test_bulk_update_example_updates_matching_flags_and_reports_failures() -> None:
    patched: list[tuple[str, Any, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == f"/v1/configs/{CONFIG_ID}/settings":
            flags = [setting(1, "checkout_a"), setting(2, "checkout_b"), setting(3, "search_x")]
            flags.append(setting(4, "checkout_locked"))
            return httpx.Response(200, json=flags)
        if request.method == "PATCH":
            setting_id = request.url.path.split("/")[5]
            patched.append(
                (setting_id, json.loads(request.read()), request.url.params.get("reason"))
            )
            if setting_id == "4":
                return httpx.Response(403)
            return httpx.Response(204)
        return httpx.Response(404)

    example = load("bulk_update_flags")
    async with AsyncConfigCatClient(
        "u", PASSWORD, transport=httpx.MockTransport(handler), reason="test run"
    ) as acc:
        outcome = await example.run(
            acc, CONFIG_ID, ENV_ID, "checkout_", example.parse_value("false")
        )
    assert outcome["checkout_a"] == outcome["checkout_b"] == "ok"
    assert "403" in outcome["checkout_locked"] and "search_x" not in outcome
    assert sorted(p[0] for p in patched) == ["1", "2", "4"]
    assert all(
        body == [{"op": "replace", "path": "/defaultValue", "value": {"boolValue": False}}]
        and reason == "test run"
        for _, body, reason in patched
    )


@pytest.mark.parametrize(
    ("text", "value"), [("true", True), ("False", False), ("3", 3), ("0.5", 0.5), ("blue", "blue")]
)
def test_bulk_update_value_parsing(text: str, value: object) -> None:
    parsed = load("bulk_update_flags").parse_value(text)
    assert parsed == value and type(parsed) is type(value)


def test_export_audit_log_example_streams_every_page() -> None:
    seen: list[tuple[int, int]] = []
    serve = paged_server(230, seen)
    transport = httpx.MockTransport(serve)
    with ConfigCatClient("u", PASSWORD, transport=transport) as cc:
        lines = list(load("export_audit_log").run(cc, PRODUCT_ID))
    assert len(lines) == 230 and seen == [(1, 100), (2, 100), (3, 100)]
    assert json.loads(lines[229])["auditLogId"] == 229


def test_list_products_example() -> None:
    config = {
        "product": PRODUCT,
        "configId": CONFIG_ID,
        "name": "Main",
        "description": "",
        "order": 0,
        "evaluationVersion": "v2",
        "migratedConfigId": None,
    }
    env = {
        "product": PRODUCT,
        "environmentId": ENV_ID,
        "name": "Production",
        "color": "",
        "description": "",
        "order": 0,
        "reasonRequired": False,
        "approveRequired": False,
    }
    routes = {
        "/v1/products": [PRODUCT],
        f"/v1/products/{PRODUCT_ID}/configs": [config],
        f"/v1/products/{PRODUCT_ID}/environments": [env],
    }
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=routes[r.url.path]))
    with ConfigCatClient("u", PASSWORD, transport=transport) as cc:
        lines = load("list_products").run(cc)
    assert lines == [
        f"Checkout ({PRODUCT_ID})",
        f"  config      Main ({CONFIG_ID})",
        f"  environment Production ({ENV_ID})",
    ]


def test_toggle_example_refuses_a_bad_key_without_a_request() -> None:
    from configcat_publicapi import SdkKeyFormatError

    calls: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(500))  # type: ignore[func-returns-value]
    with (
        ConfigCatClient("u", PASSWORD, transport=transport) as cc,
        pytest.raises(SdkKeyFormatError),
    ):
        load("toggle_by_sdk_key").run(cc, "not-a-key", "flag", True)
    assert calls == []
