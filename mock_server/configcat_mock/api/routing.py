"""Match a request path to a spec operation.

Built from the spec's path templates as a segment tree: at each segment a literal child is
tried before a parameter child (``/members/invite`` before ``/members/{userId}``). Literals
compare case-insensitively, as ASP.NET routing does. A lookup costs one dict access per
segment, whatever the number of operations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import unquote

from configcat_mock.errors import MethodNotAllowed, NotFound


class Routable(Protocol):
    """What the router needs of an operation (:class:`~configcat_mock.api.spec.Operation`)."""

    @property
    def method(self) -> str: ...

    @property
    def segments(self) -> tuple[str, ...]: ...


Operation = TypeVar("Operation", bound=Routable)


class _Node(Generic[Operation]):
    __slots__ = ("literals", "ops", "param")

    def __init__(self) -> None:
        self.literals: dict[str, _Node[Operation]] = {}
        self.param: _Node[Operation] | None = None
        self.ops: dict[str, tuple[Operation, tuple[str, ...]]] = {}


class Router(Generic[Operation]):
    def __init__(self, operations: Iterable[Operation]) -> None:
        self._root: _Node[Operation] = _Node()
        for op in operations:
            node = self._root
            names: list[str] = []
            for segment in op.segments:
                if segment.startswith("{"):
                    if node.param is None:
                        node.param = _Node[Operation]()
                    names.append(segment[1:-1])
                    node = node.param
                else:
                    node = node.literals.setdefault(segment.lower(), _Node())
            node.ops[op.method] = (op, tuple(names))

    def _walk(self, node: _Node[Operation], segments: list[str], i: int, values: list[str]) -> Any:
        """Yield the end nodes the path reaches, most specific (literal-first) first."""
        if i == len(segments):
            if node.ops:
                yield node, values
            return
        segment = segments[i]
        child = node.literals.get(segment.lower())
        if child is not None:
            yield from self._walk(child, segments, i + 1, values)
        if node.param is not None and segment:
            yield from self._walk(node.param, segments, i + 1, [*values, segment])

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        """Match a decoded path (one whose values hold no ``/``)."""
        return self.match_segments(method, path.strip("/").split("/"))

    def match_raw(self, method: str, raw_path: bytes) -> tuple[Operation, dict[str, str]]:
        """Match the path as sent: split at ``/`` first, then decode each segment, so an
        encoded ``%2F`` or ``%0D`` stays inside its value, as ASP.NET routing keeps it."""
        raw = raw_path.split(b"?", 1)[0].strip(b"/")
        segments = [unquote(part.decode("latin-1")) for part in raw.split(b"/")]
        return self.match_segments(method, segments)

    def match_segments(self, method: str, segments: list[str]) -> tuple[Operation, dict[str, str]]:
        # The most specific template that matches the path decides, as with route priority:
        # DELETE /members/invite is 405 (invite takes POST), not a member called "invite".
        for node, values in self._walk(self._root, segments, 0, []):
            found = node.ops.get(method)
            if found is None:
                raise MethodNotAllowed(
                    {"message": f"Method {method} is not allowed here."},
                    headers={"Allow": ", ".join(sorted(node.ops))},
                )
            op, names = found
            return op, dict(zip(names, values, strict=True))
        raise NotFound("route")
