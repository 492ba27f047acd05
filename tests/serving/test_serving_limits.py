"""Bounded resources: body limits (413 before the body is read) and read deadlines.

Each test over HTTP keeps a second client probing ``/v1/me`` while the abusive one runs, and
checks that every probe was answered correctly. Durations are bounds on completion (a test
that would hang fails instead), never measurements.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat, cli
from configcat_mock.http.guards import DEFAULT_BODY_LIMIT, DEFAULT_CONTROL_BODY_LIMIT, MIB
from configcat_mock.http.server import LoopbackServer
from configcat_mock.http.serving import Timeouts
from configcat_mock.state.seed import DEFAULT_SEED, DEMO_ORGANIZATION_ID

PRODUCTS = f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products"
#: Far above every deadline the tests set: reaching it means the server never let go.
BOUND_S = 20.0


class Prober:
    """Calls ``GET /v1/me`` in a loop on its own connection until stopped."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.answers: list[tuple[int, Any]] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, auth=("demo", "demo"), timeout=BOUND_S) as h:
            while not self._stop.is_set():
                try:
                    r = h.get("/v1/me")
                    self.answers.append((r.status_code, r.json().get("email")))
                except httpx.HTTPError as exc:  # pragma: no cover - reported by check()
                    self.errors.append(exc)
                self._stop.wait(0.02)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        deadline = time.monotonic() + BOUND_S
        while len(self.answers) < 3 and not self.errors and time.monotonic() < deadline:
            time.sleep(0.01)  # a few answers at least, however quick the test was
        self._stop.set()
        self._thread.join(BOUND_S)

    def check(self, at_least: int = 3) -> None:
        assert not self.errors, self.errors[:3]
        assert len(self.answers) >= at_least, self.answers
        assert set(self.answers) == {(200, "demo@example.com")}


@pytest.fixture
def mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False) as instance:
        yield instance
        assert instance.app.internal_errors == []


@pytest.fixture
def server(mock: MockConfigCat) -> Iterator[LoopbackServer]:
    with LoopbackServer(mock.app, timeouts=Timeouts(header=1.0, body=1.0, keep_alive=1)) as s:
        yield s


def connect(server: LoopbackServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=BOUND_S)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server writes until it closes the connection.

    A client still sending when the server closes gets a reset, which may discard the answer
    that was on its way: that counts as closed too."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def timed_out(answer: bytes) -> bool:
    return answer == b"" or answer.startswith(b"HTTP/1.1 408 ")


# -- body limits -----------------------------------------------------------------------------


def test_the_defaults() -> None:
    assert DEFAULT_BODY_LIMIT == 10 * MIB
    assert DEFAULT_CONTROL_BODY_LIMIT > DEFAULT_BODY_LIMIT
    args = cli.build_parser().parse_args(
        ["serve", "--body-limit", "2", "--control-body-limit", "3"]
    )
    assert (args.body_limit, args.control_body_limit) == (2 * MIB, 3 * MIB)
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["serve", "--body-limit", "0"])


def test_a_body_over_the_limit_is_answered_413_and_nothing_changes() -> None:
    with (
        MockConfigCat(rate_limits=False, body_limit=1000) as mock,
        httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        before = mock.dump()
        r = h.post(PRODUCTS, json={"name": "x" * 2000})
        assert r.status_code == 413
        assert r.json() == {"message": "The request body is larger than the limit of 1,000 bytes."}
        assert mock.dump() == before
        assert h.post(PRODUCTS, json={"name": "x" * 100}).status_code == 201
        assert mock.app.internal_errors == []


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"name": "'
        for _ in range(1000):  # 1,000 x 1 KiB, far more than the limit
            sent += 1024
            yield b"x" * 1024
        yield b'"}'

    with MockConfigCat(rate_limits=False, body_limit=10_000) as mock:
        async with httpx.AsyncClient(transport=mock.async_transport, base_url="http://m") as h:
            r = await h.post(PRODUCTS, content=chunks(), auth=("demo", "demo"))
        assert r.status_code == 413
        assert sent < 20 * 1024  # read no further than the limit (and one chunk)
        assert mock.app.internal_errors == []


def test_the_control_api_has_its_own_limit() -> None:
    big_state = dict(DEFAULT_SEED, padding="x" * 5000)
    with (
        MockConfigCat(rate_limits=False, body_limit=1000, control_body_limit=20_000) as mock,
        httpx.Client(transport=mock.transport, base_url="http://m") as h,
    ):
        # over the API's limit, within the control API's: a state is bigger than API bodies
        assert h.put("/_mock/state", json=big_state).status_code == 204
        huge = dict(DEFAULT_SEED, padding="x" * 30_000)
        for path in ("/_mock/state", "/_mock/seed"):
            r = h.put(path, json=huge)
            assert r.status_code == 413, path
            assert "20,000 bytes" in r.json()["message"]


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    server: LoopbackServer,
) -> None:
    with Prober(server.url) as prober:
        sock = connect(server)
        # 100 MB announced, not one byte of it sent: the answer cannot have waited for the body
        sock.sendall(
            b"POST " + PRODUCTS.encode() + b" HTTP/1.1\r\nHost: m\r\n"
            b"Authorization: Basic ZGVtbzpkZW1v\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000000\r\n\r\n"
        )
        answer = read_all(sock)  # and the server closes the connection after it
        sock.close()
        time.sleep(0.2)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"limit of 10,485,760 bytes" in answer
    prober.check()


# -- read deadlines --------------------------------------------------------------------------


def trickle(sock: socket.socket, data: bytes, every_s: float, closed: threading.Event) -> int:
    """Send ``data`` a byte at a time; how many bytes went out before the server closed."""
    for i in range(len(data)):
        if closed.is_set():
            return i
        try:
            sock.send(data[i : i + 1])
        except OSError:
            return i
        closed.wait(every_s)
    return len(data)


def slow_client(server: LoopbackServer, request: bytes) -> tuple[bytes, int, int]:
    """Trickle ``request`` (a byte every 0.2 s, so it would take ``len/5`` seconds)."""
    sock = connect(server)
    closed = threading.Event()
    sent: list[int] = []
    sender = threading.Thread(
        target=lambda: sent.append(trickle(sock, request, 0.2, closed)), daemon=True
    )
    sender.start()
    answer = read_all(sock)
    closed.set()
    sender.join(BOUND_S)
    sock.close()
    return answer, sent[0], len(request)


def test_a_client_sending_its_headers_a_byte_at_a_time_is_cut_off(
    server: LoopbackServer,
) -> None:
    request = b"GET /v1/me HTTP/1.1\r\nHost: m\r\nX-Slow: " + b"a" * 150 + b"\r\n\r\n"
    with Prober(server.url) as prober:
        answer, sent, total = slow_client(server, request)
    assert timed_out(answer), answer
    assert sent < total  # cut off well before the 35 s it would have taken
    prober.check()


def test_a_client_sending_its_body_a_byte_at_a_time_is_cut_off(
    server: LoopbackServer, mock: MockConfigCat
) -> None:
    body = b'{"name": "' + b"a" * 150 + b'"}'
    request = (
        b"POST " + PRODUCTS.encode() + b" HTTP/1.1\r\nHost: m\r\n"
        b"Authorization: Basic ZGVtbzpkZW1v\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    sock = connect(server)
    sock.sendall(request)  # the headers at once, then the body slowly
    closed = threading.Event()
    with Prober(server.url) as prober:
        sent = [0]
        sender = threading.Thread(
            target=lambda: sent.__setitem__(0, trickle(sock, body, 0.2, closed)), daemon=True
        )
        sender.start()
        answer = read_all(sock)
        closed.set()
        sender.join(BOUND_S)
        sock.close()
    assert timed_out(answer), answer
    assert sent[0] < len(body)
    assert not any(p.name.startswith("a") for p in mock.backend.products)
    prober.check()


def test_a_thousand_idle_sockets_are_dropped_and_others_are_served(
    server: LoopbackServer,
) -> None:
    started = time.monotonic()
    idle = [connect(server) for _ in range(1000)]
    try:
        with Prober(server.url) as prober:
            for sock in idle:
                sock.settimeout(max(0.1, started + BOUND_S - time.monotonic()))
                # an idle socket is closed without a word (nothing was asked)
                assert sock.recv(1) == b""
        prober.check()
    finally:
        for sock in idle:
            sock.close()


def test_an_idle_keep_alive_connection_is_closed_after_its_answer(
    server: LoopbackServer,
) -> None:
    sock = connect(server)
    sock.sendall(b"GET /v1/me HTTP/1.1\r\nHost: m\r\nAuthorization: Basic ZGVtbzpkZW1v\r\n\r\n")
    answer = read_all(sock)  # the answer, then the close once the keep-alive time is up
    sock.close()
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.count(b"HTTP/1.1") == 1


async def test_every_control_route_keeps_to_its_limit() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 1024

    with MockConfigCat(rate_limits=False, control_body_limit=10_000) as mock:
        async with httpx.AsyncClient(transport=mock.async_transport, base_url="http://m") as h:
            for path in ("/_mock/state", "/_mock/faults", "/_mock/delivery/state"):
                r = await h.put(path, content=chunks())
                assert r.status_code == 413, (path, r.text)
        assert mock.app.internal_errors == []


def test_headers_over_a_mebibyte_are_refused(server: LoopbackServer) -> None:
    with Prober(server.url) as prober:
        sock = connect(server)
        with contextlib.suppress(OSError):  # closed while sending: refused before the end
            sock.sendall(b"GET /v1/me HTTP/1.1\r\nHost: m\r\nX-Big: " + b"a" * (2 * MIB))
        answer = read_all(sock)
        sock.close()
    # a 431 (or a reset that overtook it), not the header timeout's 408 after the whole lot
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431 "), answer[:100]
    prober.check()
