"""Persistence: what a write changed, recorded as it changes it, stored in the state file
before the answer.

While a write is recorded, each table notes the keys it adds and removes, and each record
type's ``on_setattr`` hook (:mod:`configcat_mock.state.records.changes`) notes the rows whose
fields are assigned; at the end the state file gets exactly those rows, and the counters and
the id generator's state when they moved (counters a load finds from the rows are not written
again). No row is serialised to find out whether it changed.

A write the file cannot take (a full disk, an I/O error) leaves the file as it was (its
change log is cut back to what it held), so the tables in memory are loaded again from the
file and the request is answered :class:`~configcat_mock.errors.StorageFailed`: a read never
shows what the file does not hold.
"""

from __future__ import annotations

import contextlib
import errno
import json
import sqlite3
from collections.abc import Callable, Hashable
from typing import Any, Protocol

import attrs

from configcat_mock.errors import StorageFailed
from configcat_mock.state.records.changes import record_into
from configcat_mock.state.state_file import StateFile, dumps
from configcat_mock.state.table import Table
from configcat_mock.state.tables import BY_RECORD, SPECS

_COUNTED = {spec.counter: spec.name for spec in SPECS if spec.counter is not None}
"""Each id counter's table: the counter is the largest key it ever gave."""

REBASE_WORDS = 100_000
"""Words drawn after which the generator's whole state is stored again (so that opening the
file replays at most this many)."""


class _Held(Protocol):
    """What persistence reads of the backend."""

    tables: dict[str, Table[Any]]
    counters: dict[str, int]

    @property
    def rng_words(self) -> int: ...

    def packed_rng(self) -> str: ...


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def row_json(row: Any) -> str:
    """A record as the state file keeps it (``attrs.asdict`` without recursing, as JSON)."""
    names = _FIELD_NAMES.get(type(row))
    if names is None:
        names = _FIELD_NAMES[type(row)] = tuple(field.name for field in attrs.fields(type(row)))
    return dumps({name: getattr(row, name) for name in names})


_encode_key = json.JSONEncoder(separators=(",", ":")).encode


def _key_json(key: Hashable) -> str:
    """A primary key as the file's ``pk`` (ASCII-escaped, as every version wrote it: a key
    must have one text)."""
    return str(key) if type(key) is int else _encode_key(key)


def storage_status(exc: BaseException) -> int:
    """507 for a full disk, 503 for any other storage error."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
            return 507
        if "disk is full" in str(exc):
            return 507
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return 507
    return 503


def refused(exc: BaseException) -> StorageFailed:
    """The answer to a write the state file could not store (``raise refused(exc) from exc``)."""
    status = storage_status(exc)
    if status == 507:
        return StorageFailed(status, f"the state file's disk is full: {exc}")
    return StorageFailed(status, f"the state file could not be written: {exc}")


class Persistence:
    """Keeps one backend's state in one :class:`StateFile`. ``rollback`` loads the backend
    again from the file after a write the file refused."""

    def __init__(self, held: _Held, state_file: StateFile, rollback: Callable[[], None]) -> None:
        self.held = held
        self.state_file = state_file
        self._rollback = rollback
        self._rows: list[Any] | None = None
        self._before: list[Any] | None = None
        self._tables: dict[str, Table[Any]] | None = None
        self._counters: dict[str, int] = dict(held.counters)
        self._words = 0
        self._base_words = 0
        self._delivery: Any = None

    def close(self) -> None:
        for table in self.held.tables.values():
            table.written = None
        self.state_file.close()

    def recorded(self) -> contextlib.AbstractContextManager[None]:
        """Record what the work inside changes and store it when it ends (also when it
        raised: what a failed request changed before failing is kept in memory, so it is
        kept in the file). Raises :class:`StorageFailed` if the file refuses it."""
        if self._rows is not None:  # inside another recorded write: that one stores
            return contextlib.nullcontext()
        return self  # writes run one at a time (under the backend's lock)

    def __enter__(self) -> None:
        tables = self.held.tables
        if self._tables is not tables:  # new tables (a load): they note from now on
            for table in tables.values():
                table.written = {}
            self._tables = tables
        rows: list[Any] = []
        self._rows = rows
        self._before = record_into(rows)

    def __exit__(self, *exc: object) -> None:
        rows = self._rows
        record_into(self._before)
        self._rows = self._before = None
        assert rows is not None
        self._store(self.held.tables, rows)

    def _store(self, tables: dict[str, Table[Any]], rows: list[Any]) -> None:
        changed: dict[str, dict[Hashable, None]] = {}
        for name, table in tables.items():
            if table.written:
                changed[name] = dict(table.written)
                table.written.clear()
        for row in rows:
            spec = BY_RECORD.get(type(row))
            if spec is None:
                continue
            key = spec.key(row)
            # a row no longer (or not yet) held is not stored
            if tables[spec.name].rows.get(key) is row:
                changed.setdefault(spec.name, {})[key] = None
        upserts: list[tuple[str, str, str]] = []
        deletes: list[tuple[str, str]] = []
        for name, keys in changed.items():
            held = tables[name].rows
            for key in keys:
                row = held.get(key)
                if row is None:
                    deletes.append((name, _key_json(key)))
                else:
                    upserts.append((name, _key_json(key), row_json(row)))
        meta: dict[str, Any] = {}
        counters = self.held.counters
        if counters != self._counters and not self._implied(counters, tables):
            meta["counters"] = dict(counters)
        words = self.held.rng_words
        if words != self._words:
            if words - self._base_words > REBASE_WORDS or words < self._base_words:
                meta["rng"], meta["rngWords"] = self.held.packed_rng(), 0
            else:
                meta["rngWords"] = words - self._base_words
        self._write(upserts, deletes, meta)
        if "counters" in meta:
            self._counters = meta["counters"]
        self._words = words
        if meta.get("rngWords") == 0:
            self._base_words = words

    def _implied(self, counters: dict[str, int], tables: dict[str, Table[Any]]) -> bool:
        """Whether every counter that moved since they were stored names a row that is held:
        a load raises each counter to its table's largest key, so such counters need not be
        stored again (most writes only add an audit log entry, whose id is its counter)."""
        stored = self._counters
        for name, value in counters.items():
            if stored.get(name) != value:
                table = _COUNTED.get(name)
                if table is None or value not in tables[table].rows:
                    return False
        return True

    def _write(
        self,
        upserts: list[tuple[str, str, str]],
        deletes: list[tuple[str, str]],
        meta: dict[str, Any],
    ) -> None:
        try:
            self.state_file.write(upserts, deletes, meta)
        except (sqlite3.Error, OSError) as exc:
            self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        self._rollback()
        raise refused(exc) from exc

    def save_all(self, delivery: Any = None) -> None:
        """Write the whole state (after a reset or load). On a refusal the file keeps what it
        held and :class:`StorageFailed` is raised (the caller restores memory)."""
        held = self.held
        rows = {
            name: [(_key_json(key), row_json(row)) for key, row in table.rows.items()]
            for name, table in held.tables.items()
        }
        meta = {
            "counters": dict(held.counters),
            "rng": held.packed_rng(),
            "rngWords": 0,
            "delivery": delivery,
        }
        try:
            self.state_file.replace(rows, meta)
        except (sqlite3.Error, OSError) as exc:
            raise refused(exc) from exc
        self.synced(delivery)

    def synced(self, delivery: Any = None, rng_words: int = 0) -> None:
        """The file holds what memory holds now (after :meth:`save_all` or opening it);
        ``rng_words``: the words its generator state is behind memory's."""
        self._counters = dict(self.held.counters)
        self._words = self.held.rng_words
        self._base_words = self._words - rng_words
        self._delivery = delivery

    def save_delivery(self, section: Any) -> None:
        """Write the delivery section (client keys and usage) if it changed. A refusal raises
        :class:`StorageFailed` and changes nothing in memory (no table was changed: the
        caller puts its client keys back)."""
        if self._delivery != section:
            try:
                self.state_file.write([], [], {"delivery": section})
            except (sqlite3.Error, OSError) as exc:
                raise refused(exc) from exc
            self._delivery = json.loads(json.dumps(section))
