"""httpx transports that call the mock's ASGI app in-process, with no socket.

Both transports build the ASGI scope themselves, send the body (in one message when it is
in memory, chunk by chunk when an async request streams it, so body limits see what a socket
would) and collect the answer, which is all the mock's app needs; ``httpx.ASGITransport``
would do the same with more generality (trio detection) and an ``import sniffio`` attempt on
every request, which fails, at some cost, where sniffio is not installed. They offer the
``abort`` extension of the server's protocol: a fault that drops the connection raises
:class:`ConnectionDropped` to the client, as a cut socket would.

The app is async, so a sync request needs an event loop. In a thread with no running loop
(the usual case) the transport runs the request on a loop of its own for that thread, with
no thread hop. Inside a running loop (an async test using a sync client) a nested loop
cannot start, so the request goes to a private loop in a daemon thread and the caller waits
for its answer. The app keeps no asyncio state across requests (its only await is a fault's
latency sleep), so either loop serves it. Closing the transport closes its loops and joins the
thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx

from configcat_mock.http.protocol import CONNECTION_EXTENSION

ASGIApp = Any
_Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


class ConnectionDropped(httpx.RemoteProtocolError):
    """An injected dropped connection, as in-process clients see it."""

    def __init__(self) -> None:
        super().__init__("Server disconnected without sending a response (injected fault).")


def _scope(request: httpx.Request, abort: Any) -> dict[str, Any]:
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?", 1)[0],
        "query_string": url.query,
        "server": (url.host, url.port),
        "client": ("127.0.0.1", 123),
        "root_path": "",
        "extensions": {CONNECTION_EXTENSION: {"abort": abort}},
    }


async def call_app(
    app: ASGIApp, request: httpx.Request, body: bytes | AsyncIterator[bytes]
) -> _Answer:
    """Run one request through ``app``; return status, raw headers and body."""
    sent = aborted = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent or aborted:
            return {"type": "http.disconnect"}
        if isinstance(body, bytes):
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        try:
            chunk = await anext(body)
        except StopAsyncIteration:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    def abort() -> None:
        nonlocal aborted
        aborted = True

    status = 500
    headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(_scope(request, abort), receive, send)
    if aborted:
        raise ConnectionDropped()
    return status, headers, b"".join(chunks)


class AsyncASGITransport(httpx.AsyncBaseTransport):
    """Send async ``httpx`` requests to an ASGI app on the caller's loop."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body: bytes | AsyncIterator[bytes]
        if isinstance(request.stream, httpx.ByteStream):  # in memory: one message
            body = await request.aread()
        else:
            body = aiter(request.stream)  # type: ignore[arg-type]
        status, headers, content = await call_app(self.app, request, body)
        return httpx.Response(status, headers=headers, content=content, request=request)


class SyncASGITransport(httpx.BaseTransport):
    """Send sync ``httpx`` requests to an ASGI app (see the module docstring for the loops)."""

    def __init__(self, app: ASGIApp, *, timeout: float = 30.0) -> None:
        self.app = app
        self._timeout = timeout
        self._lock = threading.Lock()
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _thread_loop(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = self._local.loop = asyncio.new_event_loop()
            with self._lock:
                self._loops.append(loop)
        return loop

    def _background_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="configcat-mock-loop", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop in this thread: run the request here
            answer = self._thread_loop().run_until_complete(call_app(self.app, request, body))
        else:
            future = asyncio.run_coroutine_threadsafe(
                call_app(self.app, request, body), self._background_loop()
            )
            answer = future.result(self._timeout)
        status, headers, content = answer
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
            loops, self._loops = self._loops, []
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
        for own in loops:
            if not own.is_running():
                own.close()
