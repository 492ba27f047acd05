"""A change rebuilds only the documents it touches, and what is rebuilt equals a fresh build."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from configcat_mock.delivery.config_v6 import FlagCache, build_config_v6, encode, encode_config_v6
from configcat_mock.delivery.snapshot import config_source
from configcat_mock.delivery.store import DeliveryStore, store_for
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_mock.testkit.mock import MockConfigCat


@pytest.fixture
def api(mock: MockConfigCat) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=mock.transport, base_url="http://m", auth=("demo", "demo")
    ) as client:
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.is_success, response.text
    return response.json() if response.content else None


def rule(pre: int | None = None, segment: str | None = None) -> dict[str, Any]:
    condition: dict[str, Any]
    if pre is not None:
        condition = {
            "prerequisiteFlagCondition": {
                "prerequisiteSettingId": pre,
                "comparator": "equals",
                "prerequisiteComparisonValue": {"boolValue": True},
            }
        }
    elif segment is not None:
        condition = {"segmentCondition": {"segmentId": segment, "comparator": "isIn"}}
    else:
        condition = {
            "userCondition": {
                "comparisonAttribute": "Email",
                "comparator": "sensitiveTextEquals",
                "comparisonValue": {"stringValue": "a@b.c"},
            }
        }
    return {"conditions": [condition], "value": {"boolValue": True}}


class World:
    """Two v2 configs of one product, two environments, flags with every kind of rule."""

    def __init__(self, api: httpx.Client) -> None:
        self.api = api
        pid = ok(
            api.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "P"})
        )["productId"]
        self.pid = pid
        self.envs = [
            ok(api.post(f"/v1/products/{pid}/environments", json={"name": n}))["environmentId"]
            for n in ("Prod", "Test")
        ]
        self.segment = ok(
            api.post(
                f"/v1/products/{pid}/segments",
                json={
                    "name": "Beta",
                    "comparisonAttribute": "Email",
                    "comparator": "contains",
                    "comparisonValue": "@beta.io",
                },
            )
        )["segmentId"]
        self.configs = []
        self.flags: dict[str, list[int]] = {}
        for name in ("A", "B"):
            cid = ok(
                api.post(
                    f"/v1/products/{pid}/configs", json={"name": name, "evaluationVersion": "v2"}
                )
            )["configId"]
            self.configs.append(cid)
            ids = [
                ok(
                    api.post(
                        f"/v1/configs/{cid}/settings",
                        json={"key": f"f{i}", "name": f"F{i}", "settingType": "boolean"},
                    )
                )["settingId"]
                for i in range(4)
            ]
            self.flags[cid] = ids
            for env in self.envs:
                self.put(env, ids[1], [rule()])
                self.put(env, ids[2], [rule(pre=ids[0])])
                self.put(env, ids[3], [rule(segment=self.segment)])

    def put(self, env: str, setting_id: int, rules: list[dict[str, Any]], on: bool = False) -> None:
        body = {"defaultValue": {"boolValue": on}, "targetingRules": rules}
        ok(self.api.put(f"/v2/environments/{env}/settings/{setting_id}/value", json=body))

    def slots(self) -> list[tuple[str, str]]:
        return [(c, e) for c in self.configs for e in self.envs]


def served(store: DeliveryStore, world: World) -> dict[tuple[str, str], bytes]:
    store.sync()
    out = {}
    for slot in world.slots():
        built = store.built(*slot)
        assert built is not None
        out[slot] = built.encoded + built.public.body
    return out


def fresh(mock: MockConfigCat, world: World) -> dict[tuple[str, str], bytes]:
    """What a store that never built anything serves (its versions aside)."""
    return {
        slot: body.split(b',"version":')[0]
        for slot, body in served(DeliveryStore(mock.backend), world).items()
    }


def test_the_encoded_build_is_the_document_encoded_with_or_without_reuse(
    mock: MockConfigCat, api: httpx.Client
) -> None:
    world = World(api)
    for slot in world.slots():
        source = config_source(mock.backend, *slot)
        assert source is not None
        expected = encode(build_config_v6(source, "https://x.io"))
        cache: FlagCache = {}
        assert encode_config_v6(source, "https://x.io") == expected
        assert encode_config_v6(source, "https://x.io", cache) == expected
        assert len(cache) == 4
        assert encode_config_v6(source, "https://x.io", cache) == expected  # all reused
        stale = {k: (stamp, b'"stale"') for k, (stamp, _) in cache.items()}
        stale[world.flags[slot[0]][0]] = ("an old version", b'"stale"')
        assert encode_config_v6(source, "https://x.io", stale).count(b'"stale"') == 3


def _builds_after(store: DeliveryStore, world: World, change: Any) -> tuple[int, set[Any]]:
    before = served(store, world)
    count = store.builds
    change()
    after = served(store, world)
    return store.builds - count, {slot for slot in after if after[slot] != before[slot]}


def test_a_value_change_rebuilds_its_config_and_environment_only(
    mock: MockConfigCat, api: httpx.Client
) -> None:
    world = World(api)
    store = store_for(mock.backend)
    a = world.configs[0]
    prod = world.envs[0]
    builds, changed = _builds_after(
        store, world, lambda: world.put(prod, world.flags[a][1], [], on=True)
    )
    assert (builds, changed) == (1, {(a, prod)})
    assert {s: v.split(b',"version":')[0] for s, v in served(store, world).items()} == fresh(
        mock, world
    )


@pytest.mark.parametrize(
    ("what", "rebuilt"),
    [
        ("setting", "config"),
        ("prerequisite key", "config"),
        ("segment", "product"),
        ("environment", "product"),
        ("config delete", "product"),
    ],
)
def test_wider_changes_rebuild_what_depends_on_them(
    mock: MockConfigCat, api: httpx.Client, what: str, rebuilt: str
) -> None:
    world = World(api)
    store = store_for(mock.backend)
    a, b = world.configs

    def change() -> None:
        if what == "setting":
            ok(api.put(f"/v1/settings/{world.flags[a][1]}", json={"name": "Renamed", "order": 9}))
        elif what == "prerequisite key":  # the prerequisite's hint: flag 2 is built again
            ok(api.put(f"/v1/settings/{world.flags[a][0]}", json={"name": "P", "hint": "h"}))
        elif what == "segment":
            ok(
                api.put(
                    f"/v1/segments/{world.segment}",
                    json={
                        "name": "Beta",
                        "comparisonAttribute": "Email",
                        "comparator": "contains",
                        "comparisonValue": "@gamma.io",
                    },
                )
            )
        elif what == "environment":
            ok(api.put(f"/v1/environments/{world.envs[1]}", json={"name": "Staging"}))
        else:
            world.configs.remove(b)
            ok(api.delete(f"/v1/configs/{b}"))

    served(store, world)
    count = store.builds
    change()
    after = served(store, world)
    expected = {"config": 2, "product": len(world.slots())}[rebuilt]
    assert store.builds - count == expected
    if what == "config delete":
        assert store.built(b, world.envs[0]) is None
    assert {s: v.split(b',"version":')[0] for s, v in after.items()} == fresh(mock, world)
    assert mock.backend.check_indexes() == []


def test_a_lost_audit_entry_or_a_direct_edit_drops_everything(
    mock: MockConfigCat, api: httpx.Client
) -> None:
    world = World(api)
    store = store_for(mock.backend)
    served(store, world)
    count = store.builds
    world.put(world.envs[0], world.flags[world.configs[0]][1], [], on=True)
    mock.backend.audit_logs.remove(mock.backend.counters["audit_log"])  # as if capped away
    served(store, world)
    assert store.builds - count == len(world.slots())
    count = store.builds
    value = mock.backend.setting_values[(world.flags[world.configs[1]][0], world.envs[1])]
    value.formula = {"defaultValue": {"boolValue": True}, "targetingRules": []}
    store.invalidate()
    assert served(store, world)[(world.configs[1], world.envs[1])].count(b'"v":{"b":true}') >= 1
    assert store.builds - count == len(world.slots())
