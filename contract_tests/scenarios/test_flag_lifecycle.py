"""The end-to-end story of a flag: product, environments, config, flag, a value per
environment, read back by SDK key, audit log entries, delete."""

from __future__ import annotations

from typing import Any

from contract_tests.scenarios.conftest import Api


def test_flag_lifecycle(api: Api, product: dict[str, Any]) -> None:
    pid = product["productId"]
    prod_env = api.post(f"/v1/products/{pid}/environments", {"name": "Production"}, expect=201)
    test_env = api.post(f"/v1/products/{pid}/environments", {"name": "Test"}, expect=201)
    config = api.post(f"/v1/products/{pid}/configs", {"name": "Main"}, expect=201)
    cid = config["configId"]
    flag = api.post(
        f"/v1/configs/{cid}/settings",
        {"key": "newCheckout", "name": "New checkout", "settingType": "boolean", "hint": "rollout"},
        expect=201,
    )
    sid = flag["settingId"]
    assert [s["settingId"] for s in api.get(f"/v1/configs/{cid}/settings")] == [sid]

    # one value per environment
    for env, value in ((prod_env, False), (test_env, True)):
        eid = env["environmentId"]
        api.put(f"/v1/environments/{eid}/settings/{sid}/value", {"value": value}, expect=200)
        got = api.get(f"/v1/environments/{eid}/settings/{sid}/value")
        assert got["value"] is value

    # read back by SDK key
    keys = api.get(f"/v1/configs/{cid}/environments/{test_env['environmentId']}")
    headers = {"X-CONFIGCAT-SDKKEY": keys["primary"]}
    by_key = api.get("/v1/settings/newCheckout/value", headers=headers)
    assert by_key["value"] is True
    v2 = api.get("/v2/settings/newCheckout/value", headers=headers)
    assert v2["defaultValue"]["boolValue"] is True

    # a patch through JSON Patch
    patched = api.patch(
        f"/v1/settings/{sid}", [{"op": "replace", "path": "/name", "value": "Checkout v2"}]
    )
    assert patched["name"] == "Checkout v2"

    # audit log entries name what happened
    entries = api.get(f"/v1/products/{pid}/auditlogs")
    assert entries, "changes must write audit log entries"

    api.delete(f"/v1/settings/{sid}", expect=204)
    api.get(f"/v1/settings/{sid}", expect=404)
    deleted = api.get(f"/v1/configs/{cid}/deleted-settings")
    assert any(d["key"] == "newCheckout" for d in deleted)
