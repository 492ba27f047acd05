"""The state file: the mock's whole state in one SQLite database, written before each answer.

Why SQLite (the standard library's ``sqlite3``): a write changes a handful of rows, and a
database updates those in place within one transaction, where a JSON or pickle file would be
rewritten whole on every write (the state of 10,000 settings is megabytes); a transaction
either lands whole or not at all, so a process killed mid-write leaves the last acknowledged
state; and ``PRAGMA quick_check`` tells a damaged file from a good one before anything is
loaded.

Settings: ``journal_mode=WAL`` with ``synchronous=NORMAL``. A commit is then in the
write-ahead log (the operating system's cache) before the answer is sent, which survives the
mock's process being killed at any moment, the promise made here; it is not forced to the
disk on every commit, so a power loss or an operating-system crash may lose the last writes
(``synchronous=FULL`` would pay an fsync per write for that, which the mock does not promise).

One file, one server: an exclusive ``flock`` on ``<file>.lock`` (which holds the process id) is
taken before the file is opened and held until it is closed, so a second server on the same
file refuses to start and names the first; the operating system lets the lock go when the
process ends, however it ends, so a killed server never leaves a lock behind.

The write-ahead log: a file that is empty or missing beside an existing ``-wal`` or ``-shm`` is
refused (the data may be in the log, and a new file would be seeded over it). A clean close
checkpoints the log into the file and marks it closed (``meta.open``), so the file alone is
whole after a stop; a file marked open with no log beside it (copied without its ``-wal``
while a server ran, or after a kill) is refused, since its last writes may be in a log that
is not there.

Layout: ``meta(key, value)`` holds the state version, counters, the id generator's state
(packed: it changes with most writes) and
the delivery section (client keys and their usage); ``row(tbl, pk, seq, data)`` one JSON
record per table row, keyed by the JSON of its primary key, ``seq`` keeping the tables' order
and ``crc`` its CRC-32, checked on load (``quick_check`` sees a broken page, not a changed
byte inside a record).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import random
import sqlite3
import struct
import weakref
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

FORMAT = "configcat-mock-state"


class StateFileError(Exception):
    """A state file that cannot be used (damaged, of a newer version, not a state file); the
    file is left as it was."""


class StateFile:
    """An open state file. :meth:`read` gives what it holds; the writes replace it whole or
    change some rows, each in one transaction."""

    def __init__(
        self, path: str | os.PathLike[str], *, state_version: int, lock: bool = True
    ) -> None:
        self.path = Path(path)
        self.state_version = state_version
        self.before_commit: Callable[[sqlite3.Connection], None] | None = None
        """Called inside every write's transaction before it commits (tests inject storage
        faults through it)."""
        self._lock_fd: int | None = self._lock() if lock else None
        self._closer: weakref.finalize[Any, Any] | None = None
        self.rng_words = 0
        """Of the last :meth:`read`: the draws its generator state was advanced by."""
        try:
            existed = self.path.exists() and self.path.stat().st_size > 0
            # before opening: opening a file in WAL mode creates an empty log beside it
            self._had_log = Path(f"{self.path}-wal").exists()
            if not existed:
                self._refuse_beside_log()
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            self._unlock()
            raise StateFileError(f"state file {self.path}: cannot be opened ({exc})") from None
        except BaseException:
            self._unlock()
            raise
        try:
            if existed:
                self._check()  # before anything is written to it
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS row (tbl TEXT, pk TEXT, seq INTEGER NOT NULL, "
                "data TEXT NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID"
            )
            last = self.db.execute("SELECT max(seq) FROM row").fetchone()[0]
            self._seq = int(last or 0)
        except BaseException:
            self.db.close()
            self._unlock()
            raise

    def _lock(self) -> int:
        lock_path = Path(f"{self.path}.lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StateFileError(
                f"state file {self.path}: its lock file {lock_path} cannot be opened ({exc})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StateFileError(
                f"state file {self.path} is in use by process {holder} (it holds {lock_path}); "
                "one state file serves one configcat-mock at a time: stop that one, or give "
                "this one another --state-file"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor lets the flock go
            self._lock_fd = None

    def _refuse_beside_log(self) -> None:
        """An empty or missing file beside a write-ahead log: the data may be in the log."""
        beside = [p for p in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm")) if p.exists()]
        if beside:
            names = " and ".join(str(p) for p in beside)
            raise StateFileError(
                f"state file {self.path} is empty or missing, but {names} is beside it: the "
                "state may be in that write-ahead log, and a new file would be seeded over it. "
                f"Restore {self.path} from where it was copied, or remove {names} to start "
                "afresh; all were left untouched"
            )

    def _check(self) -> None:
        try:
            problems = [r[0] for r in self.db.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise StateFileError(
                    f"state file {self.path} is damaged ({'; '.join(problems[:3])}); "
                    "it was left untouched"
                )
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
            if not tables and not self._had_log:
                raise StateFileError(
                    f"state file {self.path} is not whole: an SQLite database with nothing in "
                    "it yet, as a state file copied from a running server without its "
                    f"write-ahead log ({self.path}-wal) is (copy a state file after the server "
                    "stopped, or together with its -wal file); it was left untouched"
                )
            if not {"meta", "row"} <= tables:
                raise StateFileError(
                    f"state file {self.path} is an SQLite database but not a configcat-mock "
                    "state file; it was left untouched"
                )
            meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise StateFileError(
                f"state file {self.path} is not a readable state file ({exc}); "
                "it was left untouched"
            ) from None
        if meta.get("open") == "true" and not self._had_log:
            raise StateFileError(
                f"state file {self.path} is not whole: it was in use by a server that did not "
                f"stop cleanly, and its write-ahead log {self.path}-wal is not beside it, so "
                "its last writes may be missing (copy a state file after the server stopped, "
                "or together with its -wal file); it was left untouched"
            )
        if meta.get("format") not in (None, json.dumps(FORMAT)):
            raise StateFileError(f"state file {self.path} is not a configcat-mock state file")
        version = json.loads(meta.get("version", "1"))
        if not isinstance(version, int) or version > self.state_version:
            raise StateFileError(
                f"state file {self.path} has state version {version}, newer than this "
                f"configcat-mock reads ({self.state_version}); upgrade configcat-mock. "
                "The file was left untouched"
            )

    def mark_open(self) -> None:
        """Mark the file in use (until :meth:`close`): a copy of it without its write-ahead log
        is then known not to be whole. A file never closed is closed the same way when it is
        collected or the interpreter exits (SQLite would otherwise checkpoint and remove the
        log on its own, leaving a file marked open with no log beside it)."""
        with self._transaction() as db:
            self._put_meta(db, {"open": True})
        self._closer = weakref.finalize(self, _close_marked, self.db)

    def close(self) -> None:
        """Mark the file closed, checkpoint its write-ahead log into it (the file alone is
        then whole), close it and let its lock go."""
        try:
            if self._closer is not None:
                self._closer()
            self.db.close()
        finally:
            self._unlock()

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> dict[str, Any] | None:
        """The state held (a :meth:`~configcat_mock.state.backend.Backend.dump` with a ``delivery``
        section when there is one), or ``None`` for a new, empty file."""
        try:
            meta = {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM meta")}
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise StateFileError(
                f"state file {self.path} is damaged ({exc}); it was left untouched"
            ) from None
        if "version" not in meta:
            return None
        texts: dict[str, list[str]] = {}
        query = "SELECT tbl, pk, data, crc FROM row ORDER BY seq"
        try:
            for tbl, pk, data, crc in self.db.execute(query):
                if zlib.crc32(data.encode()) != crc:
                    raise StateFileError(
                        f"state file {self.path} is damaged (row {pk} of {tbl} does not match "
                        "its checksum); it was left untouched"
                    )
                texts.setdefault(tbl, []).append(data)
            # one parse per table: far cheaper than one per row
            tables = {tbl: json.loads("[" + ",".join(rows) + "]") for tbl, rows in texts.items()}
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise StateFileError(
                f"state file {self.path} is damaged ({exc}); it was left untouched"
            ) from None
        state: dict[str, Any] = {
            "version": meta["version"],
            "counters": meta.get("counters", {}),
            "tables": tables,
        }
        if "rng" in meta:
            self.rng_words = int(meta.get("rngWords", 0))
            state["rngState"] = unpack_rng(meta["rng"], self.rng_words)
        if meta.get("delivery") is not None:
            state["delivery"] = meta["delivery"]
        return state

    # -- writing ---------------------------------------------------------------------------

    def replace(
        self, tables: Mapping[str, Iterable[tuple[str, str]]], meta: dict[str, Any]
    ) -> None:
        """Make the file hold exactly ``tables`` (name -> (pk json, data json)) and ``meta``."""
        with self._transaction() as db:
            db.execute("DELETE FROM row")
            db.execute("DELETE FROM meta")
            self._seq = 0
            for name, rows in tables.items():
                db.executemany(
                    "INSERT INTO row (tbl, pk, seq, data, crc) VALUES (?, ?, ?, ?, ?)",
                    ((name, pk, self._next(), data, _crc(data)) for pk, data in rows),
                )
            self._put_meta(db, {"format": FORMAT, "version": self.state_version, **meta})

    def write(
        self,
        upserts: list[tuple[str, str, str]],
        deletes: list[tuple[str, str]],
        meta: dict[str, Any],
    ) -> None:
        """Change some rows and meta values in one transaction."""
        if not (upserts or deletes or meta):
            return
        with self._transaction() as db:
            if deletes:
                db.executemany("DELETE FROM row WHERE tbl = ? AND pk = ?", deletes)
            if upserts:  # a new row goes last (as in its table); a changed one keeps its place
                db.executemany(
                    "INSERT INTO row (tbl, pk, seq, data, crc) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (tbl, pk) DO UPDATE SET data = excluded.data, crc = excluded.crc",
                    [(tbl, pk, self._next(), data, _crc(data)) for tbl, pk, data in upserts],
                )
            self._put_meta(db, meta)

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    @staticmethod
    def _put_meta(db: sqlite3.Connection, meta: dict[str, Any]) -> None:
        db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, json.dumps(v, separators=(",", ":"))) for k, v in meta.items()],
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db, self.before_commit)


def _close_marked(db: sqlite3.Connection) -> None:
    """Mark ``db`` closed, checkpoint its log into it and close it."""
    with contextlib.suppress(sqlite3.Error):
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('open', 'false') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def pack_rng(rng: random.Random) -> str:
    """The generator's state, compactly (the state file's form; dumps use :func:`_encode_rng`)."""
    version, internal, gauss = rng.getstate()
    raw = struct.pack(f"<{len(internal)}I", *internal)
    return json.dumps([version, base64.b64encode(raw).decode(), gauss])


def unpack_rng(packed: str, words: int = 0) -> list[Any]:
    """A :func:`pack_rng` string, advanced by ``words`` 32-bit draws, as the dump's
    ``rngState``."""
    version, raw, gauss = json.loads(packed)
    data = base64.b64decode(raw)
    internal = struct.unpack(f"<{len(data) // 4}I", data)
    if words:
        rng = random.Random()
        rng.setstate((version, internal, gauss))
        for _ in range(words):
            rng.getrandbits(32)
        version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _crc(data: str) -> int:
    return zlib.crc32(data.encode())


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back when the work or the commit fails (a
    full disk fails at the commit), so the file keeps what it held."""

    def __init__(
        self, db: sqlite3.Connection, before_commit: Callable[[sqlite3.Connection], None] | None
    ) -> None:
        self.db = db
        self.before_commit = before_commit

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                if self.before_commit is not None:
                    self.before_commit(self.db)
                self.db.execute("COMMIT")
                return
        except BaseException:
            self._rollback()
            raise
        self._rollback()

    def _rollback(self) -> None:
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
