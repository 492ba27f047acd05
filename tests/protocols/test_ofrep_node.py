"""OpenFeature's OFREP provider for Node.js, pointed at the fake, gets exactly what the official
ConfigCat SDK computes for the same users."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from protocol_support import (
    KEYS,
    USERS,
    Make,
    NodeProvider,
    context_of,
    official,
    targeted_flags,
)

from configcat_mock.flags import FlagSet

SCRIPT = Path(__file__).with_name("node") / "ofrep.js"
NODE_SDK_SCRIPT = Path(__file__).parents[1] / "testkit" / "node" / "evaluate.js"


def official_node(node: NodeProvider, flags: FlagSet) -> list[tuple[Any, Any]]:
    """(value, variation id) for every user and key, by the official Node SDK."""
    users = [
        {"identifier": key, "email": email, "country": country, "custom": custom}
        for key, email, country, custom in USERS
    ]
    request = {
        "modules": str(node.modules),
        "baseUrl": flags.base_url,
        "sdkKey": flags.sdk_key,
        "keys": KEYS,
        "users": users,
    }
    done = subprocess.run(  # noqa: S603 - node found on PATH, the test kit's script
        [node.node, str(NODE_SDK_SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [(value, variation_id) for value, variation_id in json.loads(done.stdout)]


@pytest.mark.slow
def test_the_node_ofrep_provider_gets_the_official_values(
    configcat_flags: Make, node_ofrep: NodeProvider, node_configcat_sdk: NodeProvider
) -> None:
    flags = targeted_flags(configcat_flags)
    defaults = {"isBeta": False, "discount": -1, "plan": "", "banner": "", "ratio": -1.0}
    assert list(defaults) == KEYS
    request = {
        "modules": str(node_ofrep.modules),
        "baseUrl": flags.ofrep_url,
        "headers": {"X-ConfigCat-SdkId": flags.sdk_id},
        "flags": defaults,
        "contexts": [context_of(user[0]) for user in USERS],
    }
    done = subprocess.run(  # noqa: S603 - node found on PATH, our own script
        [node_ofrep.node, str(SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    want = list(official(flags))
    assert len(got) == len(want)
    reasons = set()
    for (value, variant, reason, error), (user_key, key, want_value, want_variant) in zip(
        got, want, strict=True
    ):
        assert error is None, (user_key, key, error)
        assert (value, variant) == (want_value, want_variant), (user_key, key)
        reasons.add(reason)
    assert reasons == {"STATIC", "TARGETING_MATCH", "SPLIT"}
    # and the official Node SDK agrees with the Python one, so with the provider
    assert official_node(node_configcat_sdk, flags) == [(v, i) for _, _, v, i in want]
