"""What starting a mock costs: the router is built once per spec, and serving imports neither
the HTTP client nor the pure-Python validator before it is needed."""

from __future__ import annotations

import json
import subprocess
import sys

from configcat_mock import MockConfigCat


def test_every_mock_of_a_spec_shares_one_router() -> None:
    with MockConfigCat() as first, MockConfigCat(rate_limits=False) as second:
        assert first.app.router is second.app.router
        assert first.app.router is first.spec.router


def test_a_server_answers_without_importing_httpx_or_jsonschema() -> None:
    code = """
import asyncio, json, sys
from configcat_mock.testkit.mock import MockConfigCat
mock = MockConfigCat()
sent = []
async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}
async def send(message):
    sent.append(message)
scope = {"type": "http", "method": "GET", "path": "/v1/me", "raw_path": b"/v1/me",
         "query_string": b"", "headers": [(b"authorization", b"Basic ZGVtbzpkZW1v")]}
asyncio.run(mock.app(scope, receive, send))
loaded = [m for m in ("httpx", "jsonschema", "referencing", "jsonschema_rs") if m in sys.modules]
print(json.dumps({"status": sent[0]["status"], "loaded": loaded}))
"""
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {"status": 200, "loaded": []}
