"""A ``requests`` session that calls an ASGI app in the calling thread: the suite's in-process
transport to the mock.

schemathesis reaches an ASGI app through a fresh ``requests`` session per case and an anyio
portal thread: two cross-thread hand-offs per request (each a write to the loop's wake-up
socket) and ``requests`` reading the proxy variables of the environment every time. Measured
with py-spy on the contract run, that was over half of a case's time, while the mock itself
took a tenth. This adapter runs the app on a private event loop in the thread that sends, and
the session does not consult the environment (there is no network to proxy). It is written
here because no library offers a synchronous, same-thread ASGI adapter for ``requests``;
it needs no lifespan, as the mock's API answers without one.
"""

from __future__ import annotations

import asyncio
import io
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from schemathesis.python.asgi import ASGIClient

ASGIApp = Any


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class _SameThreadAdapter(HTTPAdapter):
    def __init__(self, app: ASGIApp) -> None:
        super().__init__()
        self._app = app
        self._loop = asyncio.new_event_loop()

    async def _call(self, scope: dict[str, Any], body: bytes) -> tuple[int, list[Any], bytes]:
        sent = False
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self._app(scope, receive, send)
        if not start:
            raise RuntimeError(f"the app sent no response to {scope['method']} {scope['path']}")
        return start["status"], list(start.get("headers", [])), b"".join(chunks)

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = urlsplit(str(request.url))
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if not isinstance(body, bytes):
            raise TypeError("a streamed request body cannot be sent in-process")
        headers = [(b"host", (url.netloc or "localhost").encode("latin-1"))]
        headers += [(k.lower().encode("latin-1"), _latin1(v)) for k, v in request.headers.items()]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": str(request.method),
            "scheme": url.scheme,
            "path": unquote(url.path),
            "raw_path": url.path.encode(),
            "root_path": "",
            "query_string": url.query.encode(),
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": (url.hostname or "localhost", url.port or 80),
        }
        status, raw_headers, content = self._loop.run_until_complete(self._call(scope, body))
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(b"" if request.method == "HEAD" else content),
            headers=urllib3.HTTPHeaderDict(
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw_headers]
            ),
            status=status,
            reason=_reason(status),
            preload_content=False,
            decode_content=False,
            request_method=request.method,
        )
        return self.build_response(request, raw)

    def close(self) -> None:
        self._loop.close()


class InProcessSession(ASGIClient):
    """``session.get("/v1/me")`` answered by ``app`` in this thread.

    An ``ASGIClient`` to schemathesis, which then sends a case with it as it is, while its
    own requests (``ignored_auth`` sends a case again without the session, to drop the
    credentials) still reach the app that the schema is bound to.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.trust_env = False
        adapter = _SameThreadAdapter(app)
        self.mount("http://", adapter)
        self.mount("https://", adapter)


def _latin1(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")
