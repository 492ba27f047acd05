"""A connection error says what to do where the failure itself does not."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from configcat_publicapi import APIConnectionError, ConfigCatClient


class _Plain(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def plain_http_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Plain)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_https_to_a_plain_http_host_says_write_http(
    plain_http_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFIGCAT_API_HOST", f"127.0.0.1:{plain_http_port}")
    cc = ConfigCatClient("user", "secret-password", max_retries=0)
    with cc, pytest.raises(APIConnectionError) as err:
        cc.me.get_me()
    text = str(err.value)
    assert f"write http://127.0.0.1:{plain_http_port}" in text
    assert "secret-password" not in text


def test_http_to_the_same_host_works_and_no_hint_elsewhere(plain_http_port: int) -> None:
    cc = ConfigCatClient("u", "p", base_url="https://127.0.0.1:9", max_retries=0)
    with cc, pytest.raises(APIConnectionError) as err:
        cc.me.get_me()
    assert "write http://" not in str(err.value)
    with ConfigCatClient("u", "p", base_url=f"http://127.0.0.1:{plain_http_port}") as cc:
        assert cc.me.get_me.raw().status_code == 200
