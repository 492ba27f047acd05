"""A plain-HTTP file server on 127.0.0.1 for tests (standard library only)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: How often ``serve_forever`` looks whether ``shutdown()`` was called (the standard library's
#: default, half a second, is how long every server of a test took to stop).
SHUTDOWN_POLL_S = 0.02


@dataclass
class LoopbackFiles:
    """What the server answers (``files``: path -> bytes, GET and POST) and what it was asked."""

    url: str
    files: dict[str, bytes] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)


@contextmanager
def serve_files() -> Iterator[LoopbackFiles]:
    """Serve until the block ends; an unknown path answers 404."""
    state = LoopbackFiles(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            body = state.files.get(self.path.partition("?")[0])  # a query does not matter
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
