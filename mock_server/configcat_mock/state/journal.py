"""The request journal: the last requests the mock answered, readable over the control API."""

from __future__ import annotations

from collections import deque
from typing import Any

import attrs


@attrs.define
class Entry:
    method: str
    path: str
    query: str
    operation_id: str | None
    username: str | None
    status: int
    duration_ms: float
    request_body: Any = None
    response_body: Any = None


class Journal:
    """A bounded list of :class:`Entry`; bodies are kept only when ``keep_bodies`` is set."""

    def __init__(self, maxlen: int = 10_000, *, keep_bodies: bool = False) -> None:
        self.entries: deque[Entry] = deque(maxlen=maxlen)
        self.keep_bodies = keep_bodies

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)

    def clear(self) -> None:
        self.entries.clear()

    def to_json(self) -> list[dict[str, Any]]:
        return [attrs.asdict(e) for e in self.entries]
