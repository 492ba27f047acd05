"""Every management write that changes what a config serves is picked up by delivery.

The delivery store reads the audit-log entries written since its last answer and drops what
they name (see :mod:`configcat_mock.delivery.store`). These tests make one write through each
write path (v1 and v2, by ids and by SDK key, bulk POSTs, setting, tag, segment and config
changes, a scheduled change request) and check, without touching the store: the changed
config's ``config_v6.json`` gets a new ETag and content, its public ``version`` grows by one,
and an untouched config of the same product still answers 304 with the same version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs
import httpx
import pytest

from configcat_mock.delivery.store import store_for
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID, DEMO_PASSWORD, DEMO_USERNAME
from configcat_mock.testkit.mock import MockConfigCat

PUBLIC = "/api/v1/public-config"


@pytest.fixture
def api(mock: MockConfigCat) -> Iterator[httpx.Client]:
    """Raw management and delivery calls on the in-process transport."""
    with httpx.Client(
        transport=mock.transport, base_url="http://mock", auth=(DEMO_USERNAME, DEMO_PASSWORD)
    ) as client:
        yield client


def call(api: httpx.Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    r = api.request(method, url, json=body, headers=headers)
    assert r.status_code in (200, 201, 204), (method, url, r.status_code, r.text)
    return r.json() if r.content else None


@attrs.define
class World:
    """Two configs of one product, each with a client-tagged text flag ``banner``."""

    version: str
    product_id: str
    env_id: str
    config_id: str
    other_config_id: str
    flag_id: int
    tag_id: int
    segment_id: str
    sdk_key: str
    other_sdk_key: str
    pub: str
    other_pub: str


def build(api: httpx.Client, version: str) -> World:
    product = call(
        api, "POST", f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", {"name": f"P {version}"}
    )
    pid = product["productId"]
    env = call(api, "POST", f"/v1/products/{pid}/environments", {"name": "Prod"})["environmentId"]
    tag = call(api, "POST", f"/v1/products/{pid}/tags", {"name": "client"})["tagId"]
    segment = call(
        api,
        "POST",
        f"/v1/products/{pid}/segments",
        {
            "name": "Beta",
            "comparisonAttribute": "Email",
            "comparator": "contains",
            "comparisonValue": "@beta.io",
        },
    )["segmentId"]
    configs, flags, sdk_keys, pubs = [], [], [], []
    for name in ("Target", "Bystander"):
        body = {"name": name, "evaluationVersion": version}
        cid = call(api, "POST", f"/v1/products/{pid}/configs", body)["configId"]
        flag = {"key": "banner", "name": "Banner", "settingType": "string", "tags": [tag]}
        configs.append(cid)
        flags.append(call(api, "POST", f"/v1/configs/{cid}/settings", flag)["settingId"])
        sdk_keys.append(call(api, "GET", f"/v1/configs/{cid}/environments/{env}")["primary"])
        minted = call(
            api, "POST", "/_mock/delivery/client-keys", {"configId": cid, "environmentId": env}
        )
        pubs.append(minted["key"])
    return World(
        version, pid, env, configs[0], configs[1], flags[0], tag, segment,
        sdk_keys[0], sdk_keys[1], pubs[0], pubs[1],
    )  # fmt: skip


@attrs.frozen
class Seen:
    """What delivery serves for one config at one moment."""

    v6_status: int
    v6_etag: str | None
    v6: Any
    public_status: int
    public_version: int | None
    public: Any


def look(api: httpx.Client, sdk_key: str, pub: str) -> Seen:
    v6 = api.get(f"/configuration-files/{sdk_key}/config_v6.json")
    public = api.get(PUBLIC, headers={"Authorization": f"Bearer {pub}"}, auth=None)
    doc = public.json() if public.status_code == 200 else None
    return Seen(
        v6.status_code,
        v6.headers.get("etag"),
        v6.json() if v6.status_code == 200 else None,
        public.status_code,
        doc["version"] if doc else None,
        doc,
    )


def banner(seen: Seen) -> Any:
    """The public document's ``banner`` value (``None``: not listed)."""
    flag = seen.public["doc"]["flags"].get("banner")
    return flag["value"] if flag else None


Write = Callable[[httpx.Client, World, MockConfigCat], None]


def v2_formula(text: str) -> dict[str, Any]:
    return {"defaultValue": {"stringValue": text}, "targetingRules": []}


def v1_value(text: str) -> dict[str, Any]:
    return {"value": text, "rolloutRules": [], "rolloutPercentageItems": []}


def value_url(w: World) -> str:
    return f"/{w.version}/environments/{w.env_id}/settings/{w.flag_id}/value"


def by_key_url(w: World) -> str:
    return f"/{w.version}/settings/banner/value"


def bulk_url(w: World) -> str:
    return f"/{w.version}/configs/{w.config_id}/environments/{w.env_id}/values"


def value_writes(
    version: str, put: dict[str, Any], patch: list[dict[str, Any]], bulk_field: str
) -> dict[str, tuple[str, Write]]:
    """Every way to write one value of a ``version`` config: by ids or SDK key, and in bulk."""

    def by_key(w: World) -> dict[str, str]:
        return {"X-CONFIGCAT-SDKKEY": w.sdk_key}

    def bulk(w: World) -> dict[str, Any]:
        return {bulk_field: [{"settingId": w.flag_id, **put}]}

    return {
        f"{version} PUT": (version, lambda a, w, m: call(a, "PUT", value_url(w), put)),
        f"{version} PATCH": (version, lambda a, w, m: call(a, "PATCH", value_url(w), patch)),
        f"{version} PUT by SDK key": (
            version,
            lambda a, w, m: call(a, "PUT", by_key_url(w), put, **by_key(w)),
        ),
        f"{version} PATCH by SDK key": (
            version,
            lambda a, w, m: call(a, "PATCH", by_key_url(w), patch, **by_key(w)),
        ),
        f"{version} bulk POST": (version, lambda a, w, m: call(a, "POST", bulk_url(w), bulk(w))),
    }


VALUE_WRITES: dict[str, tuple[str, Write]] = {
    **value_writes(
        "v2",
        v2_formula("new"),
        [{"op": "replace", "path": "/defaultValue", "value": {"stringValue": "new"}}],
        "updateFormulas",
    ),
    **value_writes(
        "v1",
        v1_value("new"),
        [{"op": "replace", "path": "/value", "value": "new"}],
        "settingValues",
    ),
}


def schedule_change(api: httpx.Client, w: World, mock: MockConfigCat) -> None:
    """A change request scheduled for later, whose time then comes: no management request
    follows, the next delivery request applies it."""
    body = {
        "title": "later",
        "bypassApproval": True,
        "applyAt": "2999-01-01T00:00:00Z",
        "proposedChanges": [
            {"proposedChange": {"settingId": w.flag_id, "defaultValue": {"stringValue": "new"}}}
        ],
    }
    url = f"/v2/configs/{w.config_id}/environments/{w.env_id}/change-requests"
    crid = call(api, "POST", url, body)["changeRequestId"]
    assert look(api, w.sdk_key, w.pub).public["doc"]["flags"]["banner"]["value"] == ""
    with mock.backend.lock:
        mock.backend.change_requests[crid].apply_at = "2020-01-01T00:00:00Z"


VALUE_WRITES["scheduled change request"] = ("v2", schedule_change)


@pytest.fixture(params=["v1", "v2"])
def world(request: pytest.FixtureRequest, api: httpx.Client) -> World:
    return build(api, request.param)


def test_every_value_write_path_is_seen(api: httpx.Client, mock: MockConfigCat) -> None:
    worlds = {v: build(api, v) for v in ("v1", "v2")}
    for name, (version, write) in VALUE_WRITES.items():
        w = worlds[version]
        before, other = look(api, w.sdk_key, w.pub), look(api, w.other_sdk_key, w.other_pub)
        write(api, w, mock)
        after = look(api, w.sdk_key, w.pub)
        assert after.v6_etag != before.v6_etag, name
        assert after.v6["f"]["banner"]["v"] == {"s": "new"}, name
        assert after.public_version == before.public_version + 1, name
        assert banner(after) == "new", name
        assert look(api, w.other_sdk_key, w.other_pub) == other, name
        # back to "" for the next path, itself a change
        call(api, "PUT", value_url(w), v2_formula("") if version == "v2" else v1_value(""))
        assert banner(look(api, w.sdk_key, w.pub)) == "", name


def test_setting_tags_and_delete(api: httpx.Client, world: World) -> None:
    w = world
    other = look(api, w.other_sdk_key, w.other_pub)
    before = look(api, w.sdk_key, w.pub)
    call(
        api, "PATCH", f"/v1/settings/{w.flag_id}", [{"op": "replace", "path": "/tags", "value": []}]
    )
    untagged = look(api, w.sdk_key, w.pub)
    assert banner(untagged) is None and untagged.public_version == before.public_version + 1
    assert "banner" in untagged.v6["f"]
    call(api, "DELETE", f"/v1/settings/{w.flag_id}")
    deleted = look(api, w.sdk_key, w.pub)
    assert deleted.v6_etag != untagged.v6_etag and "banner" not in deleted.v6["f"]
    # a change of the config+environment, though not of the listed flags: the version moves
    assert deleted.public_version == untagged.public_version + 1
    assert look(api, w.other_sdk_key, w.other_pub) == other


def test_tag_rename_reaches_every_config_of_the_product(api: httpx.Client, world: World) -> None:
    w = world
    before, other = look(api, w.sdk_key, w.pub), look(api, w.other_sdk_key, w.other_pub)
    call(api, "PUT", f"/v1/tags/{w.tag_id}", {"name": "web"})
    after = look(api, w.sdk_key, w.pub), look(api, w.other_sdk_key, w.other_pub)
    for was, now in zip((before, other), after, strict=True):
        assert banner(was) == "" and banner(now) is None
        assert now.public_version == was.public_version + 1


def test_segment_change(api: httpx.Client, world: World) -> None:
    w = world
    before = look(api, w.sdk_key, w.pub)
    assert before.v6["s"][0]["r"][0]["l"] == ["@beta.io"]
    body = {"name": "Beta", "comparisonAttribute": "Email", "comparator": "contains",
            "comparisonValue": "@gamma.io"}  # fmt: skip
    call(api, "PUT", f"/v1/segments/{w.segment_id}", body)
    after = look(api, w.sdk_key, w.pub)
    assert after.v6_etag != before.v6_etag
    assert after.v6["s"][0]["r"][0]["l"] == ["@gamma.io"]
    call(api, "DELETE", f"/v1/segments/{w.segment_id}")
    assert look(api, w.sdk_key, w.pub).v6["s"] == []


def test_config_delete(api: httpx.Client, world: World) -> None:
    w = world
    other = look(api, w.other_sdk_key, w.other_pub)
    call(api, "DELETE", f"/v1/configs/{w.config_id}")
    gone = look(api, w.sdk_key, w.pub)
    assert (gone.v6_status, gone.public_status) == (404, 401)
    assert look(api, w.other_sdk_key, w.other_pub) == other


def test_state_loads_replace_what_is_served(
    api: httpx.Client, world: World, mock: MockConfigCat
) -> None:
    """States of equal sizes and audit counters, loaded twice in a row: the second tables dict
    may take the address of the one the store last saw, which must not make it serve that
    state's documents or keep its client keys."""
    w = world
    assert banner(look(api, w.sdk_key, w.pub)) == ""
    keys = call(api, "GET", "/_mock/delivery/state")
    state = mock.dump()
    for color in ("red", "blue", "red", "red", "blue"):
        for row in state["tables"]["setting_values"]:
            if row["setting_id"] == w.flag_id:
                formula = row["formula"]
                if w.version == "v2":
                    formula["defaultValue"] = {"stringValue": color}
                else:
                    formula["value"] = color
        for _ in range(2):
            mock.load(state)
        assert public_status(api, w.pub) == 401
        call(api, "PUT", "/_mock/delivery/state", keys)
        seen = look(api, w.sdk_key, w.pub)
        assert seen.v6["f"]["banner"]["v"] == {"s": color} and banner(seen) == color


def public_status(client: httpx.Client, key: str) -> int:
    return client.get(PUBLIC, headers={"Authorization": f"Bearer {key}"}, auth=None).status_code


def test_reset_forgets_minted_keys(world: World, mock: MockConfigCat) -> None:
    w = world
    with (
        MockConfigCat(seed=mock.dump(), rate_limits=False) as seeded,
        httpx.Client(transport=seeded.transport, base_url="http://mock") as client,
    ):
        for _ in range(3):
            body = {"configId": w.config_id, "environmentId": w.env_id}
            key = call(client, "POST", "/_mock/delivery/client-keys", body)["key"]
            assert public_status(client, key) == 200
            seeded.reset()
            seeded.reset()
            assert public_status(client, key) == 401


def test_a_state_dump_of_both_sections_loads_back(
    api: httpx.Client, world: World, mock: MockConfigCat
) -> None:
    """``/_mock/state`` plus ``/_mock/delivery/state`` restore the same delivery: the same
    bytes and ETags, the same keys and quotas (the client keys are not in ``/_mock/state``,
    see :mod:`configcat_mock.delivery.routes`)."""
    w = world
    call(api, "PATCH", f"/_mock/delivery/client-keys/{w.pub}", {"monthlyQuota": 50})
    state, keys = call(api, "GET", "/_mock/state"), call(api, "GET", "/_mock/delivery/state")
    before = look(api, w.sdk_key, w.pub)
    call(api, "PUT", value_url(w), v2_formula("x") if w.version == "v2" else v1_value("x"))
    call(api, "POST", "/_mock/reset")
    assert "delivery" not in state
    call(api, "PUT", "/_mock/state", state)
    call(api, "PUT", "/_mock/delivery/state", keys)
    after = look(api, w.sdk_key, w.pub)
    assert (after.v6, after.v6_etag, banner(after)) == (before.v6, before.v6_etag, banner(before))
    assert after.public_version == before.public_version  # same content, same version
    assert call(api, "GET", "/_mock/delivery/state") == keys
    assert store_for(mock.backend).client_keys.get(w.pub).monthly_quota == 50
