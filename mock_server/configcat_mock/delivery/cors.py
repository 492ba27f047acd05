"""CORS headers and preflight answers as the ConfigCat Proxy sends them.

The Proxy has CORS on by default for its CDN path, ``/api``, ``/sse`` and OFREP routes: every
answer carries ``Access-Control-Allow-Origin`` (the request's ``Origin``, or ``*`` without one)
and ``Access-Control-Expose-Headers``; an ``OPTIONS`` request is answered ``204`` with the
allowed methods (the route's and ``OPTIONS``) and headers, ``Access-Control-Allow-Credentials:
false`` and ``Access-Control-Max-Age: 600``. The header lists are the Proxy's defaults; the
OFREP routes also allow the headers that select an SDK, so a browser provider may send them.
Written here because Starlette's ``CORSMiddleware`` answers a preflight with ``200`` and
rejects unlisted headers, where the Proxy answers ``204`` and lists its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response

ALLOWED_HEADERS = (
    "Cache-Control",
    "Content-Type",
    "Content-Length",
    "Accept-Encoding",
    "If-None-Match",
)
EXPOSED_HEADERS = ("Content-Length", "ETag", "Date", "Content-Encoding")
MAX_AGE = "600"


def cors_headers(request: Request) -> dict[str, str]:
    """The headers of every answer of a CORS-enabled route."""
    return {
        "Access-Control-Allow-Origin": request.headers.get("origin") or "*",
        "Access-Control-Expose-Headers": ",".join(EXPOSED_HEADERS),
    }


def preflight(
    request: Request, methods: Iterable[str], extra_headers: Iterable[str] = ()
) -> Response:
    """The ``204`` answer to an ``OPTIONS`` request on a route taking ``methods``."""
    allowed = list(dict.fromkeys([*ALLOWED_HEADERS, *extra_headers]))
    headers = {
        **cors_headers(request),
        "Access-Control-Allow-Credentials": "false",
        "Access-Control-Max-Age": MAX_AGE,
        "Access-Control-Allow-Headers": ",".join(allowed),
        "Access-Control-Allow-Methods": ",".join([*methods, "OPTIONS"]),
    }
    return Response(None, 204, headers)
