"""uvicorn's httptools protocol with deadlines for reading a request, and a way to cut a connection.

uvicorn bounds only the wait *between* requests (``timeout_keep_alive``, armed when an answer
is complete). Nothing bounds a connection that never sends a request, nor one that sends its
headers or body a byte at a time: each byte cancels the keep-alive timer, so a slow client
holds a socket and a parser forever (uvicorn has no header-read timeout; ``h11_max_incomplete_
event_size`` bounds the size of headers, not the time). This subclass adds two deadlines:

* ``header_timeout``: the request line and headers must be complete within this many seconds
  of the connection opening or the previous answer ending. It also drops idle sockets that
  never send anything.
* ``body_timeout``: the body must be complete within this many seconds of the headers.

* ``max_header_bytes``: a request line and headers larger than this are answered ``431`` and
  the connection closed (httptools, unlike h11, has no such bound, and buffers a header that
  never ends).

When a deadline passes, the connection is closed, after a ``408 Request Timeout`` when part of
a request had arrived and no answer had started (an idle socket is closed silently, as
keep-alive does).
Other connections are not affected: the timers are loop callbacks.

It also puts ``scope["extensions"]["configcat_mock.connection"] = {"abort": ...,
"on_shutdown": [...]}`` in each request: the fault injector drops a connection with nothing
written by ``abort``, and an event stream appends to ``on_shutdown`` how to end itself when the
server stops.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from configcat_mock.http.deadlines import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_KEEP_ALIVE_TIMEOUT,
)

__all__ = [
    "CONNECTION_EXTENSION",
    "DEFAULT_BODY_TIMEOUT",
    "DEFAULT_HEADER_TIMEOUT",
    "DEFAULT_KEEP_ALIVE_TIMEOUT",
    "DEFAULT_MAX_HEADER_BYTES",
    "protocol_class",
]

#: The largest request line and headers, in bytes.
DEFAULT_MAX_HEADER_BYTES = 1024 * 1024
CONNECTION_EXTENSION = "configcat_mock.connection"

_TOO_LARGE_ANSWER = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 36\r\nconnection: close\r\n\r\nThe request headers are too large.\r\n"
)
_TIMEOUT_ANSWER = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 28\r\nconnection: close\r\n\r\nThe request took too long.\r\n"
)


class DeadlineProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` with :attr:`header_timeout` and :attr:`body_timeout`."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    _partial = False  # part of a request has arrived and it has no answer yet
    _in_body = False  # the current request's headers are complete
    _header_bytes = 0  # bytes received since the current request's headers began

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._partial:
            self.transport.write(_TIMEOUT_ANSWER)
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._on_shutdown: list[Callable[[], None]] = []
        self._arm(self.header_timeout)

    def shutdown(self) -> None:
        """The server is stopping: a response that never ends by itself (an event stream)
        registered how to end it, so the server's wait for open connections ends."""
        for hook in self._on_shutdown:
            hook()
        self._on_shutdown.clear()
        super().shutdown()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._in_body:
            self._header_bytes += len(data)
            if self._header_bytes > self.max_header_bytes:
                self._disarm()
                if not self.transport.is_closing():
                    self.transport.write(_TOO_LARGE_ANSWER)
                    self.transport.close()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._partial = True

    def on_headers_complete(self) -> None:
        self.scope.setdefault("extensions", {})[CONNECTION_EXTENSION] = {
            "abort": self.transport.abort,
            "on_shutdown": self._on_shutdown,
        }
        super().on_headers_complete()
        self._in_body = True
        self._arm(self.body_timeout)

    def on_message_complete(self) -> None:
        self._disarm()
        self._partial = self._in_body = False
        self._header_bytes = 0
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm(self.header_timeout)


def protocol_class(*, header_timeout: float, body_timeout: float) -> type[DeadlineProtocol]:
    """A :class:`DeadlineProtocol` subclass with these deadlines (uvicorn takes a class)."""
    if header_timeout <= 0 or body_timeout <= 0:
        raise ValueError("timeouts must be positive numbers of seconds")
    attributes: dict[str, Any] = {"header_timeout": header_timeout, "body_timeout": body_timeout}
    return type("DeadlineProtocol", (DeadlineProtocol,), attributes)
