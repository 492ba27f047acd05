"""What the remote-evaluation routes share: the host they need, JSON answers, the journal, faults.

Faults: the fault injector's rules match these routes by the names in :data:`ROUTE_NAMES` (or
their path templates), as they match API operations. ``rate_429`` answers ``429`` with
``Retry-After``, ``rate_500``/``rate_503`` those statuses, ``rate_drop`` cuts the connection
with nothing written, and ``latency_ms`` delays the answer; on a stream, a drop cuts the stream
after it opened and the latency delays each event (see :mod:`configcat_mock.delivery.streams`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from configcat_mock.errors import MockHTTPError
from configcat_mock.state.backend import Backend
from configcat_mock.state.journal import Entry, Journal

CONNECTION_EXTENSION = "configcat_mock.connection"
"""The scope extension the fake's server protocol and in-process transports put in each request
(``abort``: cut the connection; ``on_shutdown``: callbacks for when the server stops). Named
here, not imported, because delivery does not import the HTTP layer; a test checks the two
names agree."""

#: Route name -> path template, for fault rules and the journal's ``operation_id``.
ROUTE_NAMES = {
    "ofrep-evaluate-flag": "/ofrep/v1/evaluate/flags/{key}",
    "ofrep-evaluate-flags": "/ofrep/v1/evaluate/flags",
    "ofrep-event-stream": "/ofrep/v1/event-stream/{sdkId}",
    "proxy-eval": "/api/{sdkId}/eval",
    "proxy-eval-all": "/api/{sdkId}/eval-all",
    "proxy-keys": "/api/{sdkId}/keys",
    "proxy-refresh": "/api/{sdkId}/refresh",
    "proxy-sse-eval": "/sse/{sdkId}/eval/{data}",
    "proxy-sse-eval-all": "/sse/{sdkId}/eval-all/{data}",
    "proxy-profile-config": "/v1/proxy/config/{profileKey}",
}


class Fault(Protocol):
    """A fault the injector drew (see the fault injector): read only."""

    @property
    def status(self) -> int | None: ...

    @property
    def latency_ms(self) -> float: ...

    @property
    def drop(self) -> bool: ...


class Faults(Protocol):
    """The mock app's fault injector, as these routes use it."""

    def draw(self, operation_id: str, path_template: str) -> Fault | None: ...


class Host(Protocol):
    """What the routes need from the mock app."""

    @property
    def backend(self) -> Backend: ...

    @property
    def journal(self) -> Journal: ...

    @property
    def faults(self) -> Faults: ...


def dumps(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(body), status, headers, media_type="application/json")


def text_response(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text error, as Go's ``http.Error`` writes the Proxy's."""
    return Response(text + "\n", status, headers, media_type="text/plain; charset=utf-8")


def record(host: Host, request: Request, name: str, response: Response, started: float) -> Response:
    """Write the answer to the journal and hand it back."""
    host.journal.add(
        Entry(
            method=request.method,
            path=request.scope["path"],
            query=request.scope.get("query_string", b"").decode("utf-8", "replace"),
            operation_id=name,
            username=None,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
        )
    )
    return response


def draw_fault(host: Host, name: str) -> Fault | None:
    return host.faults.draw(name, ROUTE_NAMES[name])


async def fault_answer(
    host: Host, request: Request, name: str, headers: dict[str, str]
) -> Response | None:
    """The injected fault of this request, after its latency; ``None``: answer normally."""
    fault = draw_fault(host, name)
    if fault is None:
        return None
    if fault.latency_ms:
        await asyncio.sleep(fault.latency_ms / 1000)
    if fault.drop:
        await drop_connection(request)
        return Response(status_code=204)  # never written: the connection is gone
    if fault.status is None:
        return None
    extra = {"Retry-After": "1"} if fault.status == 429 else {}
    return text_response(fault.status, f"Injected fault: {fault.status}.", {**headers, **extra})


async def drop_connection(request: Request) -> None:
    """Cut the connection with nothing written and wait until the server has let go."""
    connection = request.scope.get("extensions", {}).get(CONNECTION_EXTENSION)
    if connection is None:
        raise RuntimeError("a dropped connection needs configcat-mock serve's protocol")
    connection["abort"]()
    with contextlib.suppress(MockHTTPError):  # the body guard's "client went away"
        while (await request.receive())["type"] != "http.disconnect":
            pass
