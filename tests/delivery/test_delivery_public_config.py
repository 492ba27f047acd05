"""``GET /api/v1/public-config``: client keys, client-only flags, versions and ETags, 401, 429."""

from __future__ import annotations

from typing import Any

import attrs
import httpx
import pytest
from delivery_support import Manager

from configcat_mock.delivery.client_keys import ClientKeys
from configcat_mock.testkit.mock import MockConfigCat

PUBLIC = "/api/v1/public-config"
UNAUTHORIZED = {"error": "Invalid or unauthorized client key"}


@attrs.define
class Setup:
    product_id: str
    env_id: str
    other_env_id: str
    config_id: str
    flags: dict[str, int]


def value(setting_type: str, raw: Any) -> dict[str, Any]:
    field = {"boolean": "boolValue", "string": "stringValue", "int": "intValue"}[setting_type]
    return {"defaultValue": {field: raw}, "targetingRules": []}


@pytest.fixture
def setup(local_manager: Manager) -> Setup:
    m = local_manager
    product = m.product("Web")
    env, other_env = m.environment(product, "Production"), m.environment(product, "Staging")
    config = m.config(product, "Frontend")
    client_tag = m.tag(product, "client")
    m.tag(product, "backend")
    flags = {
        "darkMode": ("boolean", True, [client_tag]),
        "greeting": ("string", "Hello", [client_tag]),
        "maxItems": ("int", 25, [client_tag]),
        "layout": ("string", '{"columns": 3, "sidebar": false}', [client_tag]),
        "dbPassword": ("string", "s3cr3t-value", []),
    }
    ids = {}
    for key, (kind, raw, tags) in flags.items():
        ids[key] = m.flag(config, key, kind, tags=tags)
        m.formula(env, ids[key], value(kind, raw))
    return Setup(product, env, other_env, config, ids)


def mint(local: httpx.Client, **body: Any) -> dict[str, Any]:
    r = local.post("/_mock/delivery/client-keys", json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def get(local: httpx.Client, key: str | None, **headers: str) -> httpx.Response:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return local.get(PUBLIC, headers=headers)


def test_document_lists_client_flags_only(local: httpx.Client, setup: Setup) -> None:
    key = mint(local, configId=setup.config_id, environmentId=setup.env_id)
    assert key["key"].startswith("pub_") and key["monthlyQuota"] is None
    r = get(local, key["key"])
    assert r.status_code == 200
    assert r.headers["etag"] == '"v1"'
    body = r.json()
    assert body == {
        "appId": setup.config_id,
        "env": "Production",
        "version": 1,
        "doc": {
            "flags": {
                "darkMode": {"type": "bool", "value": True},
                "greeting": {"type": "string", "value": "Hello"},
                "maxItems": {"type": "number", "value": 25},
                "layout": {"type": "json", "value": {"columns": 3, "sidebar": False}},
            },
            "overrides": {},
            "rules": {},
        },
        "ttlSeconds": 60,
    }
    assert "dbPassword" not in r.text and "s3cr3t-value" not in r.text


def test_version_grows_with_changes_and_304(
    local: httpx.Client, local_manager: Manager, setup: Setup
) -> None:
    key = mint(local, configId=setup.config_id, environmentId=setup.env_id)["key"]
    assert get(local, key).json()["version"] == 1
    assert get(local, key, **{"If-None-Match": '"v1"'}).status_code == 304
    r = get(local, key, **{"If-None-Match": '"v1"'})
    assert r.content == b"" and r.headers["etag"] == '"v1"'
    local_manager.formula(setup.env_id, setup.flags["greeting"], value("string", "Hi"))
    r = get(local, key, **{"If-None-Match": '"v1"'})
    assert r.status_code == 200 and r.headers["etag"] == '"v2"'
    assert r.json()["version"] == 2
    assert r.json()["doc"]["flags"]["greeting"] == {"type": "string", "value": "Hi"}
    # a server-only change is still a change of this config+environment
    local_manager.formula(setup.env_id, setup.flags["dbPassword"], value("string", "rotated"))
    r = get(local, key, **{"If-None-Match": '"v2"'})
    assert r.status_code == 200 and r.json()["version"] == 3 and "rotated" not in r.text
    # a change in another environment is not
    local_manager.formula(setup.other_env_id, setup.flags["greeting"], value("string", "Yo"))
    assert get(local, key, **{"If-None-Match": '"v3"'}).status_code == 304
    # renaming the environment changes the body, so the version moves too
    local_manager.rename_environment(setup.env_id, "Live")
    r = get(local, key, **{"If-None-Match": '"v3"'})
    assert r.status_code == 200 and r.json()["env"] == "Live" and r.json()["version"] == 4


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer pub_unknown", "Basic cHViX3g6eA==", "Token pub_x"],
)
def test_unauthorized(local: httpx.Client, setup: Setup, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    r = local.get(PUBLIC, headers=headers)
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED


def test_sdk_key_is_refused(local: httpx.Client, local_manager: Manager, setup: Setup) -> None:
    sdk_key = local_manager.sdk_key(setup.config_id, setup.env_id)
    r = get(local, sdk_key)
    assert r.status_code == 401 and r.json() == UNAUTHORIZED


def test_revoked_key_and_deleted_config(
    local: httpx.Client, local_manager: Manager, setup: Setup
) -> None:
    one = mint(local, configId=setup.config_id, environmentId=setup.env_id)["key"]
    two = mint(local, configId=setup.config_id, environmentId=setup.env_id)["key"]
    assert local.delete(f"/_mock/delivery/client-keys/{one}").status_code == 204
    assert get(local, one).status_code == 401
    assert get(local, two).status_code == 200
    local_manager.delete_config(setup.config_id)
    assert get(local, two).status_code == 401


def test_monthly_quota(local: httpx.Client, setup: Setup) -> None:
    key = mint(local, configId=setup.config_id, environmentId=setup.env_id, monthlyQuota=3)["key"]
    assert get(local, key).status_code == 200
    assert get(local, key, **{"If-None-Match": '"v1"'}).status_code == 304  # counts too
    assert get(local, key).status_code == 200
    r = get(local, key)
    assert r.status_code == 429 and r.json() == {"error": "Monthly quota exceeded"}
    listed = {k["key"]: k for k in local.get("/_mock/delivery/client-keys").json()}
    assert listed[key]["usedThisMonth"] == 3
    r = local.patch(f"/_mock/delivery/client-keys/{key}", json={"monthlyQuota": None})
    assert r.status_code == 200 and r.json()["monthlyQuota"] is None
    assert get(local, key).status_code == 200


def test_quota_is_per_calendar_month() -> None:
    now = [1_700_000_000.0]  # 2023-11-14
    keys = ClientKeys(clock=lambda: now[0])
    key = keys.mint("c", "e", monthly_quota=2)
    assert [keys.charge(key) for _ in range(3)] == [True, True, False]
    now[0] += 31 * 86400  # December
    assert keys.charge(key) is True and keys.used(key.key) == 1


def test_mint_by_sdk_key_and_bad_requests(
    local: httpx.Client, local_manager: Manager, setup: Setup
) -> None:
    sdk_key = local_manager.sdk_key(setup.config_id, setup.other_env_id)
    key = mint(local, sdkKey=sdk_key)
    assert (key["configId"], key["environmentId"]) == (setup.config_id, setup.other_env_id)
    assert get(local, key["key"]).json()["env"] == "Staging"
    bad = [
        {"sdkKey": "configcat-sdk-1/nope"},
        {"configId": setup.config_id},
        {"configId": setup.config_id, "environmentId": setup.env_id, "monthlyQuota": -1},
        {"configId": setup.config_id, "environmentId": setup.env_id, "monthlyQuota": "5"},
    ]
    for body in bad:
        assert local.post("/_mock/delivery/client-keys", json=body).status_code == 400, body
    assert local.post("/_mock/delivery/client-keys", content=b"{").status_code == 400


def test_keys_in_the_seed_survive_reset(mock: MockConfigCat, setup: Setup) -> None:
    state = mock.dump()
    state["delivery"] = {
        "clientKeys": [
            {
                "key": "pub_seeded",
                "configId": setup.config_id,
                "environmentId": setup.env_id,
                "monthlyQuota": 100,
            }
        ]
    }
    with (
        MockConfigCat(seed=state, rate_limits=False) as seeded,
        httpx.Client(transport=seeded.transport, base_url="http://mock") as local,
    ):
        assert get(local, "pub_seeded").json()["doc"]["flags"]["greeting"]["value"] == "Hello"
        minted = mint(local, configId=setup.config_id, environmentId=setup.env_id)["key"]
        assert local.post("/_mock/reset").status_code == 204
        assert get(local, "pub_seeded").status_code == 200
        assert get(local, minted).status_code == 401
        dumped = local.get("/_mock/delivery/state").json()
        assert [k["key"] for k in dumped["clientKeys"]] == ["pub_seeded"]
        r = local.put("/_mock/delivery/state", json={"clientKeys": [{"key": "bad"}]})
        assert r.status_code == 400
        assert local.put("/_mock/delivery/state", json={"clientKeys": []}).status_code == 204
        assert get(local, "pub_seeded").status_code == 401


def test_ttl_setting_and_cors(local: httpx.Client, setup: Setup) -> None:
    key = mint(local, configId=setup.config_id, environmentId=setup.env_id)["key"]
    assert local.put("/_mock/delivery/settings", json={"ttlSeconds": 5}).status_code == 200
    assert local.put("/_mock/delivery/settings", json={"ttlSeconds": -5}).status_code == 400
    r = get(local, key)
    assert r.json()["ttlSeconds"] == 5
    assert r.headers["access-control-allow-origin"] == "*"
    preflight = local.options(PUBLIC)
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["access-control-allow-headers"]


def test_nothing_of_server_only_flags_or_of_rules_leaks(
    local: httpx.Client, local_manager: Manager
) -> None:
    m = local_manager
    product = m.product("Leaks")
    env = m.environment(product, "Production")
    config = m.config(product, "App")
    upper, lookalike = m.tag(product, "Client"), m.tag(product, "client-side")
    secret_rule = {
        "conditions": [
            {
                "userCondition": {
                    "comparisonAttribute": "Email",
                    "comparator": "isOneOf",
                    "comparisonValue": {"listValue": [{"value": "secret-item@corp.io"}]},
                },
                "segmentCondition": None,
                "prerequisiteFlagCondition": None,
            }
        ],
        "percentageOptions": [],
        "value": {"stringValue": "secret-rule-value"},
    }
    flags: dict[str, tuple[str, Any, list[int]]] = {
        "visible": ("string", "shown", [upper]),
        "serverText": ("string", "secret-text", [lookalike]),
        "serverJson": ("string", '{"secret": "json"}', []),
        "serverNumber": ("int", 987654321, []),
        "serverBool": ("boolean", True, []),
    }
    for key, (kind, raw, tags) in flags.items():
        setting_id = m.flag(config, key, kind, tags=tags)
        formula = value(kind, raw)
        formula["targetingRules"] = [secret_rule] if kind == "string" else []
        m.formula(env, setting_id, formula)
    key = mint(local, configId=config, environmentId=env)["key"]
    r = get(local, key)
    assert r.json()["doc"] == {
        "flags": {"visible": {"type": "string", "value": "shown"}},
        "overrides": {},
        "rules": {},
    }
    served = r.text + str(r.headers)
    for secret in (*(k.lower() for k in flags if k != "visible"), "secret", "987654321"):
        assert secret not in served.lower(), secret
