"""httpx transports that call the mock's ASGI app in-process, with no socket.

Async clients use ``httpx.ASGITransport`` as is. httpx has no sync ASGI transport, so
:class:`SyncASGITransport` runs the app on a private event loop in a daemon thread and waits
for each answer. A thread (rather than ``asyncio.run`` per request) is needed because the
caller may already be inside a running loop (an async test using a sync client), where a
nested loop cannot start; one long-lived loop also keeps the app's asyncio state (fault
latency sleeps) on a single loop. Closing the transport stops the loop and joins the thread.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

ASGIApp = Any


class SyncASGITransport(httpx.BaseTransport):
    """Send sync ``httpx`` requests to an ASGI app running on a private loop."""

    def __init__(self, app: ASGIApp, *, timeout: float = 30.0) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="configcat-mock-loop", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._inner.handle_async_request(request)
        content = await response.aread()
        return response.status_code, response.headers.raw, content

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        future = asyncio.run_coroutine_threadsafe(self._send(request), self._ensure_loop())
        status, headers, content = future.result(self._timeout)
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
