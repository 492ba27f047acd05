"""Export, apply to an empty organization, and the official SDK evaluates every flag alike."""

from __future__ import annotations

import itertools
from typing import Any
from uuid import UUID

import pytest
from configcatclient import ConfigCatClient as SdkClient
from configcatclient import ConfigCatOptions, PollingMode
from configcatclient.user import User

from configcat_mock.http.server import LoopbackServer
from configcat_publicapi import workflows as wf
from tests.workflows.conftest import Org
from tests.workflows.workflows_support import full_document

EMAILS = ["a@example.com", "beta.joe@x.io", "vip@example.com", "night@owl.io", "a@corp.io", ""]
COUNTRIES = ["HU", "DE", "US"]
CUSTOM = [
    {"Age": "70", "Version": "1.5.0", "Roles": "admin", "Signup": "1800000000", "Plan": "pro"},
    {"Age": "12", "Version": "2.1.0", "Roles": '["user"]', "Signup": "1600000000", "Plan": "free"},
]


def users() -> list[User]:
    out = []
    for n, (email, country, custom) in enumerate(itertools.product(EMAILS, COUNTRIES, CUSTOM)):
        out.append(User(f"user-{n}", email=email or None, country=country, custom=custom))
    return out


def evaluations(org: Org, product_id: UUID) -> dict[tuple[str, str, str, str], Any]:
    """(config, environment, flag, user) -> the SDK's value, from the fake's config_v6.json."""
    snap = wf.snapshot(org.cc, product_id)
    out: dict[tuple[str, str, str, str], Any] = {}
    with LoopbackServer(org.mock.app) as server:
        for config_name, config in snap.configs.items():
            for env_name, env_id in snap.environments.items():
                key = org.cc.sdk_keys.get_sdk_keys(UUID(config.config_id), UUID(env_id)).primary
                options = ConfigCatOptions(
                    base_url=server.url, polling_mode=PollingMode.manual_poll()
                )
                sdk = SdkClient.get(str(key), options)
                try:
                    sdk.force_refresh()
                    for flag in config.settings:
                        for user in users():
                            value = sdk.get_value(flag, "<missing>", user)
                            out[(config_name, env_name, flag, user.get_identifier())] = value
                finally:
                    sdk.close()
    return out


@pytest.mark.parametrize("concurrency", [1, 4])
def test_round_trip_evaluates_alike(source: Org, target: Org, concurrency: int) -> None:
    built = source.product()
    wf.apply(source.cc, full_document(), built, reason="build")
    exported = wf.export(source.cc, built)
    wf.check_document(exported)
    # the export holds everything the document said, names for ids
    assert wf.canonical(exported) == wf.canonical(full_document())
    assert [s["values"] for s in exported["configs"][0]["settings"]] == [
        s["values"] for s in full_document()["configs"][0]["settings"]
    ]

    empty = target.product("Copy")
    result = wf.apply(
        target.cc, wf.loads(wf.dumps(exported)), empty, reason="restore", concurrency=concurrency
    )
    assert result.done

    before, after = evaluations(source, built), evaluations(target, empty)
    assert "<missing>" not in before.values()
    assert after == before
    # the spread of users reaches more than the default values
    for flag in ("isBeta", "discount", "theme", "legacyBanner", "legacyLimit"):
        served = {v for (c, e, f, _), v in before.items() if f == flag and e == "Production"}
        assert len(served) > 1, flag


def test_second_apply_plans_nothing(source: Org) -> None:
    product = source.product()
    first = wf.plan(source.cc, full_document(), product)
    assert first.counts() == {"create": 15, "update": 16, "delete": 0}
    wf.apply(source.cc, full_document(), product, reason="once")
    assert not wf.plan(source.cc, full_document(), product)
    source.mock.journal.clear()
    again = wf.apply(source.cc, full_document(), product, reason="twice")
    assert again.done == []
    writes = [e for e in source.mock.journal.entries if e.method != "GET"]
    assert writes == []


def test_a_change_plans_only_that_change(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    doc = full_document()
    doc["configs"][0]["settings"][0]["values"]["Staging"] = {"defaultValue": {"boolValue": False}}
    doc["tags"][1]["color"] = "salmon"
    changes = wf.plan(source.cc, doc, product).changes
    assert [(c.action, c.kind, c.path) for c in changes] == [
        ("update", "tag", "tags[1]"),
        ("update", "value", "configs[0].settings[0].values.Staging"),
    ]
    wf.apply(source.cc, doc, product, reason="flip")
    assert wf.canonical(wf.export(source.cc, product)) == wf.canonical(doc)


def test_deletes_only_when_asked(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    doc = full_document()
    del doc["configs"][1]
    doc["configs"][0]["settings"].pop(3)  # ratio
    doc["tags"].pop()
    doc["configs"][0]["settings"][2]["tags"] = ["client"]
    assert not wf.plan(source.cc, doc, product).counts()["delete"]
    assert "Legacy" in [c["name"] for c in wf.export(source.cc, product)["configs"]]
    pruned = wf.plan(source.cc, doc, product, prune=True)
    assert {(c.kind, c.name) for c in pruned.changes if c.action == "delete"} == {
        ("setting", "ratio"),
        ("config", "Legacy"),
        ("tag", "ui"),
    }
    wf.apply(source.cc, doc, product, prune=True)
    assert wf.canonical(wf.export(source.cc, product)) == wf.canonical(doc)


def test_export_of_selected_configs(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    doc = wf.export(source.cc, product, configs=["Legacy"])
    assert [c["name"] for c in doc["configs"]] == ["Legacy"]
    assert [s["name"] for s in doc["segments"]] == ["Beta testers", "Internal"]
    wf.check_document(doc)


def test_the_order_of_environments_configs_and_flags_is_kept(source: Org) -> None:
    doc = full_document()
    doc["environments"].reverse()
    doc["configs"].reverse()
    doc["configs"][0]["settings"].reverse()
    product = source.product()
    wf.apply(source.cc, doc, product)
    back = wf.export(source.cc, product)
    assert [e["name"] for e in back["environments"]] == ["Staging", "Production"]
    assert [c["name"] for c in back["configs"]] == ["Legacy", "Main"]
    assert [s["key"] for s in back["configs"][0]["settings"]] == ["legacyLimit", "legacyBanner"]
    assert not wf.plan(source.cc, doc, product)
