"""The fake's HTTP surface besides the Management API: the control API, flag delivery and its
protocols (OFREP, the ConfigCat Proxy's ``/api`` and ``/sse``, proxy profiles), and the
dashboard.

Walked from the route tables of a real ``MockConfigCat`` (its Starlette app and its
dashboard's), so a route added to the fake appears here by itself. A route's text is its
handler's docstring, else the line for it in the route table its module's docstring keeps;
``undescribed_routes()`` names the routes that have neither (the test suite fails on them). Who
may call what is the fake's access check's own documentation (``check_control_access``'s
module). The CORS section is written from the fake's own header lists.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Iterable
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
    dashboard: bool = False
    """Whether it is a page of the dashboard (HTML for a person, not an API)."""

    @property
    def control(self) -> bool:
        """Whether it is a control route (``/_mock/*``)."""
        return self.path.startswith(_CONTROL_PREFIX)

    @property
    def shown_path(self) -> str:
        """The path as the page shows it: ``{key}`` without Starlette's ``:path``/``:int``."""
        return re.sub(r":\w+}", "}", self.path)


def _walk(routes: list[BaseRoute], prefix: str = "", *, dashboard: bool = False) -> list[HttpRoute]:
    found: list[HttpRoute] = []
    for route in routes:
        if isinstance(route, Mount):
            found += _walk(list(route.routes), prefix + route.path, dashboard=dashboard)
        elif isinstance(route, Route):
            if "{path:path}" in route.path:  # the Management API's catch-all
                continue
            methods = _by_usual_order((route.methods or set()) - _SKIPPED_METHODS)
            if len(methods) > 4:  # a delivery endpoint that answers every method (405s)
                methods = [m for m in methods if m in {"GET"}] or methods[:1]
            found += [
                HttpRoute(method, prefix + route.path, route.endpoint, dashboard)
                for method in methods
            ]
    return found


@cache
def _fake() -> tuple[tuple[HttpRoute, ...], Any]:
    """The routes of a fake built with its defaults, and the module of its access check."""
    from configcat_mock import MockConfigCat
    from configcat_mock.dashboard.pages import Dashboard

    with MockConfigCat() as mock:
        found = _walk(list(mock.app.asgi.routes))
        found += _walk(list(Dashboard(mock.app).asgi.routes), dashboard=True)
    return tuple(found), _module_defining("check_control_access")


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
    """Markdown for the reStructuredText of a docstring: roles and ````literals```` as code."""
    text = re.sub(r":(?:mod|class|func|meth|data|attr):`~?\.?([^`]+)`", r"`\1`", text)
    return text.replace("``", "`")


def _access_rules_module() -> Any:
    """The module of the check every control request passes (its docstring states the rules)."""
    return _fake()[1]


_USUAL_ORDER = ("GET", "PUT", "POST", "PATCH", "DELETE", "OPTIONS")


def _by_usual_order(methods: Iterable[str]) -> list[str]:
    """``GET`` before writes, ``OPTIONS`` (a CORS preflight) last, any other after those."""
    return sorted(
        methods,
        key=lambda method: (
            _USUAL_ORDER.index(method) if method in _USUAL_ORDER else len(_USUAL_ORDER),
            method,
        ),
    )


def _paths(group: list[HttpRoute]) -> int:
    """How many paths (rows of its table) a group has."""
    return len({route.path for route in group})


_PREFLIGHT = "`OPTIONS` answers the CORS preflight (see [CORS](#cors))."


def _rows(group: list[HttpRoute]) -> list[str]:
    """One row per path and handler, its methods together (``PUT``, ``POST``)."""
    merged: dict[tuple[str, int], list[HttpRoute]] = {}
    for route in group:
        merged.setdefault((route.path, id(route.handler)), []).append(route)
    rows = []
    for same in merged.values():
        methods = _by_usual_order(route.method for route in same)
        text = _rst(describe(same[0]))
        if "OPTIONS" in methods and len(methods) > 1:
            text = f"{text} {_PREFLIGHT}"
        shown = ", ".join(f"`{method}`" for method in methods)
        rows.append(f"| {shown} | `{same[0].shown_path}` | {_cell(text)} |")
    return rows


# The delivery endpoints by the protocol their path belongs to, in the order the page shows
# them: (first path segments, heading with its anchor, what a reader needs first). A route
# under none of these prefixes is still listed, under "Other delivery endpoints".
_PROTOCOLS = (
    (
        ("/configuration-files/", "/api/v1/public-config"),
        "SDK config JSON and public config { #sdk-config }",
        "What ConfigCat's SDKs download (`config_v6.json`, by SDK key) and what client-side apps "
        "read with a `pub_` client key: see [Testing your app's flags]"
        "(../guides/testing-flags.md).",
    ),
    (
        ("/ofrep/",),
        "OFREP { #ofrep }",
        "The OpenFeature Remote Evaluation Protocol, as the ConfigCat Proxy serves it: see "
        "[Delivery protocols](../guides/protocols.md).",
    ),
    (
        ("/api/",),
        "The ConfigCat Proxy's API { #proxy-api }",
        "The Proxy's evaluation API at its own paths, each with the SDK id in the path or without "
        "it and the SDK key in `X-ConfigCat-SdkKey`: see [Delivery protocols]"
        "(../guides/protocols.md).",
    ),
    (
        ("/sse/",),
        "The ConfigCat Proxy's streams { #proxy-streams }",
        "Server-sent events of flag values, `data` being base64url JSON "
        '`{"key"?, "user"?, "sdkKey"?}`: see [Delivery protocols](../guides/protocols.md).',
    ),
    (
        ("/v1/proxy/",),
        "Proxy profiles { #proxy-profiles }",
        "What a ConfigCat Proxy in auto-configuration mode polls, built from the proxy profiles "
        "the Management API keeps.",
    ),
)


def _protocol_groups(delivery: list[HttpRoute]) -> list[tuple[str, str, list[HttpRoute]]]:
    """The delivery routes by protocol: (heading, intro, routes), empty groups left out."""
    groups: list[tuple[str, str, list[HttpRoute]]] = [
        (heading, intro, []) for _, heading, intro in _PROTOCOLS
    ]
    other: list[HttpRoute] = []
    for route in delivery:
        index = next(
            (i for i, (prefixes, _, _) in enumerate(_PROTOCOLS) if route.path.startswith(prefixes)),
            None,
        )
        if index is None:
            other.append(route)
        else:
            groups[index][2].append(route)
    groups.append(("Other delivery endpoints", "", other))
    return [group for group in groups if group[2]]


def _cors_section() -> list[str]:
    """What every CORS-enabled route answers, from the fake's own header lists."""
    from configcat_mock.delivery import cors

    exposed = ", ".join(f"`{name}`" for name in cors.EXPOSED_HEADERS)
    allowed = ", ".join(f"`{name}`" for name in cors.ALLOWED_HEADERS)
    return [
        "## CORS { #cors }",
        "",
        "The routes above that list `OPTIONS` take requests from a browser on another origin, "
        "as the ConfigCat Proxy does: every answer carries `Access-Control-Allow-Origin` (the "
        f"request's `Origin`, or `*` without one) and `Access-Control-Expose-Headers` ({exposed}). "
        "An `OPTIONS` request is the preflight, answered `204` with "
        "`Access-Control-Allow-Methods` (the route's methods and `OPTIONS`), "
        f"`Access-Control-Allow-Headers` ({allowed}; the OFREP routes add the headers that "
        "select an SDK), `Access-Control-Allow-Credentials: false` and "
        f"`Access-Control-Max-Age: {cors.MAX_AGE}`.",
        "",
    ]


def render() -> str:
    """The page: access rules, the control routes, the delivery endpoints, the dashboard."""
    guards = _access_rules_module()
    control = [route for route in routes() if route.control and not route.dashboard]
    delivery = [route for route in routes() if not route.control and not route.dashboard]
    dashboard = [route for route in routes() if route.dashboard]
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
        f"## Control API ({_paths(control)} paths) {{ #control-api }}",
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
        f"## Flag delivery ({_paths(delivery)} paths) {{ #flag-delivery }}",
        "",
        "What ConfigCat's SDKs, client-side apps, OpenFeature providers and the Proxy's clients "
        "download, computed from the fake's state. No Basic auth: an SDK key, SDK id, `pub_` "
        "client key or proxy profile secret is the credential.",
        "",
    ]
    for heading, intro, group in _protocol_groups(delivery):
        lines += [f"### {heading}", ""]
        lines += [intro, ""] if intro else []
        lines += ["| method | path | what it serves |", "| --- | --- | --- |"]
        lines += [*_rows(group), ""]
    lines += _cors_section()
    lines += [
        f"## Dashboard ({_paths(dashboard)} paths) {{ #dashboard }}",
        "",
        "HTML pages for a person in a browser, at `/` and under `/_dashboard/` (see "
        "[The dashboard](../guides/dashboard.md)). Who may open them follows the control API's "
        "rules above: with a control token, a browser logs in with it first; every form that "
        "changes something carries a CSRF token.",
        "",
        "| method | path | what it shows |",
        "| --- | --- | --- |",
    ]
    lines += _rows(dashboard)
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """The fake's HTTP page."""
    return {PAGE: render()}
