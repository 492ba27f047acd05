"""A config JSON whose prerequisite flags refer to themselves or form a cycle (ConfigCat's SDKs
ship such configs to test their cycle detection) is imported and served as it came: the
official Python SDK downloads it unchanged and its own cycle detection reports the cycle. The
management API cannot hold those rules; its view leaves them out and the setting's hint says
so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from configcatclient import ConfigCatClient as SdkClient
from configcatclient import ConfigCatOptions, PollingMode

from configcat_mock.flags import FlagServer
from configcat_mock.testkit.config_import import unshowable_rules
from configcat_mock.testkit.mock import MockConfigCat
from tests.serve_process import serving


def boolean(value: bool, variation: str) -> dict[str, Any]:
    return {"v": {"b": value}, "i": variation}


def needs(key: str, rule_value: bool, variation: str) -> dict[str, Any]:
    """A targeting rule: when prerequisite ``key`` is true, serve ``rule_value``."""
    return {"c": [{"p": {"f": key, "c": 0, "v": {"b": True}}}], "s": boolean(rule_value, variation)}


def cyclic_config() -> dict[str, Any]:
    """Flags in the shape of the SDKs' circular-dependency test data: one whose prerequisite
    is itself, a two-flag cycle, a three-flag cycle, a flag that only depends on a cycle, and
    a plain flag."""
    return {
        "p": {"u": "https://cdn-global.configcat.com", "r": 0, "s": "cycle-salt"},
        "f": {
            "selfRef": {
                "t": 0,
                **boolean(True, "5e1f0001"),
                "r": [needs("selfRef", False, "5e1f0002")],
            },
            "ping": {"t": 0, **boolean(True, "0a000001"), "r": [needs("pong", False, "0a000002")]},
            "pong": {"t": 0, **boolean(True, "0b000001"), "r": [needs("ping", False, "0b000002")]},
            "one": {"t": 0, **boolean(True, "01000001"), "r": [needs("two", False, "01000002")]},
            "two": {"t": 0, **boolean(True, "02000001"), "r": [needs("three", False, "02000002")]},
            "three": {
                "t": 0,
                **boolean(True, "03000001"),
                "r": [
                    {
                        "c": [{"u": {"a": "Email", "c": 2, "l": ["@example.com"]}}],
                        "s": boolean(True, "03000003"),
                    },
                    needs("one", False, "03000002"),
                ],
            },
            "downstream": {
                "t": 0,
                **boolean(False, "d0000001"),
                "r": [needs("ping", True, "d0000002")],
            },
            "plain": {"t": 1, "v": {"s": "hello"}, "i": "9a1a0001"},
        },
    }


KEY = "configcat-sdk-1/CyclesCyclesCyclesCycl/CyclesCyclesCyclesCycl"


def test_the_rules_the_api_cannot_hold_are_found() -> None:
    hidden = unshowable_rules(cyclic_config()["f"])
    assert hidden == {
        "selfRef": {0: "its prerequisite flag is the flag itself"},
        "ping": {0: "its prerequisite flags form a cycle: ping → pong → ping"},
        "pong": {0: "its prerequisite flags form a cycle: pong → ping → pong"},
        "one": {0: "its prerequisite flags form a cycle: one → two → three → one"},
        "two": {0: "its prerequisite flags form a cycle: two → three → one → two"},
        "three": {1: "its prerequisite flags form a cycle: three → one → two → three"},
    }
    missing = {"lonely": {"t": 0, **boolean(True, "1"), "r": [needs("gone", False, "2")]}}
    assert unshowable_rules(missing) == {
        "lonely": {0: "its prerequisite flag gone is not in the config"}
    }


@pytest.fixture
def server() -> Iterator[FlagServer]:
    with FlagServer(MockConfigCat(rate_limits=False, validate_responses=True)) as made:
        yield made
        assert not made.mock.app.internal_errors
        assert not made.mock.app.response_violations
        made.mock.close()


def sdk_details(base_url: str, key: str) -> dict[str, Any]:
    """Each flag's value and error as the official Python SDK evaluates them."""
    options = ConfigCatOptions(base_url=base_url, polling_mode=PollingMode.manual_poll())
    client = SdkClient.get(key, options)
    try:
        client.force_refresh()
        out = {}
        for flag in cyclic_config()["f"]:
            details = client.get_value_details(flag, "default")
            out[flag] = (details.value, details.error or "")
        return out
    finally:
        client.close()


def check_served(base_url: str, key: str) -> None:
    served = httpx.get(f"{base_url}/configuration-files/{key}/config_v6.json").json()
    assert served["f"] == cyclic_config()["f"]  # as it came, variation ids and all
    assert served["p"]["s"] == "cycle-salt"
    details = sdk_details(base_url, key)
    for flag in ("selfRef", "ping", "pong", "one", "two", "downstream"):
        value, error = details[flag]
        assert value == "default", (flag, details[flag])
        assert "Circular dependency detected" in error, (flag, error)
    assert details["plain"] == ("hello", "")


def test_a_cyclic_config_is_served_as_it_came(server: FlagServer) -> None:
    done = server.import_config_json(cyclic_config(), sdk_key=KEY)
    check_served(server.base_url, KEY)

    api = httpx.Client(
        base_url="http://configcat-mock",
        transport=server.mock.transport,
        auth=(server.mock.username, server.mock.password),
    )
    with api:
        settings = {s["key"]: s for s in api.get(f"/v1/configs/{done.config_id}/settings").json()}
        hint = settings["ping"]["hint"]
        assert "not shown here" in hint
        assert "rule 1: its prerequisite flags form a cycle: ping → pong → ping" in hint
        assert "rule 1: its prerequisite flag is the flag itself" in settings["selfRef"]["hint"]
        assert "rule 2: its prerequisite flags form a cycle" in settings["three"]["hint"]
        assert "not shown here" not in settings["downstream"]["hint"]
        values = api.get(
            f"/v2/configs/{done.config_id}/environments/{done.environment_id}/values"
        ).json()
    rules = {
        entry["setting"]["key"]: entry["targetingRules"] for entry in values["settingFormulas"]
    }
    assert rules["selfRef"] == rules["ping"] == rules["pong"] == []
    assert len(rules["three"]) == 1  # the rule without a prerequisite is shown
    assert rules["three"][0]["conditions"][0]["userCondition"]["comparisonAttribute"] == "Email"
    [downstream] = rules["downstream"]  # depends on a cycle but is not part of one: shown
    prerequisite = downstream["conditions"][0]["prerequisiteFlagCondition"]
    assert prerequisite["prerequisiteSettingId"] == settings["ping"]["settingId"]


def test_serve_config_json_takes_a_cyclic_config(tmp_path: Path) -> None:
    path = tmp_path / "config_v6.json"
    path.write_text(json.dumps(cyclic_config()))
    with serving("--config-json", str(path), "--sdk-key", KEY) as served:
        check_served(served.base_url, KEY)
    assert f"{path} served under SDK key {KEY}" in served.stderr
