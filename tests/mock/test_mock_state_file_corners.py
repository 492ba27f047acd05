"""The state file's data-loss corners: one file, one server; never a new file over a
write-ahead log; a clean stop leaves the file whole; a write the disk refuses is answered 5xx
and forgotten; a big state load leaves the event loop free."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.http.server import LoopbackServer
from configcat_mock.state.backend import Backend
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_mock.state.state_file import StateFileError
from tests.mock.world import http

CLI = [sys.executable, "-m", "configcat_mock"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(path: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [*CLI, "serve", "--port", str(port), "--no-rate-limit", "--state-file", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_mock/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("the server did not start")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, int]]:
    path = tmp_path / "state.db"
    port = free_port()
    proc = serve(path, port)
    try:
        wait_up(port)
        yield proc, path, port
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_a_second_server_on_the_same_file_refuses_and_names_the_first(
    server: tuple[subprocess.Popen[str], Path, int],
) -> None:
    first, path, _ = server
    second = serve(path, free_port())
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2
    assert f"in use by process {first.pid}" in err
    assert first.poll() is None  # the first goes on


def test_a_killed_servers_lock_never_blocks(
    server: tuple[subprocess.Popen[str], Path, int],
) -> None:
    first, path, _ = server
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    port = free_port()
    again = serve(path, port)
    try:
        wait_up(port)
    finally:
        again.terminate()
        again.wait(timeout=10)


def test_two_mocks_in_one_process_do_not_share_a_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    refused = pytest.raises(StateFileError, match=f"in use by process {os.getpid()}")
    with MockConfigCat(state_file=path), refused:
        MockConfigCat(state_file=path)
    with MockConfigCat(state_file=path):  # closed: free again
        pass


@pytest.mark.parametrize("beside", ["-wal", "-shm", "-changes"])
@pytest.mark.parametrize("main", ["empty", "missing"])
def test_no_new_file_over_a_write_ahead_log(tmp_path: Path, beside: str, main: str) -> None:
    path = tmp_path / "state.db"
    if main == "empty":
        path.write_bytes(b"")
    log = Path(f"{path}{beside}")
    log.write_bytes(b"held writes")
    with pytest.raises(StateFileError, match="write-ahead log"):
        Backend().attach(path)
    assert log.read_bytes() == b"held writes"
    assert path.exists() == (main == "empty")
    assert not path.exists() or path.read_bytes() == b""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_clean_stop_leaves_the_file_whole_on_its_own(
    server: tuple[subprocess.Popen[str], Path, int], tmp_path: Path, stop: int
) -> None:
    proc, path, port = server
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=("demo", "demo")) as h:
        created = h.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "K"})
        assert created.status_code == 201
    proc.send_signal(stop)
    proc.wait(timeout=30)
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)  # the file alone, as someone copying it would
    with MockConfigCat(state_file=copy) as mock:
        names = [p["name"] for p in mock.dump()["tables"]["products"]]
    assert names == ["K"]


def test_a_file_copied_without_its_log_from_a_running_server_is_refused(
    server: tuple[subprocess.Popen[str], Path, int], tmp_path: Path
) -> None:
    _, path, port = server
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=("demo", "demo")) as h:
        h.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "K"})
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    before = copy.read_bytes()
    with pytest.raises(StateFileError, match="not whole"):
        Backend().attach(copy)
    assert copy.read_bytes() == before


def _fail_with(exc: BaseException) -> Any:
    def before_commit(db: sqlite3.Connection) -> None:
        raise exc

    return before_commit


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (sqlite3.OperationalError("database or disk is full"), 507),
        (OSError(errno.ENOSPC, "No space left on device"), 507),
        (sqlite3.OperationalError("disk I/O error"), 503),
    ],
)
def test_a_write_the_file_refuses_is_a_5xx_and_is_forgotten(
    tmp_path: Path, exc: BaseException, status: int
) -> None:
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        h = http(mock)
        products = f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products"
        assert h.post(products, json={"name": "kept"}).status_code == 201
        state_file = mock.backend.state_file
        assert state_file is not None
        state_file.before_commit = _fail_with(exc)
        refused = h.post(products, json={"name": "lost"})
        state_file.before_commit = None
        assert refused.status_code == status
        assert "could not be stored" in refused.json()["message"]
        names = [p["name"] for p in h.get("/v1/products").json()]
        assert names == ["kept"]
        assert mock.backend.check_indexes() == []
        assert h.post(products, json={"name": "after"}).status_code == 201
        held = mock.dump()
    with MockConfigCat(rate_limits=False, state_file=path) as again:
        assert again.dump() == held


def test_a_full_tmpfs_is_answered_507_and_nothing_kept(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(  # noqa: S603 - fixed arguments
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here: {mounted.stderr.strip()}")
    try:
        path = disk / "state.db"
        with MockConfigCat(rate_limits=False, state_file=path) as mock:
            h = http(mock)
            products = f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products"
            answered: list[str] = []
            refused = None
            for i in range(2000):
                name = f"p{i}-" + "x" * 900
                response = h.post(products, json={"name": name[:1000], "description": "d" * 900})
                if response.status_code != 201:
                    refused = response
                    break
                answered.append(name[:1000])
            assert refused is not None and refused.status_code == 507, refused
            names = [p["name"] for p in h.get("/v1/products").json()]
            assert sorted(names) == sorted(answered)
        with MockConfigCat(rate_limits=False, state_file=path) as again:
            kept = [p["name"] for p in again.dump()["tables"]["products"]]
            assert sorted(kept) == sorted(answered)
    finally:
        subprocess.run(["umount", str(disk)], check=False)  # noqa: S603,S607


def test_a_state_load_leaves_other_requests_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    mock = MockConfigCat(rate_limits=False)
    state = mock.dump()
    loading, release = threading.Event(), threading.Event()
    prepare = Backend.prepare

    def held_prepare(self: Backend, *args: Any, **kwargs: Any) -> Any:
        loading.set()
        assert release.wait(30)
        return prepare(self, *args, **kwargs)

    monkeypatch.setattr(Backend, "prepare", held_prepare)
    with LoopbackServer(mock.app) as server:
        done: list[int] = []

        def put() -> None:
            done.append(httpx.put(server.url + "/_mock/state", json=state, timeout=60).status_code)

        loader = threading.Thread(target=put)
        loader.start()
        try:
            assert loading.wait(30)
            me = httpx.get(server.url + "/v1/me", auth=("demo", "demo"), timeout=10)
            assert me.status_code == 200  # answered while the load is in progress
            assert not done
        finally:
            release.set()
            loader.join(60)
        assert done == [204]


@pytest.mark.parametrize(
    "body",
    [
        b'{"version": 1, "tables": {"users": [], "tags": [{"a": "\\u00e9"}]}, "counters": {}}',
        b' { "tables" : { } } ',
        b"[1, 2]",
        b'"text"',
        b'{"tables": {"users": 5}}',
        b'{"tables": {"users": [{"a": 1},]}}',
        b'{"tables": {"users": [NaN]}}',
        b'{"tables": {"users": [{"a": "\\ud800"}]}}',
        b'{"a": 1} trailing',
        b"\xff\xfe",
    ],
)
def test_a_state_parsed_row_by_row_reads_as_whole(body: bytes) -> None:
    from configcat_mock.api.validation import parse_json
    from configcat_mock.errors import BadRequest
    from configcat_mock.http.state_load import parse_state

    expected: Any
    try:
        expected = parse_json(body)
    except BadRequest as exc:
        expected = exc
    if isinstance(expected, BadRequest):
        with pytest.raises(BadRequest) as refused:
            parse_state(body)
        assert refused.value.body.keys() == expected.body.keys()
    else:
        assert parse_state(body) == expected


@pytest.mark.parametrize("rebase", [10, 100_000])
def test_ids_go_on_after_a_restart_from_the_words_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rebase: int
) -> None:
    from configcat_mock.state import persistence

    monkeypatch.setattr(persistence, "REBASE_WORDS", rebase)
    path = tmp_path / "state.db"
    products = f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        h = http(mock)
        for i in range(7):
            pid = h.post(products, json={"name": f"p{i}"}).json()["productId"]
            h.post(f"/v1/products/{pid}/configs", json={"name": "c"}).raise_for_status()
        held = mock.dump()
        following = h.post(products, json={"name": "next"}).json()["productId"]
    with MockConfigCat(rate_limits=False, state_file=tmp_path / "other.db") as twin:
        twin.load(held)
        assert http(twin).post(products, json={"name": "next"}).json()["productId"] == following
    with MockConfigCat(rate_limits=False, state_file=path) as again:
        before = again.dump()
        product = http(again).post(products, json={"name": "after"}).json()["productId"]
    assert before["rngState"] != held["rngState"]  # the last create's draws were kept
    with MockConfigCat(rate_limits=False) as memory:
        memory.load(before)
        assert http(memory).post(products, json={"name": "after"}).json()["productId"] == product


def test_a_due_change_request_the_file_refuses_leaves_the_sdk_read_answered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A config download applies the change requests whose time has come; when the file
    refuses that write, the download is still answered (from the state as it was), the change
    request stays scheduled, a warning says why, and the next download applies it."""
    with MockConfigCat(rate_limits=False, state_file=tmp_path / "state.db") as mock:
        h = http(mock)
        pid = h.post(
            f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "S"}
        ).json()["productId"]
        env = h.post(f"/v1/products/{pid}/environments", json={"name": "E"}).json()
        cid = h.post(
            f"/v1/products/{pid}/configs", json={"name": "C", "evaluationVersion": "v2"}
        ).json()["configId"]
        sid = h.post(
            f"/v1/configs/{cid}/settings", json={"key": "f", "name": "F", "settingType": "boolean"}
        ).json()["settingId"]
        sdk_key = h.get(f"/v1/configs/{cid}/environments/{env['environmentId']}").json()["primary"]
        crid = h.post(
            f"/v2/configs/{cid}/environments/{env['environmentId']}/change-requests",
            json={
                "title": "on",
                "bypassApproval": True,
                "applyAt": "2999-01-01T00:00:00Z",
                "proposedChanges": [
                    {"proposedChange": {"settingId": sid, "defaultValue": {"boolValue": True}}}
                ],
            },
        ).json()["changeRequestId"]
        backend = mock.backend
        with backend.lock, backend.tracked():  # its time has come
            change_request = backend.change_requests[crid]
            change_request.apply_at = "2020-01-01T00:00:00Z"
        state_file = backend.state_file
        assert state_file is not None
        download = f"/configuration-files/{sdk_key}/config_v6.json"

        state_file.before_commit = _fail_with(sqlite3.OperationalError("database or disk is full"))
        refused = h.get(download)
        state_file.before_commit = None
        assert refused.status_code == 200
        assert refused.json()["f"]["f"]["v"]["b"] is False
        assert "scheduled change requests were not applied" in caplog.text
        assert "disk is full" in caplog.text
        assert backend.change_requests[crid].status == "open"  # still scheduled

        applied = h.get(download)
        assert applied.json()["f"]["f"]["v"]["b"] is True
        assert h.get(f"/v2/change-requests/{crid}").json()["changeRequestStatus"] == "applied"


def test_client_keys_the_file_refuses_are_answered_5xx_and_not_kept(tmp_path: Path) -> None:
    """Minting a client key the state file refuses answers its 507 and keeps no key; a
    refused management write (which loads memory back from the file) keeps the client keys
    the file holds, and both survive a restart."""
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        h = http(mock)
        pid = h.post(
            f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "S"}
        ).json()["productId"]
        env = h.post(f"/v1/products/{pid}/environments", json={"name": "E"}).json()
        cid = h.post(f"/v1/products/{pid}/configs", json={"name": "C"}).json()["configId"]
        keys = "/_mock/delivery/client-keys"
        body = {"configId": cid, "environmentId": env["environmentId"]}
        kept = h.post(keys, json=body)
        assert kept.status_code == 201
        state_file = mock.backend.state_file
        assert state_file is not None

        state_file.before_commit = _fail_with(sqlite3.OperationalError("database or disk is full"))
        refused = h.post(keys, json=body)
        lost_product = h.post(
            f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "lost"}
        )
        state_file.before_commit = None
        assert refused.status_code == 507
        assert "could not be stored" in refused.json()["message"]
        assert lost_product.status_code == 507
        listed = [key["key"] for key in h.get(keys).json()]
        assert listed == [kept.json()["key"]]
    with MockConfigCat(rate_limits=False, state_file=path) as again:
        listed = [key["key"] for key in http(again).get(keys).json()]
        assert listed == [kept.json()["key"]]
