"""OpenFeature's OFREP provider for the web, run in Node.js against the fake: bulk evaluation
to the official SDK's values, 304s while polling, and a change seen through OFREP event streams."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
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

from configcat_mock.flags import FlagServer, FlagSet

SCRIPT = Path(__file__).with_name("node") / "ofrep_web.js"
DEFAULTS = {"isBeta": False, "discount": -1, "plan": "", "banner": "", "ratio": -1.0}


def run(node: NodeProvider, request: dict[str, Any]) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - node found on PATH, our own script
        [node.node, str(SCRIPT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps({"modules": str(node.modules), **request}))
    process.stdin.close()
    process.stdin = None  # all written: communicate() reads only
    return process


@pytest.mark.slow
def test_bulk_evaluation_gives_the_official_values(
    configcat_flags: Make, node_ofrep_web: NodeProvider
) -> None:
    flags = targeted_flags(configcat_flags)
    assert list(DEFAULTS) == KEYS
    process = run(
        node_ofrep_web,
        {
            "baseUrl": flags.ofrep_url,
            "headers": {"X-ConfigCat-SdkKey": flags.sdk_key},
            "flags": DEFAULTS,
            "contexts": [context_of(user[0]) for user in USERS],
            "watch": None,
        },
    )
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    got = json.loads(out)
    want = list(official(flags))
    assert [(value, variant) for value, variant, _, _ in got] == [
        (value, variant) for _, _, value, variant in want
    ]
    assert {error for *_, error in got} == {None}
    assert {reason for _, _, reason, _ in got} == {"STATIC", "TARGETING_MATCH", "SPLIT"}


def watch_change(node: NodeProvider, flags: FlagSet, poll_ms: int) -> tuple[str, list[Any]]:
    """Start the provider watching ``banner``, change it through the management API once the
    provider is ready; the value it saw, and the fake's journal of bulk requests."""
    process = run(
        node,
        {
            "baseUrl": flags.ofrep_url,
            "headers": {"X-ConfigCat-SdkKey": flags.sdk_key},
            "flags": {},
            "contexts": [],
            "watch": {
                "key": "banner",
                "default": "",
                "context": {"targetingKey": "u1"},
                "pollInterval": poll_ms,
            },
        },
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "ready", process.stderr
        if poll_ms:  # let a few polls go by unchanged
            journal_url = f"{flags.base_url}/_mock/journal"
            for _ in range(200):
                entries = httpx.get(journal_url).json()
                if sum(e["status"] == 304 for e in entries) >= 2:
                    break
                time.sleep(0.05)
        url = (
            f"{flags.base_url}/v2/environments/{flags.environment_id}/settings/"
            f"{flags.setting_ids['banner']}/value"
        )
        body = {"defaultValue": {"stringValue": "Changed"}, "targetingRules": []}
        assert httpx.put(url, json=body, auth=("demo", "demo")).status_code == 200
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    journal = httpx.get(f"{flags.base_url}/_mock/journal").json()
    return json.loads(out), journal


@pytest.mark.slow
def test_polling_gets_304s_then_the_change(node_ofrep_web: NodeProvider) -> None:
    with FlagServer() as server:
        flags = server.flags({"banner": "Hello"})
        seen, journal = watch_change(node_ofrep_web, flags, poll_ms=100)
    assert seen == "Changed"
    statuses = [e["status"] for e in journal if e["operation_id"] == "ofrep-evaluate-flags"]
    assert statuses[0] == 200
    assert 304 in statuses
    assert statuses[-1] in (200, 304)
    assert (
        statuses.index(304) < len(statuses) - 1 - statuses[::-1].index(200)
        or statuses.count(200) >= 2
    )


@pytest.mark.slow
def test_event_streams_bring_the_change(node_ofrep_web: NodeProvider) -> None:
    with FlagServer() as server:
        server.mock.protocols.ofrep_event_streams = True
        flags = server.flags({"banner": "Hello"})
        seen, journal = watch_change(node_ofrep_web, flags, poll_ms=0)
    assert seen == "Changed"
    operations = [e["operation_id"] for e in journal if e["operation_id"]]
    assert "ofrep-event-stream" in operations
    assert operations.count("ofrep-evaluate-flags") >= 2  # the first, and the refetch
