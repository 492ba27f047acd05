"""Serve an ASGI app with uvicorn on 127.0.0.1 in a background thread, for tests and benchmarks.

The socket is bound before the server starts, so port 0 gives a free port with no race; the
thread is a daemon and ``__exit__`` stops the server, so nothing outlives its block. The server
is configured as ``configcat-mock serve`` configures it (:func:`configcat_mock.http.serving.
uvicorn_config`: read deadlines, one worker).
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

from configcat_mock.http.serving import Timeouts, uvicorn_config

START_TIMEOUT_S = 10.0


class LoopbackServer:
    """``with LoopbackServer(app) as server: httpx.get(server.url + "/v1/me")``."""

    def __init__(self, app: Any, *, port: int = 0, timeouts: Timeouts | None = None) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn_config(app, timeouts, log_level="warning")
        self.server = uvicorn.Server(config)
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
        self.server.should_exit = True
        self.thread.join(timeout=START_TIMEOUT_S)
        self.sock.close()
