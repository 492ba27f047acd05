"""Match a request path to a spec operation.

Built from the spec's path templates: templates are grouped by segment count and, within a
group, tried literal-first (``/members/invite`` before ``/members/{userId}``). Literals compare
case-insensitively, as ASP.NET routing does.
"""

from __future__ import annotations

from configcat_mock.errors import MethodNotAllowed, NotFound
from configcat_mock.spec import Operation


class Router:
    def __init__(self, operations: list[Operation]) -> None:
        groups: dict[int, list[tuple[tuple[str | None, ...], tuple[str | None, ...], Operation]]]
        groups = {}
        for op in operations:
            pattern = tuple(None if s.startswith("{") else s.lower() for s in op.segments)
            names = tuple(s[1:-1] if s.startswith("{") else None for s in op.segments)
            groups.setdefault(len(pattern), []).append((pattern, names, op))
        for entries in groups.values():
            entries.sort(key=lambda e: tuple(0 if s is not None else 1 for s in e[0]))
        self._groups = groups

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        segments = path.strip("/").split("/")
        lowered = [s.lower() for s in segments]
        path_found = False
        for pattern, names, op in self._groups.get(len(segments), ()):
            if any(p is not None and p != s for p, s in zip(pattern, lowered, strict=True)):
                continue
            if any(p is None and not s for p, s in zip(pattern, segments, strict=True)):
                continue
            path_found = True
            if op.method != method:
                continue
            return op, {n: s for n, s in zip(names, segments, strict=True) if n is not None}
        if path_found:
            raise MethodNotAllowed({"message": f"Method {method} is not allowed here."})
        raise NotFound("route")
