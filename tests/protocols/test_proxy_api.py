"""The ConfigCat Proxy's /api and CDN path on the fake: the official SDK's values, the Proxy's
errors and CORS."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from protocol_support import KEYS, USERS, Make, Served, official, targeted_flags

from configcat_mock.cli import build_parser
from configcat_mock.delivery.sdk_registry import (
    DEFAULT_HEARTBEAT_SECONDS,
    DEFAULT_MAX_STREAMS,
    settings_for,
)
from configcat_mock.flags import FlagServer, FlagSet

SDK_KEY = "configcat-sdk-1/PKDVCLf-Hq-h-kCzMp-L7Q/proxy-sdk-test-key0001"


def user_of(targeting_key: str) -> dict[str, object]:
    for key, email, country, custom in USERS:
        if key == targeting_key:
            found: dict[str, object] = {"Identifier": key, "Email": email, **custom}
            if country:
                found["Country"] = country
            return found
    raise KeyError(targeting_key)


def test_eval_and_eval_all_give_the_official_values(configcat_flags: Make) -> None:
    flags = targeted_flags(configcat_flags)
    api = f"{flags.proxy_url}/api/{flags.sdk_id}"
    with httpx.Client() as http:
        all_values: dict[str, dict[str, object]] = {}
        for targeting_key, key, value, variation_id in official(flags):
            body = {"key": key, "user": user_of(targeting_key)}
            answer = http.post(f"{api}/eval", json=body)
            assert answer.status_code == 200, answer.text
            assert answer.json() == {"value": value, "variationId": variation_id}
            all_values.setdefault(targeting_key, {})[key] = answer.json()
        for targeting_key, values in all_values.items():
            answer = http.post(f"{api}/eval-all", json={"user": user_of(targeting_key)})
            assert answer.json() == values
        assert sorted(http.get(f"{api}/keys").json()["keys"]) == sorted(KEYS)
        refreshed = http.post(f"{api}/refresh")
        assert (refreshed.status_code, refreshed.content) == (200, b"")


def test_the_header_forms_and_explicit_sdk_ids(
    configcat_flag_server: FlagServer, configcat_flags: Make
) -> None:
    flags = configcat_flags({"banner": "Hello"})
    header = {"X-ConfigCat-SdkKey": flags.sdk_key}
    base = flags.proxy_url
    assert httpx.post(f"{base}/api/eval", json={"key": "banner"}, headers=header).json() == {
        "value": "Hello",
        "variationId": httpx.post(f"{base}/api/eval-all", json={}, headers=header).json()["banner"][
            "variationId"
        ],
    }
    assert httpx.get(f"{base}/api/keys", headers=header).json() == {"keys": ["banner"]}
    assert httpx.post(f"{base}/api/refresh", headers=header).status_code == 200
    configcat_flag_server.add_proxy_sdk("web-app", flags.sdk_key)
    answer = httpx.post(f"{base}/api/web-app/eval", json={"key": "banner"})
    assert answer.json()["value"] == "Hello"
    assert settings_for(configcat_flag_server.mock.backend).proxy_sdks["web-app"] == flags.sdk_key


def test_errors_are_the_proxys(configcat_flags: Make) -> None:
    flags = configcat_flags({"banner": "Hello"})
    base = flags.proxy_url
    api = f"{base}/api/{flags.sdk_id}"
    cases = [
        (httpx.post(f"{api}/eval", content=b"{oops"), 400, "failed to parse JSON body"),
        (httpx.post(f"{api}/eval", json={"key": "nope"}), 400, "key 'nope' not found"),
        (
            httpx.post(f"{api}/eval", json={"key": "banner", "user": {"A": {"b": 1}}}),
            400,
            "'A' has an invalid type",
        ),
        (httpx.post(f"{base}/api/eval", json={"key": "banner"}), 400, "must be set"),
        (httpx.post(f"{base}/api/nobody/eval", json={"key": "banner"}), 404, "could not identify"),
        (httpx.get(f"{base}/api/nobody/keys"), 404, "could not identify"),
    ]
    for answer, status, text in cases:
        assert answer.status_code == status, answer.text
        assert text in answer.text
        assert answer.headers["content-type"].startswith("text/plain")
    assert httpx.get(f"{base}/api/icanhascoffee").status_code == 418


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/{id}/eval", "POST"),
        ("/api/eval-all", "POST"),
        ("/api/{id}/keys", "GET"),
        ("/configuration-files/{key}/config_v6.json", "GET"),
        ("/ofrep/v1/evaluate/flags", "POST"),
    ],
)
def test_cors_preflights_and_headers(configcat_flags: Make, path: str, method: str) -> None:
    flags = configcat_flags({"banner": "Hello"})
    url = flags.proxy_url + path.format(id=flags.sdk_id, key=flags.sdk_key)
    origin = {"Origin": "http://app.example"}
    answer = httpx.options(url, headers={**origin, "Access-Control-Request-Method": method})
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "http://app.example"
    assert answer.headers["access-control-allow-methods"] == f"{method},OPTIONS"
    assert answer.headers["access-control-max-age"] == "600"
    assert answer.headers["access-control-allow-credentials"] == "false"
    assert "If-None-Match" in answer.headers["access-control-allow-headers"].split(",")
    sent = {**origin, "X-ConfigCat-SdkKey": flags.sdk_key}
    real = httpx.request(method, url, headers=sent, json={"key": "banner"})
    assert real.headers["access-control-allow-origin"] == "http://app.example"
    assert "ETag" in real.headers["access-control-expose-headers"].split(",")


def cdn(flags: FlagSet, suffix: str = "") -> str:
    path = f"/configuration-files/configcat-proxy/{flags.sdk_id}/config_v6.json"
    return f"{flags.proxy_url}{path}{suffix}"


def test_the_proxy_style_cdn_path(configcat_flags: Make) -> None:
    flags = configcat_flags({"banner": "Hello"})
    first = httpx.get(cdn(flags))
    assert first.status_code == 200
    assert first.json()["f"]["banner"]["v"] == {"s": "Hello"}
    etag = first.headers["ETag"]
    assert httpx.get(cdn(flags), headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(cdn(flags, f"?ccetag={etag}")).status_code == 304
    flags.set("banner", "Bye")
    assert httpx.get(cdn(flags, f"?ccetag={etag}")).status_code == 200
    assert (
        httpx.get(
            f"{flags.proxy_url}/configuration-files/configcat-proxy/nobody/config_v6.json"
        ).status_code
        == 404
    )


@pytest.mark.slow
def test_serve_proxy_sdk_names_an_sdk_id(tmp_path: Path, serve_fake: Callable[..., Served]) -> None:
    """``configcat-mock serve --config-json FILE --sdk-key KEY --proxy-sdk web=KEY``, as another
    language's test suite starts it."""
    config = tmp_path / "flags.json"
    config.write_text(json.dumps({"flags": {"banner": "Hello"}}))
    base = serve_fake(
        "--config-json", str(config), "--sdk-key", SDK_KEY, "--proxy-sdk", f"web={SDK_KEY}"
    ).url
    answer = httpx.post(f"{base}/api/web/eval", json={"key": "banner"})
    assert answer.json()["value"] == "Hello"
    settings = httpx.get(f"{base}/_mock/delivery/protocols").json()
    assert settings == {
        "proxySdks": {"web": SDK_KEY},
        "ofrepEventStreams": False,
        "maxStreams": DEFAULT_MAX_STREAMS,
        "heartbeatSeconds": DEFAULT_HEARTBEAT_SECONDS,
    }
    tuned = serve_fake("--ofrep-event-streams", "--max-streams", "5", "--heartbeat", "2.5").url
    settings = httpx.get(f"{tuned}/_mock/delivery/protocols").json()
    assert settings["ofrepEventStreams"] is True
    assert (settings["maxStreams"], settings["heartbeatSeconds"]) == (5, 2.5)


def test_proxy_sdk_must_be_id_equals_key(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("web", "=key", "a/b=key", "web="):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", "--proxy-sdk", bad])
        assert "ID=SDK_KEY" in capsys.readouterr().err
    args = build_parser().parse_args(["serve", "--proxy-sdk", "a=k1", "--proxy-sdk", "b=k2"])
    assert args.proxy_sdk == [("a", "k1"), ("b", "k2")]


def test_the_test_kit_names_sdk_ids(configcat_flags: Make) -> None:
    flags = configcat_flags({"banner": "Hello"}, sdk_id="storefront")
    assert flags.sdk_id == "storefront"
    answer = httpx.post(f"{flags.proxy_url}/api/storefront/eval", json={"key": "banner"})
    assert answer.json()["value"] == "Hello"
