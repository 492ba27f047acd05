"""The fake's HTTP surface besides the Management API: the control API and flag delivery.

Walked from the route table of a real ``MockConfigCat`` (its Starlette app), so a route added
to the fake appears here by itself. A route's text is its handler's docstring, else the line
for it in the route table its module's docstring keeps; ``undescribed_routes()`` names the
routes that have neither (the test suite fails on them). Who may call what is the fake's
access check's own documentation (``check_control_access``'s module).
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from dataclasses import dataclass
from functools import cache
from typing import Any

from starlette.routing import BaseRoute, Mount, Route

PAGE = "reference/mock-http.md"
_SKIPPED_METHODS = {"HEAD"}
_CONTROL_PREFIX = "/_mock"


@dataclass(frozen=True)
class HttpRoute:
    """One method and path the fake answers besides the Management API."""

    method: str
    path: str
    handler: Any

    @property
    def control(self) -> bool:
        """Whether it is a control route (``/_mock/*``)."""
        return self.path.startswith(_CONTROL_PREFIX)


def _walk(routes: list[BaseRoute], prefix: str = "") -> list[HttpRoute]:
    found: list[HttpRoute] = []
    for route in routes:
        if isinstance(route, Mount):
            found += _walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            if "{path:path}" in route.path:  # the Management API's catch-all
                continue
            methods = sorted((route.methods or set()) - _SKIPPED_METHODS)
            if len(methods) > 4:  # a delivery endpoint that answers every method (405s)
                methods = [m for m in methods if m in {"GET"}] or methods[:1]
            found += [HttpRoute(method, prefix + route.path, route.endpoint) for method in methods]
    return found


@cache
def _fake() -> tuple[tuple[HttpRoute, ...], Any]:
    """The routes of a fake built with its defaults, and the module of its access check."""
    from configcat_mock import MockConfigCat

    with MockConfigCat() as mock:
        found = tuple(_walk(list(mock.app.asgi.routes)))
    return found, _module_defining("check_control_access")


def _module_defining(name: str) -> Any:
    """The module of the fake's package that defines the function ``name``."""
    import pkgutil

    import configcat_mock

    for info in pkgutil.walk_packages(configcat_mock.__path__, "configcat_mock."):
        if info.name.endswith(("__main__", "pytest_plugin")):
            continue
        module = importlib.import_module(info.name)
        function = vars(module).get(name)
        if callable(function) and getattr(function, "__module__", "") == module.__name__:
            return module
    raise LookupError(f"no module of configcat_mock defines {name}")


def routes() -> tuple[HttpRoute, ...]:
    """Every control and delivery route of a fake built with its defaults."""
    return _fake()[0]


def _handler_modules(route: HttpRoute) -> list[Any]:
    name = getattr(route.handler, "__module__", "")
    return [sys.modules[name]] if name in sys.modules else []


_METHOD_WORDS = r"(?:GET|PUT|POST|PATCH|DELETE)"


@cache
def _table_lines(module_name: str) -> tuple[tuple[tuple[str, ...], str, str], ...]:
    """The rows of a module docstring's route table: (methods, path, text).

    A row's text may name another method of the same path after a semicolon
    (``...; DELETE clears it``): that part becomes a row of its own.
    """
    module = importlib.import_module(module_name)
    rows: list[tuple[tuple[str, ...], str, str]] = []
    for line in (module.__doc__ or "").splitlines():
        match = re.match(rf"^({_METHOD_WORDS}(?:/{_METHOD_WORDS})*)\s+(/\S+)\s*(.*)$", line.strip())
        if match:
            rows.append((tuple(match.group(1).split("/")), match.group(2), match.group(3)))
        elif rows and line.startswith(" ") and line.strip() and not line.strip().startswith("="):
            methods, path, text = rows[-1]
            rows[-1] = (methods, path, f"{text} {line.strip()}".strip())
    split: list[tuple[tuple[str, ...], str, str]] = []
    for methods, path, text in rows:
        head, *others = re.split(rf";\s+(?={_METHOD_WORDS}\s)", text)
        split.append((methods, path, head))
        for other in others:
            method, _, rest = other.partition(" ")
            split.append(((method,), path, rest))
    return tuple(split)


def _same_path(route_path: str, table_path: str) -> bool:
    def shape(path: str) -> str:
        return re.sub(r"{[^}]*}", "{}", path)

    return shape(route_path) == shape(table_path) or shape(route_path).endswith(shape(table_path))


def _table_text(route: HttpRoute) -> str:
    for module in _handler_modules(route):
        for methods, path, text in _table_lines(module.__name__):
            if route.method in methods and _same_path(route.path, path):
                return text.replace("``", "`")
    return ""


def describe(route: HttpRoute) -> str:
    """What a route does: its handler's docstring, else its module's route table.

    A handler that serves several methods (``PUT`` and ``POST``) is described once for all.
    """
    doc = inspect.getdoc(route.handler)
    if doc:
        return " ".join(doc.split())
    text = _table_text(route)
    if text:
        return text
    for other in routes():
        if other.handler is route.handler and other is not route:
            text = _table_text(other)
            if text:
                return text
    return ""


def undescribed_routes() -> list[str]:
    """``METHOD /path`` of each route that has no description."""
    return [f"{route.method} {route.path}" for route in routes() if not describe(route)]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rst(text: str) -> str:
    return re.sub(r":(?:mod|class|func|meth):`~?([^`]+)`", r"`\1`", text)


def _access_rules_module() -> Any:
    """The module of the check every control request passes (its docstring states the rules)."""
    return _fake()[1]


def _rows(group: list[HttpRoute]) -> list[str]:
    """One row per path and handler, its methods together (``PUT``, ``POST``)."""
    merged: dict[tuple[str, int], list[HttpRoute]] = {}
    for route in group:
        merged.setdefault((route.path, id(route.handler)), []).append(route)
    rows = []
    for same in merged.values():
        methods = ", ".join(f"`{route.method}`" for route in _by_usual_order(same))
        path = re.sub(r":path}", "}", same[0].path)
        rows.append(f"| {methods} | `{path}` | {_cell(describe(same[0]))} |")
    return rows


def _by_usual_order(group: list[HttpRoute]) -> list[HttpRoute]:
    order = ["GET", "PUT", "POST", "PATCH", "DELETE"]
    return sorted(group, key=lambda route: order.index(route.method))


def render() -> str:
    """The page: access rules, the control routes, the delivery endpoints."""
    guards = _access_rules_module()
    control = [route for route in routes() if route.control]
    delivery = [route for route in routes() if not route.control]
    lines = [
        "# The fake's HTTP endpoints",
        "",
        "Besides the Management API (every operation of the "
        "[client reference](operations/index.md), answered under `/v1` and `/v2`), a served "
        "fake (`configcat-mock serve`, the [command](mock-cli.md)) or an in-process "
        "`MockConfigCat` answers the routes below.",
        "",
        "## Who may call the control API",
        "",
        _rst((guards.__doc__ or "").strip()),
        "",
        f"## Control API ({len(control)} routes)",
        "",
        "| method | path | what it does |",
        "| --- | --- | --- |",
    ]
    lines += _rows(control)
    lines += [
        "",
        "Bodies are JSON; `GET /_mock/state` gives the shape `PUT /_mock/state` and "
        "`POST /_mock/seed` take (`configcat-mock seed` prints the default one).",
        "",
        f"## Flag delivery ({len(delivery)} endpoints)",
        "",
        "What ConfigCat's SDKs and client-side apps download, computed from the fake's state. "
        "No Basic auth: the SDK key (or the `pub_` client key) is the credential.",
        "",
        "| method | path | what it serves |",
        "| --- | --- | --- |",
    ]
    lines += _rows(delivery)
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """The fake's HTTP page."""
    return {PAGE: render()}
