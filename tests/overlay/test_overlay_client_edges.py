"""Edges a user meets first: a base URL copied with ``/v1``, failures no retry can heal, a
dict where a model belongs, and a URL with credentials handed to a log call."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import httpx
import pytest
import respx

from configcat_publicapi import APIConnectionError, AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi._config import normalise_base_url
from configcat_publicapi._redact import RedactingFilter, install_log_redaction, redact_text
from tests.overlay.overlay_support import PASSWORD, PRODUCT, PRODUCT_ID


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.configcat.com/v1", "https://api.configcat.com"),
        ("https://api.configcat.com/v1/", "https://api.configcat.com"),
        ("api.configcat.com/V1", "https://api.configcat.com"),
        ("http://127.0.0.1:8080/proxy/v1", "http://127.0.0.1:8080/proxy"),
        ("http://127.0.0.1:8080/v10", "http://127.0.0.1:8080/v10"),
    ],
)
def test_a_base_url_ending_in_v1_is_the_api_root(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected


def test_a_call_through_a_v1_base_url_reaches_the_documented_path() -> None:
    with respx.mock(base_url="https://api.configcat.com", assert_all_called=True) as router:
        route = router.get(f"/v1/products/{PRODUCT_ID}").respond(200, json=PRODUCT)
        with ConfigCatClient("u", "p", base_url="https://api.configcat.com/v1/") as cc:
            assert cc.base_url == "https://api.configcat.com"
            assert str(cc.products.get_product(UUID(PRODUCT_ID)).product_id) == PRODUCT_ID
    assert route.calls.last.request.url.path == f"/v1/products/{PRODUCT_ID}"


# --- failures no retry can heal ------------------------------------------------------------


@pytest.fixture
def tls_to_plain_http_port() -> Iterator[int]:
    """A loopback TCP server that answers whatever it gets with a plain HTTP response, as a
    ``configcat-mock serve`` does when a client speaks TLS to it; it counts connections."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    connections: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(1)
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(4096)  # the TLS ClientHello
                    conn.sendall(
                        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                        b"Connection: close\r\n\r\n"
                    )
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = int(listener.getsockname()[1])
    try:
        yield port
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    assert connections  # the client did connect


def test_https_answered_in_plain_http_fails_at_once_with_the_fix(
    tls_to_plain_http_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="configcat_publicapi")
    cc = ConfigCatClient("u", PASSWORD, base_url=f"https://127.0.0.1:{tls_to_plain_http_port}")
    assert cc.retry.max_retries > 0  # the default policy, which retries connection failures
    with cc, pytest.raises(APIConnectionError) as err:
        cc.me.get_me()
    assert err.value.attempts == 1
    assert "Retrying" not in caplog.text
    assert f"write http://127.0.0.1:{tls_to_plain_http_port}" in str(err.value)


@pytest.fixture
def self_signed_tls_port(tmp_path: Path) -> Iterator[list[int]]:
    """A loopback TLS server with a self-signed certificate (made by the ``openssl`` command);
    yields the port followed by one entry per handshake it saw."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command, which makes the test certificate, is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    seen = [int(listener.getsockname()[1])]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            seen.append(1)
            conn.settimeout(2)
            with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True):
                pass  # the client refuses the certificate during the handshake
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_certificate_that_fails_verification_is_not_retried(
    self_signed_tls_port: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="configcat_publicapi")
    port = self_signed_tls_port[0]
    cc = ConfigCatClient("u", PASSWORD, base_url=f"https://127.0.0.1:{port}")
    assert cc.retry.max_retries > 0
    with cc, pytest.raises(APIConnectionError) as err:
        cc.me.get_me()
    assert err.value.attempts == 1
    assert len(self_signed_tls_port) == 2  # one handshake: no retry
    assert "Retrying" not in caplog.text
    assert f"certificate of 127.0.0.1:{port} was not accepted" in str(err.value)


def test_a_refused_certificate_is_permanent_for_the_async_client_too() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        cause = ssl.SSLCertVerificationError(
            1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed"
        )
        raise httpx.ConnectError(str(cause), request=request) from cause

    async def main() -> None:
        client = AsyncConfigCatClient(
            "u", "p", max_retries=3, rate_limit=None, transport=httpx.MockTransport(handler)
        )
        async with client:
            with pytest.raises(APIConnectionError):
                await client.me.get_me()

    asyncio.run(main())
    assert len(calls) == 1


def _unresolvable(request: httpx.Request) -> httpx.Response:
    """What httpx raises when the host name does not resolve (getaddrinfo's EAI_NONAME)."""
    cause = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    raise httpx.ConnectError(str(cause), request=request) from cause


def _unresolvable_for_now(request: httpx.Request) -> httpx.Response:
    cause = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    raise httpx.ConnectError(str(cause), request=request) from cause


def test_a_host_name_that_does_not_resolve_fails_at_once(
    sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return _unresolvable(request)

    caplog.set_level(logging.INFO, logger="configcat_publicapi")
    transport = httpx.MockTransport(handler)
    cc = ConfigCatClient("u", "p", base_url="https://api.confgcat.example", transport=transport)
    with cc, pytest.raises(APIConnectionError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert len(calls) == 1 and sleeps == [] and err.value.attempts == 1
    text = str(err.value)
    assert "api.confgcat.example" in text and "does not resolve" in text
    assert "CONFIGCAT_API_HOST" in text


def test_async_a_host_name_that_does_not_resolve_fails_at_once(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return _unresolvable(request)

    async def main() -> None:
        transport = httpx.MockTransport(handler)
        async with AsyncConfigCatClient(
            "u", "p", base_url="https://nowhere.example", transport=transport
        ) as acc:
            with pytest.raises(APIConnectionError):
                await acc.me.get_me()

    asyncio.run(main())
    assert len(calls) == 1 and sleeps == []


def test_a_resolver_that_fails_for_now_is_still_retried(sleeps: list[float]) -> None:
    """EAI_AGAIN (the resolver could not answer) can heal: it stays retried."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return _unresolvable_for_now(request)

    cc = ConfigCatClient(
        "u", "p", max_retries=2, rate_limit=None, transport=httpx.MockTransport(handler)
    )
    with cc, pytest.raises(APIConnectionError):
        cc.me.get_me()
    assert len(calls) == 3 and len(sleeps) == 2


def test_a_refused_connection_is_still_retried(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    cc = ConfigCatClient(
        "u", "p", max_retries=2, rate_limit=None, transport=httpx.MockTransport(handler)
    )
    with cc, pytest.raises(APIConnectionError):
        cc.me.get_me()
    assert len(calls) == 3


def test_a_tls_failure_that_is_not_plain_http_is_still_retried(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        cause = ssl.SSLError(1, "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF")
        raise httpx.ConnectError(str(cause), request=request) from cause

    cc = ConfigCatClient(
        "u", "p", max_retries=1, rate_limit=None, transport=httpx.MockTransport(handler)
    )
    with cc, pytest.raises(APIConnectionError):
        cc.me.get_me()
    assert len(calls) == 2


# --- a dict where a model belongs ----------------------------------------------------------


def test_a_dict_body_is_refused_naming_the_model(router: respx.Router) -> None:
    route = router.post(url__regex=r"/v1/organizations/.*/products")
    with ConfigCatClient("u", "p") as cc, pytest.raises(TypeError) as err:
        cc.products.create_product(PRODUCT_ID, body={"name": "Checkout"})  # type: ignore[arg-type]
    text = str(err.value)
    assert "products.create_product()" in text and "CreateProductRequest" in text
    assert "dict" in text and "CreateProductRequest.from_dict" in text
    assert not route.called


def test_a_list_of_dicts_for_a_patch_body_is_refused_naming_the_item_model(
    router: respx.Router,
) -> None:
    with ConfigCatClient("u", "p") as cc, pytest.raises(TypeError) as err:
        cc.settings.update_setting(
            1,
            body=[{"op": "replace", "path": "/name", "value": "x"}],  # type: ignore[list-item]
        )
    assert "JsonPatchOperation" in str(err.value)
    assert not router.calls


def test_async_a_dict_body_is_refused_before_anything_is_sent(router: respx.Router) -> None:
    async def main() -> None:
        async with AsyncConfigCatClient("u", "p") as acc:
            with pytest.raises(TypeError, match="CreateProductRequest"):
                await acc.products.create_product(PRODUCT_ID, body={"name": "n"})  # type: ignore[arg-type]

    asyncio.run(main())
    assert not router.calls


# --- credentials in a URL handed to a log call ---------------------------------------------


def test_redact_text_drops_user_info_from_urls_in_text() -> None:
    text = f"connecting to https://alice:{PASSWORD}@h.test:8443/v1 and http://bob@x.test/"
    safe = redact_text(text)
    assert PASSWORD not in safe and "alice" not in safe and "bob@" not in safe
    assert "https://h.test:8443/v1" in safe and "http://x.test/" in safe
    ordinary = "mail alice@example.com about https://h.test/a@b and ftp-less text"
    assert redact_text(ordinary) == ordinary


def test_a_url_string_as_a_log_argument_is_redacted() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", None, None
    )
    record.args = ("GET", f"https://alice:{PASSWORD}@h.test/v1/me")
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "HTTP Request: GET https://h.test/v1/me"


def test_the_packages_own_loggers_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    caplog.set_level(logging.INFO)
    logging.getLogger("configcat_publicapi").info("base %s", f"https://alice:{PASSWORD}@h.test")
    assert PASSWORD not in caplog.text
    assert "base https://h.test" in caplog.text
