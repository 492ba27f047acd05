"""Webhooks with signing keys, and permission groups."""

from __future__ import annotations

from typing import Any

from contract_tests.scenarios.conftest import Api


def test_webhooks(api: Api, product: dict[str, Any]) -> None:
    pid = product["productId"]
    env = api.post(f"/v1/products/{pid}/environments", {"name": "Prod"}, expect=201)
    config = api.post(f"/v1/products/{pid}/configs", {"name": "Hooks"}, expect=201)
    hook = api.post(
        f"/v1/configs/{config['configId']}/environments/{env['environmentId']}/webhooks",
        {"url": "https://hooks.example.test/configcat", "httpMethod": "post", "content": "{}"},
        expect=201,
    )
    wid = hook["webhookId"]
    assert [w["webhookId"] for w in api.get(f"/v1/products/{pid}/webhooks")] == [wid]
    keys = api.get(f"/v1/webhooks/{wid}/keys")
    assert keys["key1"]
    patched = api.patch(
        f"/v1/webhooks/{wid}",
        [{"op": "replace", "path": "/url", "value": "https://h.example.test/2"}],
    )
    assert patched["url"] == "https://h.example.test/2"
    api.delete(f"/v1/webhooks/{wid}", expect=204)
    api.get(f"/v1/webhooks/{wid}", expect=404)


def test_permission_groups(api: Api, product: dict[str, Any]) -> None:
    pid = product["productId"]
    group = api.post(
        f"/v1/products/{pid}/permissions",
        {"name": "Release managers", "canCreateOrUpdateSetting": True, "canDeleteSetting": False},
        expect=201,
    )
    gid = group["permissionGroupId"]
    assert group["canCreateOrUpdateSetting"] is True
    names = [g["name"] for g in api.get(f"/v1/products/{pid}/permissions")]
    assert "Release managers" in names
    updated = api.put(f"/v1/permissions/{gid}", {"name": "Releasers", "canDeleteSetting": True})
    assert updated["canDeleteSetting"] is True
    api.delete(f"/v1/permissions/{gid}", expect=204)
    api.get(f"/v1/permissions/{gid}", expect=404)
