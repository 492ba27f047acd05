"""JSON answers as the service writes them: compact, UTF-8, and 204 with no body.

Shared by the API pipeline (:mod:`configcat_mock.http.app`) and the control API
(:mod:`configcat_mock.http.control`), so neither imports the other for it.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response


def _dumps(body: Any) -> bytes:
    try:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate in stored text: escape it
        return json.dumps(body, separators=(",", ":")).encode()


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    if body is None or status == 204:
        return Response(status_code=status, headers=headers)
    return Response(_dumps(body), status, headers, media_type="application/json")
