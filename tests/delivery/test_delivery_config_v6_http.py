"""``GET /configuration-files/{sdkKey}/config_v6.json``: headers, ETag and 304, 404, caching."""

from __future__ import annotations

import attrs
import httpx
import pytest
from delivery_support import Manager

from configcat_mock.delivery.store import store_for
from configcat_mock.testkit.mock import MockConfigCat


@attrs.define
class Setup:
    product_id: str
    env_id: str
    other_env_id: str
    config_id: str
    other_config_id: str
    flag_id: int

    def url(self, sdk_key: str) -> str:
        return f"/configuration-files/{sdk_key}/config_v6.json"


@pytest.fixture
def setup(local_manager: Manager) -> Setup:
    m = local_manager
    product = m.product("Shop")
    env, other_env = m.environment(product, "Production"), m.environment(product, "Test")
    config, other_config = m.config(product, "Main"), m.config(product, "Other")
    flag = m.flag(config, "banner", "string")
    m.formula(env, flag, {"defaultValue": {"stringValue": "blue"}, "targetingRules": []})
    return Setup(product, env, other_env, config, other_config, flag)


def test_headers_and_body(local: httpx.Client, local_manager: Manager, setup: Setup) -> None:
    key = local_manager.sdk_key(setup.config_id, setup.env_id)
    r = local.get(setup.url(key))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "max-age=0, must-revalidate"
    assert r.headers["etag"].startswith('W/"') and r.headers["etag"].endswith('"')
    doc = r.json()
    assert doc["p"]["u"] == "http://mock" and doc["p"]["r"] == 0 and doc["p"]["s"]
    assert doc["f"]["banner"]["v"] == {"s": "blue"}
    other = local.get(setup.url(local_manager.sdk_key(setup.config_id, setup.other_env_id)))
    assert other.json()["f"]["banner"]["v"] == {"s": ""}  # the value of the other environment


@pytest.mark.parametrize(
    "key",
    [
        "configcat-sdk-1/AAAAAAAAAAAAAAAAAAAAAA/BBBBBBBBBBBBBBBBBBBBBB",
        "not-a-key",
        "configcat-sdk-1/x",
    ],
)
def test_unknown_key_is_404(local: httpx.Client, setup: Setup, key: str) -> None:
    r = local.get(f"/configuration-files/{key}/config_v6.json")
    assert r.status_code == 404


def test_conditional_requests(local: httpx.Client, local_manager: Manager, setup: Setup) -> None:
    url = setup.url(local_manager.sdk_key(setup.config_id, setup.env_id))
    etag = local.get(url).headers["etag"]
    bare = etag.removeprefix("W/")
    for header in (etag, bare, f'"nope", {etag}', "*"):
        r = local.get(url, headers={"If-None-Match": header})
        assert r.status_code == 304, header
        assert r.content == b"" and r.headers["etag"] == etag
    assert local.get(url, params={"ccetag": etag}).status_code == 304
    assert local.get(url, headers={"If-None-Match": 'W/"stale"'}).status_code == 200
    assert local.get(url, params={"ccetag": "stale"}).status_code == 200


def test_change_gives_a_new_etag_and_leaves_other_configs_alone(
    local: httpx.Client, local_manager: Manager, setup: Setup
) -> None:
    url = setup.url(local_manager.sdk_key(setup.config_id, setup.env_id))
    other_url = setup.url(local_manager.sdk_key(setup.other_config_id, setup.env_id))
    first, other_first = local.get(url), local.get(other_url)
    local_manager.formula(
        setup.env_id, setup.flag_id, {"defaultValue": {"stringValue": "red"}, "targetingRules": []}
    )
    second = local.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]
    assert second.json()["f"]["banner"]["v"] == {"s": "red"}
    again = local.get(other_url, headers={"If-None-Match": other_first.headers["etag"]})
    assert again.status_code == 304


def test_built_once_until_a_change(
    local: httpx.Client, local_manager: Manager, setup: Setup, mock: MockConfigCat
) -> None:
    url = setup.url(local_manager.sdk_key(setup.config_id, setup.env_id))
    store = store_for(mock.backend)
    local.get(url)
    builds = store.builds
    for _ in range(5):
        assert local.get(url).status_code == 200
    assert store.builds == builds
    local_manager.flag(setup.config_id, "another")
    assert "another" in local.get(url).json()["f"]
    assert store.builds == builds + 1


def test_deleted_config_and_reset(
    local: httpx.Client, local_manager: Manager, setup: Setup, mock: MockConfigCat
) -> None:
    url = setup.url(local_manager.sdk_key(setup.config_id, setup.env_id))
    other = setup.url(local_manager.sdk_key(setup.other_config_id, setup.env_id))
    assert local.get(url).status_code == 200
    local_manager.delete_config(setup.config_id)
    assert local.get(url).status_code == 404
    assert local.get(other).status_code == 200
    assert local.post("/_mock/reset").status_code == 204
    assert local.get(other).status_code == 404


def test_answers_are_journaled(
    local: httpx.Client, local_manager: Manager, setup: Setup, mock: MockConfigCat
) -> None:
    url = setup.url(local_manager.sdk_key(setup.config_id, setup.env_id))
    etag = local.get(url).headers["etag"]
    local.get(url, headers={"If-None-Match": etag})
    journal = local.get("/_mock/journal").json()
    mine = [(e["operation_id"], e["status"]) for e in journal if e["path"] == url]
    assert mine == [("getConfigV6", 200), ("getConfigV6", 304)]


def test_other_methods_are_405(local: httpx.Client, local_manager: Manager, setup: Setup) -> None:
    url = setup.url(local_manager.sdk_key(setup.config_id, setup.env_id))
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = local.request(method, url)
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, OPTIONS", method
    head = local.head(url)
    assert head.status_code == 200 and head.headers["etag"].startswith('W/"')
