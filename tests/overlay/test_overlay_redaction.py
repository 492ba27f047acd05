"""Credentials and SDK keys never reach a log line, a repr or an exception message."""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from uuid import UUID

import httpx
import pytest
import respx

from configcat_publicapi import APIConnectionError, ConfigCatClient, ConfigCatError
from configcat_publicapi._redact import redact_headers, redact_text, redact_url
from tests.loopback_http import SHUTDOWN_POLL_S
from tests.overlay.overlay_support import BASE as BASE_URL
from tests.overlay.overlay_support import LEGACY_SDK_KEY, PASSWORD, PRODUCT_ID, SDK_KEY

TOKEN = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text
        assert TOKEN not in text
        assert SDK_KEY not in text and LEGACY_SDK_KEY not in text


def test_redact_url_drops_user_info_and_keys() -> None:
    url = f"https://alice:{PASSWORD}@api.example.test:8443/v1/x/{SDK_KEY}?k={LEGACY_SDK_KEY}"
    safe = redact_url(url)
    _assert_clean(safe)
    assert safe.startswith("https://api.example.test:8443/v1/x/")
    encoded = SDK_KEY.replace("/", "%2F")
    assert encoded not in redact_url(f"https://h/v1/settings/{encoded}/value")


def test_redact_text_keeps_ordinary_ids() -> None:
    text = f"/v1/products/{PRODUCT_ID}/configs and a 22-char id AbCdEfGhIjKlMnOpQrStUv alone"
    assert redact_text(text) == text


def test_redact_headers() -> None:
    safe = redact_headers({"Authorization": "Basic x", "X-CONFIGCAT-SDKKEY": SDK_KEY, "A": "b"})
    assert safe == {"Authorization": "[redacted]", "X-CONFIGCAT-SDKKEY": "[redacted]", "A": "b"}


def test_repr_of_clients_and_copies() -> None:
    cc = ConfigCatClient("alice", PASSWORD)
    _assert_clean(repr(cc), str(cc), repr(cc.with_options(max_retries=1)), repr(cc._settings))
    assert "alice" in repr(cc)


def test_logs_and_errors_of_a_failing_call_hold_no_secret(
    router: respx.Router, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from configcat_publicapi import _transport

    monkeypatch.setattr(_transport, "_sleep", lambda s: None)
    caplog.set_level(logging.DEBUG)  # httpx, httpcore and the overlay at their most talkative
    route = router.get("/v1/settings/f/value")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.Response(502, text=f"upstream saw Authorization: Basic {TOKEN}"),
        httpx.ConnectError(f"could not reach the key {SDK_KEY}"),
        httpx.ConnectError("refused"),
    ]
    # the 429 is retried within the time budget; the other two retries count against 2
    cc = ConfigCatClient("alice", PASSWORD, rate_limit=None, max_retries=2)
    with cc, pytest.raises(APIConnectionError) as err:
        cc.for_sdk_key(SDK_KEY).get_value("f")
    assert route.call_count == 4
    assert route.calls.last.request.headers["Authorization"] == f"Basic {TOKEN}"
    assert caplog.text.count("Retrying") == 3
    _assert_clean(caplog.text, str(err.value), repr(err.value))


def test_status_error_text_is_redacted(router: respx.Router) -> None:
    router.get("/v1/me").respond(401, text=f"bad credentials alice:{PASSWORD} / {TOKEN}")
    cc = ConfigCatClient("alice", PASSWORD, max_retries=0)
    with cc, pytest.raises(ConfigCatError) as err:
        cc.me.get_me()
    _assert_clean(str(err.value), err.value.text)  # type: ignore[attr-defined]
    assert "bad credentials" in str(err.value)


def test_httpx_log_lines_of_raw_requests_hide_keys_in_urls(
    router: respx.Router, caplog: pytest.LogCaptureFixture
) -> None:
    """httpx logs every request URL itself; a key a caller puts into a raw URL stays hidden."""
    encoded = SDK_KEY.replace("/", "%2F")
    router.get(url__regex=r"/v1/lookup/.*").respond(200, json={})
    caplog.set_level(logging.DEBUG)
    with ConfigCatClient("alice", PASSWORD, rate_limit=None) as cc:
        cc.http.get(f"/v1/lookup/{encoded}", params={"legacy": LEGACY_SDK_KEY})
    httpx_lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("HTTP Request: GET" in line for line in httpx_lines)  # the line is kept
    _assert_clean(caplog.text, *httpx_lines)
    assert encoded not in caplog.text
    assert "[redacted]" in " ".join(httpx_lines)


def test_log_filter_keeps_numbers_and_ordinary_text() -> None:
    from configcat_publicapi._redact import RedactingFilter

    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, 'HTTP %s %s "%d"', ("GET", httpx.URL(BASE_URL)), None
    )
    record.args = ("GET", httpx.URL(f"https://u:{PASSWORD}@h.test/x"), 200)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == 'HTTP GET https://h.test/x "200"'


def test_a_logged_traceback_holds_no_secret(
    router: respx.Router, caplog: pytest.LogCaptureFixture
) -> None:
    """``logger.exception`` prints the whole chain: the library errors behind ours too."""
    router.get("/v1/settings/f/value").mock(
        side_effect=httpx.ConnectError(f"no route for {SDK_KEY} as alice:{PASSWORD}")
    )
    # a date that is not one: the generated parser's ValueError quotes it
    entry = {
        "auditLogId": 1,
        "auditLogDateTime": SDK_KEY,
        "auditLogTypeEnum": "productCreated",
        "truncated": False,
        "modelVersion": 1,
        "auditLogType": "Product created",
        "userEmail": None,
        "userName": "alice",
        "where": "",
        "why": None,
        "actionTarget": "x",
        "details": "",
    }
    router.get(f"/v1/products/{PRODUCT_ID}/auditlogs").respond(200, json=[entry])
    log = logging.getLogger("user-code")
    with ConfigCatClient("alice", PASSWORD, rate_limit=None, max_retries=0) as cc:
        for call in (
            lambda: cc.for_sdk_key(SDK_KEY).get_value("f"),
            lambda: cc.audit_logs.get_auditlogs(UUID(PRODUCT_ID)),
        ):
            try:
                call()
            except ConfigCatError:
                log.exception("the call failed")
    tracebacks = [r.exc_text or "" for r in caplog.records if r.name == "user-code"]
    assert len(tracebacks) == 2
    assert "ConnectError" in tracebacks[0] and "[redacted]" in tracebacks[0]
    assert "APIResponseError" in tracebacks[1] and "isoformat" in tracebacks[1]
    _assert_clean(caplog.text, *tracebacks)


def test_short_secrets_are_hidden_where_they_stand_alone(router: respx.Router) -> None:
    short = "pw12345"
    token = base64.b64encode(f"bo:{short}".encode()).decode()
    router.get("/v1/me").respond(403, text=f"bad password {short} (Basic {token}); xpw12345x")
    with ConfigCatClient("bo", short, max_retries=0) as cc, pytest.raises(ConfigCatError) as err:
        cc.me.get_me()
    message = str(err.value)
    assert short not in message.replace("xpw12345x", "") and token not in message
    assert "bad password [redacted] (Basic [redacted]); xpw12345x" in message
    assert redact_text("a pw is pw", ["pw"]) == "a pw is pw"  # too short to search for


def test_repr_hides_a_password_given_inside_the_base_url() -> None:
    cc = ConfigCatClient("alice", PASSWORD, base_url=f"http://alice:{PASSWORD}@127.0.0.1:9")
    with cc:
        _assert_clean(repr(cc), repr(cc.with_options(max_retries=0)))
        assert "127.0.0.1:9" in repr(cc)


class _EchoKeyHandler(BaseHTTPRequestHandler):
    """Answers every GET with an SDK key in a header and the body: what httpcore logs."""

    def do_GET(self) -> None:
        body = f'{{"echo": "{SDK_KEY}"}}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo-Key", SDK_KEY)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the test reads logs
        pass


@pytest.fixture
def loopback_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoKeyHandler)
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_httpcore_child_loggers_are_redacted_on_a_real_connection(
    loopback_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """httpcore logs on ``httpcore.http11`` and ``httpcore.connection``; respx never reaches
    httpcore, so this goes over a real socket with every logger at DEBUG."""
    caplog.set_level(logging.DEBUG)
    encoded = SDK_KEY.replace("/", "%2F")
    with ConfigCatClient("alice", PASSWORD, base_url=loopback_server, rate_limit=None) as cc:
        response = cc.http.get(f"/v1/lookup/{encoded}")
    assert response.headers["X-Echo-Key"] == SDK_KEY  # the key really went through httpcore
    names = {r.name for r in caplog.records}
    assert {"httpcore.http11", "httpcore.connection", "httpx"} <= names, names
    lines = [r.getMessage() for r in caplog.records]
    assert any("receive_response_headers.complete" in line for line in lines)
    _assert_clean(caplog.text, *lines)
    assert encoded not in caplog.text
    assert any("[redacted]" in line for line in lines if "response_headers" in line)
