"""The state file: every acknowledged write is in it, a restart gives the same state, a file
it cannot use is refused and left as it was, and a killed server loses nothing it answered."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.state.backend import Backend
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_mock.state.state_file import StateFileError
from configcat_publicapi import ConfigCatClient
from contract_tests.public import scenarios
from tests.mock.world import http

SCENARIOS = scenarios()

CLI = [sys.executable, "-m", "configcat_mock"]


def held(mock: MockConfigCat) -> dict[str, Any]:
    """What ``mock``'s state file holds, read through its own connection (a serving file is
    locked to other connections), as the dump a start from it gives (a start raises each id
    counter to its table's largest key)."""
    state_file = mock.backend.state_file
    assert state_file is not None
    state = state_file.read()
    assert state is not None
    state.pop("delivery", None)
    backend = Backend()
    backend.install(backend.prepare(state, trusted=True), save=False)
    return backend.dump()


def same(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` as JSON, without its empty tables (a file holds none)."""
    out: dict[str, Any] = json.loads(json.dumps(state))
    out["tables"] = {k: v for k, v in out["tables"].items() if v}
    return out


def digest(path: Path) -> str:
    """Of the file and its write-ahead log, if any."""
    wal = Path(f"{path}-wal")
    return hashlib.sha256(
        path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    ).hexdigest()


def product_with_values(h: httpx.Client) -> dict[str, Any]:
    pid = h.post(
        f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Kept"}
    ).json()["productId"]
    env = h.post(f"/v1/products/{pid}/environments", json={"name": "Prod"}).json()["environmentId"]
    cid = h.post(
        f"/v1/products/{pid}/configs", json={"name": "C", "evaluationVersion": "v2"}
    ).json()["configId"]
    sid = h.post(
        f"/v1/configs/{cid}/settings", json={"key": "f", "name": "F", "settingType": "boolean"}
    ).json()["settingId"]
    return {"pid": pid, "env": env, "cid": cid, "sid": sid}


def test_every_answered_write_is_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:

        def check(response: httpx.Response) -> None:
            if response.request.method != "GET":
                assert same(held(mock)) == same(mock.dump()), response.request.url

        h = http(mock)
        h.event_hooks["response"] = [check]
        ids = product_with_values(h)
        value = f"/v2/environments/{ids['env']}/settings/{ids['sid']}/value"
        assert h.put(value, json={"defaultValue": {"boolValue": True}}).status_code == 200
        patch = [{"op": "replace", "path": "/defaultValue/boolValue", "value": False}]
        assert h.patch(value, json=patch).status_code == 200
        assert h.put(f"/v1/products/{ids['pid']}", json={"name": "Renamed"}).status_code == 200
        assert h.post(f"/v1/products/{ids['pid']}/tags", json={"name": "t"}).status_code == 201
        assert h.delete(f"/v1/settings/{ids['sid']}").status_code == 204
        assert h.post(f"/v1/products/{ids['pid']}/tags", json={}).status_code == 400


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_restart_gives_back_the_same_state(tmp_path: Path, scenario: str) -> None:
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        product_with_values(http(mock))
        cc = ConfigCatClient(
            "demo", "demo", base_url="http://m", transport=mock.transport, rate_limit=None
        )
        SCENARIOS[scenario](cc, DEMO_ORGANIZATION_ID)
        before = json.loads(json.dumps(mock.dump()))
    with MockConfigCat(rate_limits=False, state_file=path) as again:
        assert again.dump() == before
        assert again.backend.check_indexes() == []
        # ids go on where they left off
        h = http(again)
        pid = before["tables"]["products"][0]["product_id"]
        tag = h.post(f"/v1/products/{pid}/tags", json={"name": "next"})
        assert tag.json()["tagId"] == before["counters"].get("tag", 0) + 1


def test_reset_and_load_replace_what_the_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        h = http(mock)
        product_with_values(h)
        saved = mock.dump()
        assert h.post("/_mock/reset").status_code == 204
        assert held(mock)["tables"].get("products", []) == []
        mock.load(saved)
        assert same(held(mock)) == same(saved)


def test_client_keys_live_in_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        h = http(mock)
        ids = product_with_values(h)
        minted = h.post(
            "/_mock/delivery/client-keys",
            json={"configId": ids["cid"], "environmentId": ids["env"], "monthlyQuota": 7},
        ).json()
    with MockConfigCat(rate_limits=False, state_file=path) as again:
        keys = http(again).get("/_mock/delivery/client-keys").json()
        assert [(k["key"], k["monthlyQuota"]) for k in keys] == [(minted["key"], 7)]
        public = http(again).get(
            "/api/v1/public-config",
            headers={"Authorization": f"Bearer {minted['key']}"},
            auth=None,
        )
        assert public.status_code == 200


def _refused(path: Path) -> str:
    before = digest(path)
    with pytest.raises(StateFileError) as caught:
        MockConfigCat(state_file=path)
    assert digest(path) == before, "the refused file was changed"
    return str(caught.value)


def test_a_file_that_is_not_a_state_file_is_refused_untouched(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b'{"tables": {}}' * 100)
    assert "not a readable state file" in _refused(junk)
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as db, db:
        db.execute("CREATE TABLE t (x)")
    assert "not a configcat-mock state file" in _refused(other)


def _filled(path: Path) -> None:
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        h = http(mock)
        product_with_values(h)
        for i in range(40):
            h.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": f"P{i}"})
    with contextlib.closing(sqlite3.connect(path)) as db:  # the log folded into the file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_a_changed_byte_in_a_record_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _filled(path)
    data = path.read_bytes()
    at = data.index(b'"name":"P17"')
    path.write_bytes(data[:at] + b'"name":"Q17"' + data[at + 12 :])
    message = _refused(path)
    assert "checksum" in message and str(path) in message and "untouched" in message


def test_a_broken_page_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _filled(path)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[page : page + 64] = os.urandom(64)  # the header of the second page
    path.write_bytes(bytes(data))
    assert "untouched" in _refused(path)


def test_a_newer_state_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    MockConfigCat(state_file=path).close()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'version'")
    assert "newer" in _refused(path)
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [*CLI, "serve", "--port", "1", "--state-file", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "layout version 99" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(path: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [*CLI, "serve", "--port", str(port), "--no-rate-limit", "--state-file", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_mock/health").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("the server did not start")


@pytest.mark.slow
def test_a_server_killed_in_a_loop_loses_no_answered_write(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    rng = random.Random(7)
    acknowledged: list[tuple[int, str]] = []  # (tag id, name) answered 201
    product_id = ""
    for round_number in range(4):
        port = free_port()
        proc = _serve(path, port)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, auth=("demo", "demo"), timeout=5) as h:
            if not product_id:
                product_id = h.post(
                    f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "K"}
                ).json()["productId"]
            stop = threading.Event()
            pid = product_id

            def write(
                stop: threading.Event = stop, label: int = round_number, pid: str = pid
            ) -> None:
                i = 0
                while not stop.is_set():
                    name = f"r{label}-{i}"
                    i += 1
                    try:
                        r = h.post(f"/v1/products/{pid}/tags", json={"name": name})
                    except httpx.TransportError:
                        return
                    if r.status_code == 201:
                        acknowledged.append((r.json()["tagId"], name))

            writer = threading.Thread(target=write)
            writer.start()
            time.sleep(rng.uniform(0.3, 0.8))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            stop.set()
            writer.join(timeout=10)
    assert len(acknowledged) > 10
    port = free_port()
    proc = _serve(path, port)
    try:
        tags = httpx.get(
            f"http://127.0.0.1:{port}/v1/products/{product_id}/tags", auth=("demo", "demo")
        ).json()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    kept = {(t["tagId"], t["name"]) for t in tags}
    assert set(acknowledged) <= kept
    assert len(kept) <= len(acknowledged) + 4  # at most the one write in flight per kill


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_each_write_of_a_scenario_is_in_the_file_as_answered(tmp_path: Path, scenario: str) -> None:
    """Rows a handler changes in place (a list or dict inside a field) reach the file with
    the write that changed them, not with some later one."""
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:

        def check(request: httpx.Request) -> None:
            if request.method != "GET":
                assert same(held(mock)) == same(mock.dump()), request.url

        transport = mock.transport

        class Checked(httpx.BaseTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                response = transport.handle_request(request)
                check(request)
                return response

        cc = ConfigCatClient(
            "demo", "demo", base_url="http://m", transport=Checked(), rate_limit=None
        )
        SCENARIOS[scenario](cc, DEMO_ORGANIZATION_ID)
