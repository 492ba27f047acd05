"""The state file's change log: every write's changes appended to ``<file>-changes`` before
the answer, folded into the SQLite file every so often.

Why a plain file beside the database and not a table in it: a write then costs one
``write(2)`` of its own few hundred bytes. As a row appended to a table, it cost an SQLite
commit: a whole 4 KiB page written to the write-ahead log, and SQLite's code and pages taking
turns with the interpreter's in the processor's caches, together some 60 µs of a write that
takes 350 µs in memory (``bench/bench_mock_state_file.py``). What is appended is in the
operating system's cache when ``write(2)`` returns, so it survives the process being killed at
any moment, the same promise as SQLite's ``synchronous=NORMAL``: a power loss may lose the last
writes.

The format: records, each a 4-byte little-endian length, the CRC-32 of its payload and the
payload (UTF-8). The first record of a file is its header, ``configcat-mock-changes <N>``: the
file's generation. Every other record is one write, a line per stored record:
``table<TAB>key<TAB>json`` (a key and a JSON text hold no tab or line break), ``table<TAB>key``
for a removed one, ``<TAB>name<TAB>json`` for a ``meta`` value. The state file notes the last
generation folded into it (``meta.changesFolded``): a log of that generation or an older one is
already in the file and is discarded; a log more than one generation ahead means the file
lacks a fold that is in its write-ahead log, so the pair is not whole.

A record cut short at the end of the file is a write that was never whole (the process cannot
be killed inside ``write(2)``, but a power loss can keep part of it): it is left out, as
SQLite leaves out a transaction it did not finish. A whole record whose checksum does not match
is damage, and the file is refused.
"""

from __future__ import annotations

import errno
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

SUFFIX = "-changes"
_HEADER = "configcat-mock-changes "
_FRAME = struct.Struct("<II")

Record = tuple[str, str, str | None]
"""``(table, key, json)``: ``json`` ``None`` for a removed record, ``table`` ``""`` for a
``meta`` value named ``key``."""


class ChangeLogError(Exception):
    """A change log that cannot be read: damaged, or not a change log."""


def _framed(payload: bytes) -> bytes:
    return _FRAME.pack(len(payload), zlib.crc32(payload)) + payload


def encode(records: list[Record]) -> bytes:
    """One write's records as a framed log record."""
    return _framed(
        "\n".join(
            f"{table}\t{key}" if data is None else f"{table}\t{key}\t{data}"
            for table, key, data in records
        ).encode()
    )


Key = tuple[str, str]
"""``(table, key)`` of a stored record."""


def net(writes: list[list[Record]]) -> tuple[dict[Key, str | None], set[Key], dict[str, str]]:
    """What ``writes``, replayed in order, come to: each record's last change (``None``:
    removed), in the order a replay places new records (a changed one keeps its place in the
    rows it is replayed over); the records removed and then written again, which go last
    whatever place they had; and the ``meta`` values. Reading and folding both use it, so the
    two cannot place a record differently."""
    last: dict[Key, str | None] = {}
    again: set[Key] = set()
    meta: dict[str, str] = {}
    for write in writes:
        for table, key, data in write:
            if not table:
                meta[key] = data or "null"
                continue
            record = (table, key)
            if data is not None and record in last and last[record] is None:
                del last[record]  # written again below, so in the order it came back
                again.add(record)
            last[record] = data
    return last, again, meta


def _payloads(raw: bytes, path: Path, whole: list[int]) -> Iterator[bytes]:
    """The payloads of ``raw``'s whole records; ``whole[0]`` follows the bytes they take."""
    at = 0
    while at < len(raw):
        if at + _FRAME.size > len(raw):
            return  # a frame cut short: a write that was never whole
        size, crc = _FRAME.unpack_from(raw, at)
        start = at + _FRAME.size
        if start + size > len(raw):
            return
        payload = raw[start : start + size]
        if zlib.crc32(payload) != crc:
            raise ChangeLogError(f"{path}: the record at byte {at} does not match its checksum")
        at = whole[0] = start + size
        yield payload


def read(path: Path) -> tuple[int, list[list[Record]]] | None:
    """The generation of the log at ``path`` and its writes, in order; ``None`` if there is no
    log (or only an empty file)."""
    found = _read(path)
    return None if found is None else (found[0], found[1])


def _read(path: Path) -> tuple[int, list[list[Record]], int] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    whole = [0]
    payloads = _payloads(raw, path, whole)
    header = next(payloads, None)
    if header is None:
        return None
    text = header.decode("utf-8", "replace")
    if not text.startswith(_HEADER) or not text[len(_HEADER) :].isdigit():
        raise ChangeLogError(f"{path}: not a configcat-mock change log")
    writes: list[list[Record]] = []
    for payload in payloads:
        write: list[Record] = []
        for line in payload.decode().split("\n"):
            table, key, *data = line.split("\t", 2)
            write.append((table, key, data[0] if data else None))
        writes.append(write)
    return int(text[len(_HEADER) :]), writes, whole[0]


class ChangeLog:
    """The log a served state file appends its writes to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.generation = 0
        self.records = 0
        """Records appended since the log was started."""
        self.folded = 0
        """The last generation folded into the state file (its ``meta.changesFolded``)."""
        self.seq = 0
        """The state file's largest ``row.seq`` (where a fold places new rows)."""
        self._fd: int | None = None
        self._size = 0

    def start(self, generation: int) -> None:
        """Begin generation ``generation``: the file emptied and given its header."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.ftruncate(self._fd, 0)
        self._size = 0
        self.generation, self.records = generation, 0
        self._write(_framed(f"{_HEADER}{generation}".encode()))

    def resume(self) -> bool:
        """Go on appending to the log already in the file (its write cut short, if any, cut
        off), for when it cannot be folded first (a full disk); ``False`` if there is none."""
        found = _read(self.path)
        if found is None:
            return False
        generation, writes, whole = found
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.ftruncate(self._fd, whole)
        self._size = whole
        self.generation = generation
        self.records = sum(len(write) for write in writes)
        return True

    def append(self, records: list[Record]) -> None:
        """Append one write; on any failure the file is cut back to what it held and the
        error raised."""
        self._write(encode(records))
        self.records += len(records)

    def _write(self, frame: bytes) -> None:
        if self._fd is None:
            raise OSError(f"{self.path} is not open")
        try:
            written = os.write(self._fd, frame)
            if written != len(frame):  # a full disk takes part of it and says so next time
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except BaseException:
            os.ftruncate(self._fd, self._size)
            raise
        self._size += written

    def close(self, *, remove: bool) -> None:
        """Close the file; ``remove``: it was folded, so it goes."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if remove:
            self.path.unlink(missing_ok=True)
