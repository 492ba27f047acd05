"""Server-sent event streams: the ConfigCat Proxy's ``/sse`` routes and OFREP's event stream.

==========  ==========================================  =========================================
GET         /sse/{sdkId}/eval/{data}                    one flag: ``data: {value, variationId}``
GET         /sse/{sdkId}/eval-all/{data}                every flag: ``data: {key: {...}, ...}``
GET         /sse/{sdkId}/eval-all                       every flag, no user
GET         /sse/eval/k/{data}                          one flag, the SDK key in ``data``
GET         /sse/eval-all/k/{data}                      every flag, the SDK key in ``data``
GET         /ofrep/v1/event-stream/{sdkId}              ``refetchEvaluation`` events (ADR-0008)
==========  ==========================================  =========================================

``{data}`` is base64url JSON ``{"key"?, "user"?, "sdkKey"?}``, as the Proxy reads it. A Proxy
stream sends its payload on connect and again only when it changes; an OFREP stream sends
``{"type": "refetchEvaluation", "etag": ..., "lastModified": ...}`` (SSE ``id`` and ``event:
message``) when the config's content changes.

Change notification: every write the app answers (management API, control API, the test kit,
``/api/.../refresh``) calls :meth:`StreamHub.changed`, which wakes every open stream on its own
event loop (thread-safe: the test kit writes from another thread); each stream recomputes its
payload and sends it when it differs, before the next event-loop turn. Streams with the same
config version and request share one computation. Between changes, each stream sends a
heartbeat comment every ``heartbeatSeconds`` (and rechecks, which catches scheduled change
requests coming due and rows edited without a request).

Bounds: at most ``maxStreams`` streams are open at once (:data:`~.sdk_registry.
DEFAULT_MAX_STREAMS`, 1,000); one more is answered ``503`` with ``Retry-After``. On shutdown,
or ``DELETE /_mock/delivery/streams``, every stream ends cleanly (its response completes).
Faults (:mod:`.protocol_http`): ``rate_drop`` cuts a stream's connection right after its first
event, so a client's reconnect logic runs; ``latency_ms`` delays every event; a status fault
answers the stream request with that status.

Written here rather than with ``sse-starlette`` because what the streams need beyond framing
(fan-out from another thread, bounds, fault hooks, shutdown from the server's protocol) is the
bulk of the module, and the framing is one line.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from configcat_mock.api.rules.change_requests import apply_due_before_read
from configcat_mock.delivery.cors import cors_headers, preflight
from configcat_mock.delivery.evaluation import InvalidUser, user_from_attributes
from configcat_mock.delivery.protocol_http import (
    CONNECTION_EXTENSION,
    Host,
    draw_fault,
    dumps,
    record,
    text_response,
)
from configcat_mock.delivery.proxy_api import payload
from configcat_mock.delivery.sdk_registry import (
    Target,
    evaluators_for,
    find_by_id,
    find_by_key,
    settings_for,
)
from configcat_mock.delivery.store import store_for
from configcat_mock.state.backend import Backend

HEARTBEAT = b": heartbeat\n\n"
_MEMO_LIMIT = 4096


class StreamClosed(Exception):
    """The stream's SDK is gone (its config or environment was deleted)."""


@attrs.define(eq=False)
class Subscription:
    loop: asyncio.AbstractEventLoop
    wake: asyncio.Event = attrs.field(factory=asyncio.Event)
    closed: bool = False


class StreamHub:
    """The open streams of one backend, and the wake-up after each write."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()
        self._memo: dict[tuple[Any, ...], bytes] = {}

    @property
    def open(self) -> int:
        return len(self._subscriptions)

    def subscribe(self) -> Subscription | None:
        """A new subscription on the running loop; ``None`` when ``maxStreams`` are open."""
        limit = settings_for(self.backend).max_streams
        with self._lock:
            if len(self._subscriptions) >= limit:
                return None
            subscription = Subscription(asyncio.get_running_loop())
            self._subscriptions.add(subscription)
            return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    def changed(self) -> None:
        """Wake every open stream (from any thread)."""
        self._signal(close=False)

    def close_all(self) -> int:
        """End every open stream cleanly; how many there were."""
        return self._signal(close=True)

    def _signal(self, *, close: bool) -> int:
        with self._lock:
            by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
            for subscription in self._subscriptions:
                by_loop.setdefault(subscription.loop, []).append(subscription)
        for loop, subscriptions in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(_wake, subscriptions, close)
        return sum(len(s) for s in by_loop.values())

    def memo(self, key: tuple[Any, ...], compute: Callable[[], bytes]) -> bytes:
        """One computation per key (a key names the config's version, so it never goes stale)."""
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            found = self._memo[key] = compute()
        return found


class EventStreamResponse(StreamingResponse):
    """A streaming response that lets go of its subscription however it ends, also when the
    client left before the first event (the generator's own ``finally`` never runs then)."""

    _on_end: Callable[[], None] = staticmethod(lambda: None)

    def ending(self, on_end: Callable[[], None]) -> EventStreamResponse:
        self._on_end = on_end
        return self

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._on_end()


def _wake(subscriptions: list[Subscription], close: bool) -> None:
    for subscription in subscriptions:
        if close:
            subscription.closed = True
        subscription.wake.set()


_HUBS: weakref.WeakKeyDictionary[Backend, StreamHub] = weakref.WeakKeyDictionary()


def hub_for(backend: Backend) -> StreamHub:
    hub = _HUBS.get(backend)
    if hub is None:
        hub = _HUBS[backend] = StreamHub(backend)
    return hub


def notify_change(backend: Backend) -> None:
    """What the app calls after a write: wake the streams, if any are open."""
    hub = _HUBS.get(backend)
    if hub is not None and hub.open:
        hub.changed()


# -- the streams ------------------------------------------------------------------------------


def decode_data(data: str) -> dict[str, Any]:
    """``{data}`` of an ``/sse`` path: base64url (padded or not) JSON object."""
    try:
        text = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("failed to decode incoming 'data'") from None
    try:
        decoded = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"failed to deserialize incoming 'data': {exc}") from None
    if not isinstance(decoded, dict):
        raise ValueError("failed to deserialize incoming 'data': an object is required")
    return decoded


def frame(data: bytes, event_id: str | None = None, event: str | None = None) -> bytes:
    head = b""
    if event_id is not None:
        head += b"id: " + event_id.encode() + b"\n"
    if event is not None:
        head += b"event: " + event.encode() + b"\n"
    return head + b"data: " + data + b"\n\n"


Compute = Callable[[], tuple[bytes, bytes]]
"""-> (what identifies the current content, the frame to send when it changed)."""


async def _events(
    host: Host,
    request: Request,
    subscription: Subscription,
    compute: Compute,
    *,
    send_first: bool,
    delay_ms: float,
    drop: bool,
) -> AsyncIterator[bytes]:
    hub = hub_for(host.backend)
    heartbeat = settings_for(host.backend).heartbeat_seconds
    try:
        try:
            last, first = compute()
        except StreamClosed:
            return
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        yield first if send_first else HEARTBEAT
        if drop:  # an injected fault: cut the connection after the first event
            connection = request.scope.get("extensions", {}).get(CONNECTION_EXTENSION)
            if connection is not None:
                await asyncio.sleep(0.05)  # let the first event leave
                connection["abort"]()
            return
        while not subscription.closed:
            beat = False
            try:
                async with asyncio.timeout(heartbeat):  # no task per wait, unlike wait_for
                    await subscription.wake.wait()
            except TimeoutError:
                beat = True
            subscription.wake.clear()
            if subscription.closed:
                return
            try:
                current, event = compute()
            except StreamClosed:
                return
            if current != last:
                last = current
                if delay_ms:
                    await asyncio.sleep(delay_ms / 1000)
                yield event
            elif beat:
                yield HEARTBEAT
    finally:
        hub.unsubscribe(subscription)


def stream_routes(host: Host) -> list[BaseRoute]:
    backend = host.backend

    def apply_scheduled() -> None:
        apply_due_before_read(backend)

    def current(target: Target) -> tuple[Any, Any, int]:
        """(built, evaluator, version) of the target now (lock held)."""
        apply_scheduled()
        try:
            built, evaluator = evaluators_for(backend).get(store_for(backend), target.slot)
        except LookupError:
            raise StreamClosed from None
        return built, evaluator, built.version

    def open_stream(
        request: Request,
        name: str,
        compute: Compute,
        cors: dict[str, str],
        started: float,
        *,
        send_first: bool,
    ) -> Response:
        fault = draw_fault(host, name)
        if fault is not None and fault.status is not None:
            extra = {"Retry-After": "1"} if fault.status == 429 else {}
            answer = text_response(
                fault.status, f"Injected fault: {fault.status}.", {**cors, **extra}
            )
            return record(host, request, name, answer, started)
        subscription = hub_for(backend).subscribe()
        if subscription is None:
            limit = settings_for(backend).max_streams
            answer = text_response(
                503, f"too many open streams (at most {limit})", {**cors, "Retry-After": "1"}
            )
            return record(host, request, name, answer, started)
        connection = request.scope.get("extensions", {}).get(CONNECTION_EXTENSION)
        if connection is not None and "on_shutdown" in connection:
            connection["on_shutdown"].append(lambda: _wake([subscription], True))
        headers = {
            **cors,
            "Cache-Control": "no-cache",
            "Connection": "keep-alive",
            "X-Accel-Buffering": "no",
        }
        events = _events(
            host,
            request,
            subscription,
            compute,
            send_first=send_first,
            delay_ms=fault.latency_ms if fault else 0.0,
            drop=bool(fault and fault.drop),
        )
        response = EventStreamResponse(events, 200, headers, media_type="text/event-stream").ending(
            lambda: hub_for(backend).unsubscribe(subscription)
        )
        return record(host, request, name, response, started)

    def proxy_stream(name: str, single: bool, key_in_data: bool) -> Any:
        async def endpoint(request: Request) -> Response:
            """The Proxy's stream: the value on connect, again when it changes."""
            started = time.perf_counter()
            if request.method == "OPTIONS":
                return preflight(request, ["GET"])
            cors = cors_headers(request)

            def refuse(status: int, text: str) -> Response:
                return record(host, request, name, text_response(status, text, cors), started)

            raw = request.path_params.get("data")
            if raw is None and single:
                return refuse(400, "'data' path parameter must be set")
            try:
                data = decode_data(raw) if raw is not None else {}
                attributes = data.get("user") or {}
                if not isinstance(attributes, dict):
                    raise ValueError("failed to deserialize incoming 'data': 'user' is an object")
                user = user_from_attributes(attributes)
            except (ValueError, InvalidUser) as exc:
                text = str(exc)
                if isinstance(exc, InvalidUser):
                    text = f"failed to deserialize incoming 'data': {exc}"
                return refuse(400, text)
            sdk_id = request.path_params.get("sdk_id")
            sdk_key = data.get("sdkKey") if key_in_data else None
            if not sdk_id and not (isinstance(sdk_key, str) and sdk_key):
                return refuse(
                    400,
                    "either the 'sdkId' path parameter or the 'sdkKey' data parameter must be set",
                )
            key = data.get("key") or ""
            with backend.lock:
                target = (
                    find_by_id(backend, sdk_id) if sdk_id else find_by_key(backend, str(sdk_key))
                )
                if target is None:
                    return refuse(404, "could not identify a configured SDK")
                try:
                    _, evaluator, _ = current(target)
                except StreamClosed:
                    return refuse(404, "could not identify a configured SDK")
                if single and (not isinstance(key, str) or not key):
                    return refuse(400, "'key' must be set")
                if single and not evaluator.has_key(key):
                    return refuse(400, f"feature flag or setting with key '{key}' not found")
            # what the payload depends on besides the config's version
            request_id = json.dumps([key if single else "*", attributes], sort_keys=True)
            hub = hub_for(backend)

            seen: list[Any] = [None, b""]  # the config version last computed for, its body

            def compute() -> tuple[bytes, bytes]:
                with backend.lock:
                    _, evaluator, version = current(target)
                    if version == seen[0]:  # the same config: the same answer, no evaluation
                        return seen[1], frame(seen[1])

                    def evaluate() -> bytes:
                        if single:
                            evaluation = evaluator.evaluate(key, user)
                            if evaluation is None:
                                raise StreamClosed
                            return dumps(payload(evaluation))
                        values = {e.key: payload(e) for e in evaluator.evaluate_all(user)}
                        return dumps(dict(sorted(values.items())))

                    body = hub.memo((target.slot, version, request_id), evaluate)
                seen[:] = [version, body]
                return body, frame(body)

            return open_stream(request, name, compute, cors, started, send_first=True)

        what = "one flag's ``{value, variationId}``" if single else "every flag's values"
        where = "the SDK key in ``data``" if key_in_data else "the SDK by its id"
        endpoint.__doc__ = (
            f"The Proxy's stream of {what} ({where}): sent on connect, again when it changes."
        )
        return endpoint

    async def ofrep_stream(request: Request) -> Response:
        """OFREP's event stream: ``refetchEvaluation`` when the config changes."""
        started = time.perf_counter()
        name = "ofrep-event-stream"
        if request.method == "OPTIONS":
            return preflight(request, ["GET"])
        cors = cors_headers(request)
        with backend.lock:
            target = find_by_id(backend, request.path_params["sdk_id"])
            if target is None:
                answer = text_response(401, "could not identify a configured SDK", cors)
                return record(host, request, name, answer, started)

        def compute() -> tuple[bytes, bytes]:
            with backend.lock:
                built, _, version = current(target)
            event = {
                "type": "refetchEvaluation",
                "etag": built.public.etag,
                "lastModified": int(time.time()),
            }
            return str(version).encode(), frame(dumps(event), f"v{version}", "message")

        return open_stream(request, name, compute, cors, started, send_first=False)

    methods = ["GET", "OPTIONS"]
    return [
        Route("/sse/eval/k/{data}", proxy_stream("proxy-sse-eval", True, True), methods=methods),
        Route(
            "/sse/eval-all/k/{data}",
            proxy_stream("proxy-sse-eval-all", False, True),
            methods=methods,
        ),
        Route(
            "/sse/{sdk_id}/eval/{data}",
            proxy_stream("proxy-sse-eval", True, False),
            methods=methods,
        ),
        Route(
            "/sse/{sdk_id}/eval-all/{data}",
            proxy_stream("proxy-sse-eval-all", False, False),
            methods=methods,
        ),
        Route(
            "/sse/{sdk_id}/eval-all",
            proxy_stream("proxy-sse-eval-all", False, False),
            methods=methods,
        ),
        Route("/ofrep/v1/event-stream/{sdk_id}", ofrep_stream, methods=methods),
    ]
