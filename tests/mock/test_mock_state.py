"""Dump and load, the control API, and the server CLI with ``--seed``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_publicapi import ConfigCatClient
from contract_tests.public import scenarios
from tests.mock.world import http

CLI = [sys.executable, "-m", "configcat_mock"]


def build(mock: MockConfigCat) -> dict[str, Any]:
    h = http(mock)
    pid = h.post(
        f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Kept"}
    ).json()["productId"]
    eid = h.post(f"/v1/products/{pid}/environments", json={"name": "Prod"}).json()["environmentId"]
    cid = h.post(
        f"/v1/products/{pid}/configs", json={"name": "C", "evaluationVersion": "v2"}
    ).json()["configId"]
    sid = h.post(
        f"/v1/configs/{cid}/settings", json={"key": "f", "name": "F", "settingType": "string"}
    ).json()["settingId"]
    h.put(
        f"/v2/environments/{eid}/settings/{sid}/value",
        json={
            "defaultValue": {"stringValue": "x"},
            "targetingRules": [
                {
                    "conditions": [
                        {
                            "userCondition": {
                                "comparisonAttribute": "Email",
                                "comparator": "textEndsWithAnyOf",
                                "comparisonValue": {"listValue": [{"value": "@a.b"}]},
                            }
                        }
                    ],
                    "value": {"stringValue": "y"},
                }
            ],
        },
    )
    return {"pid": pid, "eid": eid, "cid": cid, "sid": sid}


READS = [
    "/v1/products",
    "/v1/products/{pid}/environments",
    "/v1/configs/{cid}/settings",
    "/v2/configs/{cid}/environments/{eid}/values",
    "/v1/configs/{cid}/environments/{eid}",
    "/v1/products/{pid}/auditlogs",
]


def test_dump_loads_back_to_the_same_state() -> None:
    with MockConfigCat(rate_limits=False) as first:
        ids = build(first)
        every = scenarios()
        cc = ConfigCatClient(
            username="demo",
            password="demo",
            base_url="http://m",
            transport=first.transport,
            rate_limit=None,
        )
        for name in (
            "test_settings::test_setting_lifecycle",
            "test_webhooks::test_webhook_lifecycle",
            "test_proxy_profiles::test_proxy_profile_lifecycle",
        ):
            every[name](cc, DEMO_ORGANIZATION_ID)
        dumped = json.loads(json.dumps(first.dump()))
        answers = [http(first).get(p.format(**ids)).json() for p in READS]
        with MockConfigCat(rate_limits=False) as second:
            second.load(dumped)
            assert second.dump() == dumped
            assert [http(second).get(p.format(**ids)).json() for p in READS] == answers
            # ids go on where they left off, in both
            a = (
                http(first)
                .post(
                    f"/v1/configs/{ids['cid']}/settings",
                    json={"key": "g", "name": "G", "settingType": "int"},
                )
                .json()
            )
            b = (
                http(second)
                .post(
                    f"/v1/configs/{ids['cid']}/settings",
                    json={"key": "g", "name": "G", "settingType": "int"},
                )
                .json()
            )
            a.pop("createdAt")
            assert b.pop("createdAt")
            assert a == b
            assert a["settingId"] > ids["sid"]


def test_control_api_reset_state_journal() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h = http(mock)
        ids = build(mock)
        state = h.get("/_mock/state").json()
        assert state["tables"]["products"][0]["name"] == "Kept"
        assert h.post("/_mock/reset").status_code == 204
        assert h.get("/v1/products").json() == []
        assert h.put("/_mock/state", json=state).status_code == 204
        assert [p["name"] for p in h.get("/v1/products").json()] == ["Kept"]
        assert h.get(f"/v1/configs/{ids['cid']}/settings").json()[0]["key"] == "f"
        journal = h.get("/_mock/journal").json()
        assert journal[-1]["operation_id"] == "get-settings"
        assert h.delete("/_mock/journal").status_code == 204
        assert h.get("/_mock/journal").json() == []


USER = {"user_id": "u", "email": "e", "full_name": "f", "username": "u", "password": "p"}


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"tables": {"nope": []}},
        {"tables": {"products": [{"x": 1}]}},
        {"tables": []},
        {"tables": {}, "rngState": "x"},
        {"tables": {"products": 5}},
        {"tables": {"users": [None]}},
        {"counters": []},
        {"counters": {"tag": "x"}},
        # wrong field types would load, then answer outside the spec
        {"tables": {"users": [{**USER, "user_id": 1}]}},
        {"tables": {"users": [{**USER, "two_factor_enabled": "yes"}]}},
        # a row whose parent is not in the state
        {"tables": {"users": [USER], "memberships": [{"organization_id": "o", "user_id": "u"}]}},
    ],
)
def test_bad_states_are_refused_and_change_nothing(bad: Any) -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h = http(mock)
        build(mock)
        before = h.get("/_mock/state").json()
        response = h.put("/_mock/state", json=bad)
        assert response.status_code == 400
        assert h.get("/_mock/state").json() == before
        assert h.post("/_mock/state", content=b"{not json").status_code == 400
        assert mock.app.internal_errors == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_server_with_seed_file_and_faults(tmp_path: Path) -> None:
    with MockConfigCat(rate_limits=False) as mock:
        build(mock)
        seed = tmp_path / "seed.json"
        seed.write_text(json.dumps(mock.dump()))
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            *CLI,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--seed",
            str(seed),
            "--faults",
            json.dumps({"seed": 1, "rules": [{"route": "get-me", "rate_503": 1.0}]}),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/_mock/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        products = httpx.get(f"{base}/v1/products", auth=("demo", "demo")).json()
        assert [p["name"] for p in products] == ["Kept"]
        assert httpx.get(f"{base}/v1/products").status_code == 401
        # faults given at start hold for their route only
        assert httpx.get(f"{base}/v1/me", auth=("demo", "demo")).status_code == 503
        assert httpx.get(f"{base}/_mock/faults").json()["seed"] == 1
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_cli_with_a_missing_spec_names_both_overrides(tmp_path: Path) -> None:
    env = {**os.environ, "CONFIGCAT_MOCK_SPEC": str(tmp_path / "missing.json")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*CLI, "serve", "--port", "1"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "missing.json given by CONFIGCAT_MOCK_SPEC does not exist" in result.stderr
    assert "--spec FILE" in result.stderr


def test_cli_prints_the_default_seed() -> None:
    result = subprocess.run([*CLI, "seed"], capture_output=True, text=True, check=True)  # noqa: S603
    seed = json.loads(result.stdout)
    assert seed["tables"]["users"][0]["username"] == "demo"
    args = [*CLI, "serve", "--help"]
    help_text = subprocess.run(args, capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert "username 'demo', password 'demo'" in help_text


def test_reset_and_load_keep_nested_values_apart() -> None:
    with MockConfigCat(rate_limits=False) as first:
        pid = (
            http(first)
            .post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "P"})
            .json()["productId"]
        )
        group = http(first).get(f"/v1/products/{pid}/permissions").json()[0]["permissionGroupId"]
        seed = first.dump()
    with MockConfigCat(rate_limits=False, seed=seed) as mock:
        h = http(mock)
        assert h.put(f"/v1/permissions/{group}", json={"canDeleteSetting": False}).is_success
        mock.reset()  # a change to a seeded row's nested value is undone too
        assert h.get(f"/v1/permissions/{group}").json()["canDeleteSetting"] is True
        state = mock.dump()
        mock.load(state)
        assert h.put(f"/v1/permissions/{group}", json={"canDeleteConfig": False}).is_success
        assert state["tables"]["permission_groups"][0]["permissions"]["canDeleteConfig"] is True


def test_a_seed_loaded_over_the_control_api_is_where_reset_goes_back_to() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h = http(mock)
        build(mock)
        seed = h.get("/_mock/state").json()
        assert h.post("/_mock/reset").status_code == 204
        assert h.get("/v1/products").json() == []
        assert h.put("/_mock/state", json=seed).status_code == 204  # a state: reset undoes it
        assert h.post("/_mock/reset").status_code == 204
        assert h.get("/v1/products").json() == []
        assert h.post("/_mock/seed", json=seed).status_code == 204  # a seed: reset keeps it
        h.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Later"})
        assert h.post("/_mock/reset").status_code == 204
        assert [p["name"] for p in h.get("/v1/products").json()] == ["Kept"]
        assert h.post("/_mock/seed", json={"tables": []}).status_code == 400
        assert h.post("/_mock/reset").status_code == 204
        assert [p["name"] for p in h.get("/v1/products").json()] == ["Kept"]
