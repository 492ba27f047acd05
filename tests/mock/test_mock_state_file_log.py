"""The state file's change log (``<file>-changes``): what is read is the same before and after
a fold, and the same as the writes applied in order to ordered tables (a record removed and
written again goes last, a changed one keeps its place); it is folded as it grows and on
close; a killed server's log is read back; a damaged or missing log, or one the file lacks a
fold for, is refused; a version 1 file is taken and marked version 2."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configcat_mock import MockConfigCat
from configcat_mock.state import state_file as state_file_module
from configcat_mock.state.change_log import read as read_changes
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_mock.state.state_file import FILE_VERSION, StateFile, StateFileError
from tests.mock.world import http

TABLES = ("settings", "tags")
KEYS = ("1", "2", "3", "[1,2]")

# one write: (removed (table, pk), stored (table, pk, value), meta (key, value))
Write = tuple[list[tuple[str, str]], list[tuple[str, str, int]], list[tuple[str, int]]]

writes = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from(TABLES), st.sampled_from(KEYS)), max_size=2),
        st.lists(
            st.tuples(st.sampled_from(TABLES), st.sampled_from(KEYS), st.integers(0, 99)),
            max_size=3,
        ),
        st.lists(st.tuples(st.sampled_from(("counters", "rngWords")), st.integers(0, 9))),
    ),
    min_size=1,
    max_size=25,
)


def expected(base: dict[str, dict[str, int]], done: list[Write]) -> dict[str, list[Any]]:
    """The writes applied in order to ordered tables, as :meth:`StateFile.read` gives them."""
    tables = {name: dict(rows) for name, rows in base.items()}
    for removed, stored, _ in done:
        for tbl, pk in removed:
            tables.setdefault(tbl, {}).pop(pk, None)
        for tbl, pk, value in stored:
            tables.setdefault(tbl, {})[pk] = value
    return {
        name: [{"pk": pk, "value": value} for pk, value in rows.items()]
        for name, rows in tables.items()
        if rows
    }


def apply(state_file: StateFile, write: Write) -> None:
    removed, stored, meta = write
    upserts = [(tbl, pk, json.dumps({"pk": pk, "value": value})) for tbl, pk, value in stored]
    state_file.write(upserts, removed, dict(meta))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(done=writes, fold_at=st.integers(0, 25))
def test_reading_replays_the_log_as_a_fold_does(
    tmp_path_factory: pytest.TempPathFactory, done: list[Write], fold_at: int
) -> None:
    path = tmp_path_factory.mktemp("log") / "state.db"
    base = {"settings": {"2": 7, "1": 5}, "tags": {"3": 1}}
    state_file = StateFile(path, state_version=1, lock=False)
    try:
        state_file.replace(
            {
                name: [(pk, json.dumps({"pk": pk, "value": v})) for pk, v in rows.items()]
                for name, rows in base.items()
            },
            {"counters": {}},
        )
        for i, write in enumerate(done):
            if i == fold_at:
                state_file.fold()
            apply(state_file, write)
        want = expected(base, done)
        replayed = state_file.read()
        assert replayed is not None
        assert replayed["tables"] == want
        state_file.fold()
        assert state_file.logged == 0
        log = read_changes(state_file.changes_path)
        assert log is not None and log[1] == []  # the next generation, empty
        folded = state_file.read()
        assert folded == replayed
        counters = [value for _, _, meta in done for name, value in meta if name == "counters"]
        if counters:  # the last value of a meta key wins
            assert folded is not None and folded["counters"] == counters[-1]
    finally:
        state_file.close()


def test_the_log_is_folded_as_it_grows_and_on_close(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(state_file_module, "FOLD_EVERY", 20)
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        h = http(mock)
        products = f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products"
        state_file = mock.backend.state_file
        assert state_file is not None
        logged = []
        for i in range(30):
            h.post(products, json={"name": f"P{i}"}).raise_for_status()
            logged.append(state_file.logged)
        assert max(logged) < 20 + 10, logged  # folded once it held 20 records
        assert logged[-1] < max(logged) and state_file.folds >= 1
        held = mock.dump()
    assert not Path(f"{path}-changes").exists()  # folded into the file on close
    with MockConfigCat(rate_limits=False, state_file=path) as again:
        assert again.dump() == held


def _killed_copy(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A state file and its change log as a killed server leaves them (nothing folded since
    the start, nothing closed), copied to ``copy.db``; and the state that server answered."""
    path = tmp_path / "state.db"
    mock = MockConfigCat(rate_limits=False, state_file=path)
    h = http(mock)
    for name in ("one", "two"):
        h.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": name})
    held = mock.dump()
    state_file = mock.backend.state_file
    assert state_file is not None and state_file.logged > 0
    copy = tmp_path / "copy.db"
    with contextlib.closing(sqlite3.connect(copy)) as target:
        state_file.db.backup(target)  # the file with what its -wal holds
    shutil.copyfile(state_file.changes_path, f"{copy}-changes")
    mock.close()
    return copy, held


def test_a_killed_server_s_change_log_is_read_back(tmp_path: Path) -> None:
    copy, held = _killed_copy(tmp_path)
    with MockConfigCat(rate_limits=False, state_file=copy) as again:
        assert again.dump() == held


def test_a_killed_server_s_file_without_its_change_log_is_refused(tmp_path: Path) -> None:
    copy, _ = _killed_copy(tmp_path)
    Path(f"{copy}-changes").unlink()
    before = copy.read_bytes()
    with pytest.raises(StateFileError, match=r"not whole.*change log"):
        MockConfigCat(state_file=copy)
    assert copy.read_bytes() == before


def test_a_change_log_ahead_of_its_file_is_refused(tmp_path: Path) -> None:
    """The file copied without the fold its -wal held: the log follows writes it lacks."""
    copy, _ = _killed_copy(tmp_path)
    with contextlib.closing(sqlite3.connect(copy)) as db, db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'changesFolded'")
    with pytest.raises(StateFileError, match="follows writes the file does not hold"):
        MockConfigCat(state_file=copy)


def test_a_damaged_logged_write_is_refused(tmp_path: Path) -> None:
    copy, _ = _killed_copy(tmp_path)
    log = Path(f"{copy}-changes")
    log.write_bytes(log.read_bytes().replace(b'"one"', b'"uno"'))
    with pytest.raises(StateFileError, match="checksum"):
        MockConfigCat(state_file=copy)


def test_a_write_cut_short_at_the_end_of_the_log_is_left_out(tmp_path: Path) -> None:
    """A power loss can keep part of the last write: it was never whole, so it is not read."""
    copy, held = _killed_copy(tmp_path)
    log = Path(f"{copy}-changes")
    whole = read_changes(log)
    assert whole is not None
    log.write_bytes(log.read_bytes()[:-5])
    cut = read_changes(log)
    assert cut is not None and cut[1] == whole[1][:-1]
    with MockConfigCat(rate_limits=False, state_file=copy) as again:
        names = [p["name"] for p in again.dump()["tables"]["products"]]
    assert "one" in names and names != [p["name"] for p in held["tables"]["products"]]


def test_a_version_1_file_is_taken_and_marked_version_2(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        http(mock).post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "old"})
        held = mock.dump()
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # as version 1 wrote it
        db.execute("DELETE FROM meta WHERE key = 'changesFolded'")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'version'")
    with MockConfigCat(rate_limits=False, state_file=path) as again:
        assert again.dump() == held
    with contextlib.closing(sqlite3.connect(path)) as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]
    assert json.loads(version) == FILE_VERSION == 2


def test_a_served_file_is_locked_to_other_connections_until_closed(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    mock = MockConfigCat(rate_limits=False, state_file=path)
    http(mock).post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "P"})
    with (
        contextlib.closing(sqlite3.connect(path, timeout=0.1)) as db,
        pytest.raises(sqlite3.OperationalError, match="locked"),
    ):
        db.execute("SELECT count(*) FROM row").fetchone()
    mock.close()
    with contextlib.closing(sqlite3.connect(path, timeout=0.1)) as db:
        assert db.execute("SELECT count(*) FROM row WHERE tbl = 'products'").fetchone()[0] > 0
