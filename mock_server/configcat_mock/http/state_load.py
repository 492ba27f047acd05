"""``PUT /_mock/state`` and ``POST /_mock/seed`` off the event loop.

A state of tens of megabytes takes a second or more to parse, check and index. Done on the
event loop, every other client waits that long; so the body is parsed and the new tables are
built in a worker thread (:meth:`~configcat_mock.state.backend.Backend.prepare` touches no
current table), and only the swap takes the backend's lock, so no request ever sees a
half-loaded state.

Parsing goes one table row at a time (:meth:`json.JSONDecoder.raw_decode` per row): one
``json.loads`` of the whole body is a single C call that holds the interpreter lock from start
to end, and the event loop's thread would wait for it all that time. The walk follows the
state's shape (an object with a ``tables`` object of row lists) and leaves anything else to
:func:`~configcat_mock.api.validation.parse_json`, which also words the errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import Iterator
from typing import Any

from configcat_mock.api.validation import parse_json
from configcat_mock.errors import BadRequest
from configcat_mock.state.backend import Backend

_WHITESPACE = " \t\n\r"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class _NotAState(Exception):
    """The body is not shaped as the walk expects: parsed whole instead."""


class _Walk:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def skip(self) -> None:
        text, at = self.text, self.at
        while at < len(text) and text[at] in _WHITESPACE:
            at += 1
        self.at = at

    def take(self, char: str) -> bool:
        self.skip()
        if self.text.startswith(char, self.at):
            self.at += 1
            return True
        return False

    def expect(self, char: str) -> None:
        if not self.take(char):
            raise _NotAState

    def value(self) -> Any:
        self.skip()
        start = self.at
        try:
            value, self.at = _DECODER.raw_decode(self.text, start)
        except ValueError:
            raise _NotAState from None
        if self.text.find("\\u", start, self.at) >= 0:
            try:  # an escape may be half a surrogate pair, which no JSON text can hold
                json.dumps(value, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest("body", "The request body holds an unpaired surrogate.") from None
        return value

    def key(self) -> str:
        key = self.value()
        if not isinstance(key, str):
            raise _NotAState
        self.expect(":")
        return key

    def members(self, each: Any) -> dict[str, Any]:
        """An object, each member's value read by ``each(key)``."""
        self.expect("{")
        out: dict[str, Any] = {}
        if self.take("}"):
            return out
        while True:
            key = self.key()
            out[key] = each(key)
            if self.take("}"):
                return out
            self.expect(",")

    def rows(self) -> Any:
        self.skip()
        if not self.text.startswith("[", self.at):
            return self.value()
        self.at += 1
        rows: list[Any] = []
        if self.take("]"):
            return rows
        while True:
            rows.append(self.value())
            if self.take("]"):
                return rows
            self.expect(",")


def parse_state(raw: bytes) -> Any:
    """The body as JSON, parsed a row at a time where it has the shape of a state."""
    try:
        text = raw.decode("utf-8")
        walk = _Walk(text)
        state = walk.members(
            lambda key: walk.members(lambda _: walk.rows()) if key == "tables" else walk.value()
        )
        walk.skip()
        if walk.at != len(text):
            raise _NotAState
    except (_NotAState, UnicodeDecodeError, RecursionError):
        return parse_json(raw)
    return state


FREEZE_ROWS = 50_000
"""A state of at least this many rows is moved out of the cyclic collector's sight once it
is in place (:func:`gc.freeze`): the first full collection after it would otherwise walk
every row while holding the interpreter lock, a pause of seconds for tens of megabytes. Rows
hold no reference cycles, so the collector has nothing to find among them; what it cannot
see then is only garbage in cycles made before the load, which stays."""


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector off while a state is parsed, built and put in place: the
    hundreds of thousands of new objects would start full collections that hold the
    interpreter lock for long pauses (and find nothing: rows hold no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parsed(raw: bytes) -> dict[str, Any]:
    state = parse_state(raw)
    if not isinstance(state, dict):
        raise BadRequest("state", "A state must be a JSON object.")
    return state


def _load(backend: Backend, raw: bytes, *, seed: bool) -> None:
    with _no_collection():
        state = _parsed(raw)
        if seed:
            backend.reseed(state)
            rows = sum(len(table) for table in backend.tables.values())
        else:
            prepared = backend.prepare(state, owned=True)
            del state
            backend.install(prepared)
            rows = sum(len(table) for table in prepared.tables.values())
        if rows >= FREEZE_ROWS:
            gc.freeze()  # before the collector is on again


async def load_state(backend: Backend, raw: bytes) -> None:
    """Parse ``raw`` and make it the state, in a worker thread: only the swap at the end
    takes the backend's lock."""
    await asyncio.to_thread(_load, backend, raw, seed=False)


async def seed_state(backend: Backend, raw: bytes) -> None:
    """As :func:`load_state`, and make the state the one ``reset`` goes back to."""
    await asyncio.to_thread(_load, backend, raw, seed=True)
