"""GET /v1/proxy/config/{profileKey}: a proxy profile as a Proxy in auto-configuration reads it."""

from __future__ import annotations

import httpx

from configcat_mock.flags import FlagServer


def test_the_profile_config_by_its_secret_with_etag_and_304(
    configcat_flag_server: FlagServer,
) -> None:
    server = configcat_flag_server
    flags = server.flags({"banner": "Hello"})
    with httpx.Client(base_url=server.base_url, auth=("demo", "demo")) as api:
        organization = api.get("/v1/organizations").json()[0]["organizationId"]
        created = api.post(
            f"/v1/organizations/{organization}/proxy-profiles",
            json={
                "name": "Edge",
                "connectionPreferences": {"sdkPollInterval": 30},
                "sdkKeySelectionRules": [{"kind": "include", "productIdFilter": flags.product_id}],
            },
        )
        assert created.status_code in (200, 201), created.text
        profile = created.json()["proxyProfileId"]
        secret = api.post(f"/v1/proxy-profiles/{profile}/secret").json()["secretToken"]
    url = f"{server.base_url}/v1/proxy/config/{profile}"
    bearer = {"Authorization": f"Bearer {secret}"}
    first = httpx.get(url, headers=bearer)
    assert first.status_code == 200
    assert first.json() == {
        "SDKs": {flags.sdk_id: {"Key1": flags.sdk_key}},
        "Options": {"PollInterval": 30, "DataGovernance": "global"},
    }
    etag = first.headers["ETag"]
    assert httpx.get(url, headers={**bearer, "If-None-Match": etag}).status_code == 304
    # the Proxy reads each SDK through the id it was given
    assert (
        httpx.post(f"{server.base_url}/api/{flags.sdk_id}/eval", json={"key": "banner"}).json()[
            "value"
        ]
        == "Hello"
    )
    with httpx.Client(base_url=server.base_url, auth=("demo", "demo")) as api:
        env = api.post(f"/v1/products/{flags.product_id}/environments", json={"name": "Prod"})
        assert env.status_code in (200, 201), env.text
    changed = httpx.get(url, headers={**bearer, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert len(changed.json()["SDKs"]) == 2
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {secret}"}):
        assert httpx.get(url, headers=headers).status_code == 401
    unknown = f"{server.base_url}/v1/proxy/config/00000000-0000-0000-0000-000000000000"
    assert httpx.get(unknown, headers=bearer).status_code == 401
