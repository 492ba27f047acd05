"""Serve an ASGI app with uvicorn on 127.0.0.1 in a background thread, for tests and benchmarks.

The socket is bound before the server starts, so port 0 gives a free port with no race; the
thread is a daemon and ``__exit__`` stops the server, so nothing outlives its block. The server
is configured as ``configcat-mock serve`` configures it (:func:`configcat_mock.http.serving.
uvicorn_config`: read deadlines, one worker).

uvicorn's main loop looks for a stop request every 0.1 s; here ``__exit__`` also wakes it, so a
block that ends (a test, a flag server) does not wait out the rest of that tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import threading
import time
from types import TracebackType
from typing import Any

from configcat_mock.http.serving import Timeouts, uvicorn_config

START_TIMEOUT_S = 10.0
#: uvicorn's own tick: how often the main loop runs its housekeeping (the Date header).
TICK_S = 0.1


@functools.cache
def _server_class() -> type[Any]:
    """uvicorn's ``Server`` with a main loop that a stop request wakes (uvicorn is imported
    on first use: a process that serves nothing never loads it)."""
    import uvicorn

    class WakeableServer(uvicorn.Server):
        """``stop()`` ends the main loop at once instead of at its next tick."""

        def __init__(self, config: uvicorn.Config) -> None:
            super().__init__(config)
            self._loop: asyncio.AbstractEventLoop | None = None
            self._wake: asyncio.Event | None = None

        async def main_loop(self) -> None:
            self._wake = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            counter = 0
            while not await self.on_tick(counter):
                counter += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), TICK_S)

        def stop(self) -> None:
            """Ask the server to shut down, from any thread."""
            self.should_exit = True
            loop, wake = self._loop, self._wake
            if loop is not None and wake is not None:
                with contextlib.suppress(RuntimeError):  # the loop has already ended
                    loop.call_soon_threadsafe(wake.set)

    return WakeableServer


class LoopbackServer:
    """``with LoopbackServer(app) as server: httpx.get(server.url + "/v1/me")``."""

    def __init__(self, app: Any, *, port: int = 0, timeouts: Timeouts | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn_config(app, timeouts, log_level="warning")
        self.server = _server_class()(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.sock.close()
                raise RuntimeError(f"the server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.stop()
        self.thread.join(timeout=START_TIMEOUT_S)
        self.sock.close()
