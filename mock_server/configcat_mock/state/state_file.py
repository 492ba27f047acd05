"""The state file: the mock's state in one SQLite database and a change log beside it, every
write stored before its answer.

Why SQLite (the standard library's ``sqlite3``) for the state the change log is folded into:
a fold changes the rows its writes touched, and a database updates those in place within one
transaction, where a JSON or pickle file would be rewritten whole (the state of 10,000
settings is megabytes); a transaction either lands whole or not at all, so a process killed
mid-fold leaves the last folded state, with the log still holding what it was folding; and
``PRAGMA quick_check`` tells a damaged file from a good one before anything is loaded.

Settings: ``journal_mode=WAL`` with ``synchronous=NORMAL``. A fold's commit, like a write
appended to the change log, is then in the operating system's cache before anything goes on,
which survives the mock's process being killed at any moment, the promise made here; neither
is forced to the disk, so a power loss or an operating-system crash may lose the last writes
(an fsync per write would pay for that, which the mock does not promise).

One file, one server: an exclusive ``flock`` on ``<file>.lock`` (which holds the process id) is
taken before the file is opened and held until it is closed, so a second server on the same
file refuses to start and names the first; the operating system lets the lock go when the
process ends, however it ends, so a killed server never leaves a lock behind.

Locks: the connection holds SQLite's own locks for as long as it is open
(``locking_mode=EXCLUSIVE``, set before the first read). The file is one server's anyway, and
while it is served it is not the whole state (the last writes are in its change log), so other
programs cannot open it then (``GET /_mock/state`` gives the state); they can once the server
stopped. A transaction also takes no file lock of its own, and SQLite's write-ahead log index
lives in the process instead of a ``-shm`` file. A file opened with ``lock=False`` (read on the
side, with its change log replayed) keeps SQLite's normal locking.

The write-ahead logs: a file that is empty or missing beside an existing ``-wal``, ``-shm``
or ``-changes`` is refused (the data may be in those logs, and a new file would be seeded over
it). A clean close folds the change log into the file, checkpoints SQLite's log into it and
marks it closed (``meta.open``), so the file alone is whole after a stop; a file marked open
with no ``-changes`` beside it (copied alone while a server ran, or after a kill) is refused,
since its last writes are in a log that is not there, and so is one whose change log is more
than one fold ahead of it (copied without its ``-wal``).

Layout (version 2): ``meta(key, value)`` holds the layout version, counters, the id
generator's state (packed, with the draws made since it was packed), the delivery section
(client keys and their usage) and the last change-log generation folded in;
``row(tbl, pk, seq, data, crc)`` one JSON record per table row, keyed by the JSON of its
primary key, ``seq`` keeping the tables' order and ``crc`` its CRC-32, checked on load
(``quick_check`` sees a broken page, not a changed byte inside a record). A write appends what
it changed to the change log (:mod:`configcat_mock.state.change_log`, ``<file>-changes``); every
:data:`FOLD_EVERY` records, when a server starts on the file and when it stops, the log is
folded into ``row`` and ``meta`` in one transaction (the last change of each record wins; a
record removed and written again goes last, as in its table). Reading replays the log over
the rows the same way, so what is read never depends on when the log was last folded.
Version 1 had no change log; a version 1 file is taken as it is and marked version 2, which a
configcat-mock that reads only version 1 refuses (it would not see the log).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import itertools
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

import orjson

from configcat_mock.state.change_log import SUFFIX, ChangeLog, ChangeLogError, Record, net
from configcat_mock.state.change_log import read as read_changes

FORMAT = "configcat-mock-state"

FILE_VERSION = 2
"""The layout's version (``meta.version``): 1 had no change log, 2 adds it."""

FOLD_EVERY = 10_000
"""Records in the change log after which it is folded into the file. A fold costs a few
microseconds a record, once every few thousand writes; reading replays at most this many."""

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> str:
    """JSON as the state file keeps it: orjson (about seven times faster than the standard
    library, and encoding is most of a write's cost besides SQLite's), the standard library for
    what orjson refuses (an integer beyond 64 bits)."""
    if type(value) is int:
        return str(value)
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return _encode(value)


def loads(text: str) -> Any:
    """The inverse of :func:`dumps` (orjson, or the standard library for what it refuses)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class StateFileError(Exception):
    """A state file that cannot be used (damaged, of a newer version, not a state file); the
    file is left as it was."""


class StateFile:
    """An open state file. :meth:`read` gives what it holds; :meth:`replace` makes it hold a
    whole state in one transaction and :meth:`write` appends a write's changes to its log."""

    def __init__(
        self, path: str | os.PathLike[str], *, state_version: int, lock: bool = True
    ) -> None:
        self.path = Path(path)
        self.state_version = state_version
        self.before_commit: Callable[[sqlite3.Connection], None] | None = None
        """Called before every write is stored (tests inject storage faults through it)."""
        self._lock_fd: int | None = self._lock() if lock else None
        self._closer: weakref.finalize[Any, Any] | None = None
        self.rng_words = 0
        """Of the last :meth:`read`: the draws its generator state was advanced by."""
        self.folds = 0
        """Folds of the change log since the file was opened (benchmarks report it)."""
        self.changes_path = Path(f"{self.path}{SUFFIX}")
        try:
            existed = self.path.exists() and self.path.stat().st_size > 0
            # before opening: opening a file in WAL mode creates an empty log beside it
            self._had_log = Path(f"{self.path}-wal").exists()
            if not existed:
                self._refuse_beside_log()
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            if lock:  # before the first read: see the module's docstring
                self.db.execute("PRAGMA locking_mode=EXCLUSIVE")
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
            if existed and lock:  # a version 1 file from here on has a log its readers must know of
                self.db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'version' AND value != ?",
                    (str(FILE_VERSION), str(FILE_VERSION)),
                )
            self._log = ChangeLog(self.changes_path)
            self._log.folded = self._folded()
            self._log.seq = int(
                self.db.execute("SELECT coalesce(max(seq), 0) FROM row").fetchone()[0]
            )
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
        logs = (Path(f"{self.path}-wal"), Path(f"{self.path}-shm"), self.changes_path)
        beside = [p for p in logs if p.exists()]
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
        version = json.loads(meta.get("version", "1"))
        served = meta.get("open") == "true"
        if served and version == 1 and not self._had_log:
            raise StateFileError(
                f"state file {self.path} is not whole: it was in use by a server that did not "
                f"stop cleanly, and its write-ahead log {self.path}-wal is not beside it, so "
                "its last writes may be missing (copy a state file after the server stopped, "
                "or together with its -wal file); it was left untouched"
            )
        log = self._changes()
        if served and version != 1 and log is None:
            raise StateFileError(
                f"state file {self.path} is not whole: it was in use by a server that did not "
                f"stop cleanly, and its change log {self.changes_path} is not beside it, so "
                "its last writes are missing (copy a state file after the server stopped, or "
                "together with its -changes and -wal files); it was left untouched"
            )
        folded = int(json.loads(meta.get("changesFolded", "0")))
        if log is not None and log[0] > folded + 1:
            raise StateFileError(
                f"state file {self.path} is not whole: its change log {self.changes_path} "
                "follows writes the file does not hold, which were in its write-ahead log "
                f"({self.path}-wal) when it was copied (copy a state file after the server "
                "stopped, or together with its -wal file); it was left untouched"
            )
        if meta.get("format") not in (None, json.dumps(FORMAT)):
            raise StateFileError(f"state file {self.path} is not a configcat-mock state file")
        if not isinstance(version, int) or version > FILE_VERSION:
            raise StateFileError(
                f"state file {self.path} has layout version {version}, newer than this "
                f"configcat-mock reads ({FILE_VERSION}); upgrade configcat-mock. "
                "The file was left untouched"
            )

    def mark_open(self) -> None:
        """Mark the file in use (until :meth:`close`), with its change log started: a copy of
        it without its logs is then known not to be whole. A file never closed is closed the
        same way when it is collected or the interpreter exits (SQLite would otherwise
        checkpoint and remove its log on its own, leaving a file marked open with no log
        beside it)."""
        self._start_log()
        with self._transaction() as db:
            _put_meta(db, {"open": True})
        self._closer = weakref.finalize(self, _close_marked, self.db, self._log)

    def close(self) -> None:
        """Fold the change log into the file, mark it closed, checkpoint its write-ahead log
        into it (the file alone is then whole), close it and let its lock go."""
        try:
            if self._closer is not None:
                self._closer()
            else:
                self._log.close(remove=False)
            self.db.close()
        finally:
            self._unlock()

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> dict[str, Any] | None:
        """The state held (a :meth:`~configcat_mock.state.backend.Backend.dump` with a ``delivery``
        section when there is one), or ``None`` for a new, empty file: the rows with the change
        log replayed over them."""
        try:
            meta: dict[str, str] = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
            texts: dict[str, dict[str, str]] = {}
            for tbl, pk, data, crc in self.db.execute(
                "SELECT tbl, pk, data, crc FROM row ORDER BY seq"
            ):
                if zlib.crc32(data.encode()) != crc:
                    raise StateFileError(
                        f"state file {self.path} is damaged (row {pk} of {tbl} does not match "
                        "its checksum); it was left untouched"
                    )
                texts.setdefault(tbl, {})[pk] = data
            last, again, logged_meta = net(
                self._unfolded(int(loads(meta.get("changesFolded", "0"))))
            )
            meta.update(logged_meta)
            for (tbl, pk), data in last.items():
                held = texts.setdefault(tbl, {})
                if data is None or (tbl, pk) in again:
                    held.pop(pk, None)
                if data is not None:  # a new record goes last; a changed one keeps its place
                    held[pk] = data
            values = {key: loads(value) for key, value in meta.items()}
            # one parse per table: far cheaper than one per row
            tables = {
                tbl: loads("[" + ",".join(rows.values()) + "]")
                for tbl, rows in texts.items()
                if rows
            }
        except (sqlite3.DatabaseError, ValueError) as exc:
            raise StateFileError(
                f"state file {self.path} is damaged ({exc}); it was left untouched"
            ) from None
        if "version" not in values:
            return None
        state: dict[str, Any] = {
            "version": self.state_version,
            "counters": values.get("counters", {}),
            "tables": tables,
        }
        if "rng" in values:
            self.rng_words = int(values.get("rngWords", 0))
            state["rngState"] = unpack_rng(values["rng"], self.rng_words)
        if values.get("delivery") is not None:
            state["delivery"] = values["delivery"]
        return state

    def _folded(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'changesFolded'").fetchone()
        return int(loads(row[0])) if row else 0

    def _changes(self) -> tuple[int, list[list[Record]]] | None:
        """The change log beside the file (its generation and writes), if there is one."""
        try:
            return read_changes(self.changes_path)
        except ChangeLogError as exc:
            raise StateFileError(
                f"state file {self.path} is damaged ({exc}); it was left untouched"
            ) from None

    def _unfolded(self, folded: int) -> list[list[Record]]:
        """The change log's writes not yet folded into the file."""
        log = self._changes()
        if log is None or log[0] <= folded:
            return []
        return log[1]

    # -- writing ---------------------------------------------------------------------------

    def replace(
        self, tables: Mapping[str, Iterable[tuple[str, str]]], meta: dict[str, Any]
    ) -> None:
        """Make the file hold exactly ``tables`` (name -> (pk json, data json)) and ``meta``,
        with an empty change log."""
        self._start_log()
        log = self._log
        with self._transaction() as db:
            db.execute("DELETE FROM row")
            db.execute("DELETE FROM meta")
            seq = itertools.count(1)
            for name, rows in tables.items():
                db.executemany(
                    "INSERT INTO row (tbl, pk, seq, data, crc) VALUES (?, ?, ?, ?, ?)",
                    ((name, pk, next(seq), data, _crc(data)) for pk, data in rows),
                )
            _put_meta(
                db,
                {
                    "format": FORMAT,
                    "version": FILE_VERSION,
                    **meta,
                    "changesFolded": log.generation,  # the log so far is in the file
                },
            )
        log.folded, log.seq = log.generation, next(seq) - 1
        with contextlib.suppress(OSError):  # the file holds the state: the next write starts it
            log.start(log.folded + 1)

    def write(
        self,
        upserts: list[tuple[str, str, str]],
        deletes: list[tuple[str, str]],
        meta: dict[str, Any],
    ) -> None:
        """Append a write to the change log: records removed (table, pk json), stored (table,
        pk json, data json) and ``meta`` values; fold the log when it is long enough. A write
        the disk refuses raises ``OSError`` and leaves the log as it was."""
        records: list[Record] = [(tbl, pk, None) for tbl, pk in deletes]
        records += upserts
        records += [("", key, dumps(value)) for key, value in meta.items()]
        if not records:
            return
        if self.before_commit is not None:
            self.before_commit(self.db)
        log = self._log
        if log.generation <= log.folded:  # not started, or a fold could not start the next
            self._start_log()
        log.append(records)
        if log.records >= FOLD_EVERY:
            self.fold()

    def fold(self) -> None:
        """Fold the change log into the file in one transaction and start the next. The
        writes in the log are already stored, so a fold the disk refuses is left for a later
        write or the close to try again."""
        log = self._log
        try:
            with self._transaction() as db:
                log.folded, log.seq = _fold(db, self.changes_path, log.folded, log.seq)
            log.start(log.folded + 1)
        except (sqlite3.Error, OSError, ChangeLogError):
            return
        self.folds += 1

    def _start_log(self) -> None:
        """Fold what an earlier server left in the change log, and start the next one; when
        the disk refuses the fold, go on appending to that log instead."""
        log = self._log
        if log.generation > log.folded:
            return
        try:
            with self._transaction() as db:
                log.folded, log.seq = _fold(db, self.changes_path, log.folded, log.seq)
        except (sqlite3.Error, OSError):
            unfolded = read_changes(self.changes_path)
            if unfolded is None or unfolded[0] != log.folded + 1 or not log.resume():
                raise
            return
        log.start(log.folded + 1)

    @property
    def logged(self) -> int:
        """Records appended to the change log since it was last started."""
        return self._log.records

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db, self.before_commit)


def _put_meta(db: sqlite3.Connection, meta: dict[str, Any]) -> None:
    db.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(key, dumps(value)) for key, value in meta.items()],
    )


def _fold(db: sqlite3.Connection, path: Path, folded: int, seq: int) -> tuple[int, int]:
    """Apply the change log at ``path`` to ``row`` and ``meta`` (inside a transaction), unless
    it is ``folded`` already; returns the generation folded and the largest ``row.seq``."""
    log = read_changes(path)
    if log is None or log[0] <= folded:
        return folded, seq
    generation, writes = log
    last, again, meta = net(writes)
    db.executemany(
        "DELETE FROM row WHERE tbl = ? AND pk = ?",
        [record for record, data in last.items() if data is None or record in again],
    )
    db.executemany(  # a new record goes last; a changed one keeps its place
        "INSERT INTO row (tbl, pk, seq, data, crc) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (tbl, pk) DO UPDATE SET data = excluded.data, crc = excluded.crc",
        [
            (tbl, pk, seq + i, data, _crc(data))
            for i, ((tbl, pk), data) in enumerate(last.items(), 1)
            if data is not None
        ],
    )
    meta["changesFolded"] = str(generation)
    db.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(meta.items()),
    )
    return generation, seq + len(last)


def _close_marked(db: sqlite3.Connection, log: ChangeLog) -> None:
    """Fold the change log, mark ``db`` closed, checkpoint its log into it and close both. A
    fold the disk refuses leaves the file marked open with its change log beside it (whole
    together, and refused alone)."""
    folded = False
    with contextlib.suppress(sqlite3.Error, OSError, ChangeLogError):
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.execute("BEGIN IMMEDIATE")
        try:
            log.folded, log.seq = _fold(db, log.path, log.folded, log.seq)
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('open', 'false') "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            )
            db.execute("COMMIT")
            folded = True
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    with contextlib.suppress(sqlite3.Error):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log.close(remove=folded)
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
