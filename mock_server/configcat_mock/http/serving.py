"""How the mock is served over HTTP: one process, the control API's guard, and bounded reads.

The state lives in the memory of one process, so there is exactly one uvicorn worker: several
would each hold their own state and hand out the same ids. One process is enough: the service
allows 20 requests a second per endpoint and credential, and one mock process answers far
more (README, "Serving the mock").

:func:`uvicorn_config` is used by ``configcat-mock serve`` and by
:class:`~configcat_mock.http.server.LoopbackServer`, so tests run the server as users do.
"""

from __future__ import annotations

import errno
import os
import socket
from typing import Any

import attrs

from configcat_mock.http.deadlines import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_KEEP_ALIVE_TIMEOUT,
)
from configcat_mock.http.guards import CONTROL_TOKEN_ENV, is_loopback


class ServeError(ValueError):
    """Settings the server refuses to start with; the message says what to change."""


@attrs.frozen
class Timeouts:
    header: float = DEFAULT_HEADER_TIMEOUT
    body: float = DEFAULT_BODY_TIMEOUT
    keep_alive: int = DEFAULT_KEEP_ALIVE_TIMEOUT


def check_workers(workers: int) -> None:
    if workers != 1:
        raise ServeError(
            f"--workers {workers}: the mock keeps its state in one process, so it runs exactly "
            "one worker (several would each have their own state and hand out the same ids). "
            "One process serves far more than the service's 20 requests a second per endpoint."
        )


def control_token(host: str, given: str | None) -> str | None:
    """The token the control API requires: ``given``, else ``$CONFIGCAT_MOCK_CONTROL_TOKEN``.

    Raises :class:`ServeError` for a non-loopback ``host`` without one: whoever reaches the
    server could otherwise read every SDK key and replace the whole state.
    """
    token = given if given is not None else os.environ.get(CONTROL_TOKEN_ENV)
    if token is not None and not token.strip():
        raise ServeError("the control token must not be empty")
    if token is None and not is_loopback(host):
        raise ServeError(
            f"--host {host} is reachable beyond this machine: set --control-token (or "
            f"{CONTROL_TOKEN_ENV}) so that /_mock/* needs 'Authorization: Bearer <token>'"
        )
    return token


def listen_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: a free one), bound before anything is printed
    so that a port in use fails at once; raises :class:`OSError` with a one-line message
    naming the address."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        why = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            why = f"port {port} is already in use (another server? choose another --port)"
        raise OSError(f"cannot listen on {host}:{port}: {why}") from None
    return sock


def uvicorn_config(app: Any, timeouts: Timeouts | None = None, **options: Any) -> Any:
    """A ``uvicorn.Config`` for ``app`` with the mock's read deadlines and one worker."""
    import uvicorn

    from configcat_mock.http.protocol import protocol_class

    t = timeouts or Timeouts()
    return uvicorn.Config(
        app,
        http=protocol_class(header_timeout=t.header, body_timeout=t.body),
        timeout_keep_alive=t.keep_alive,
        workers=1,
        **{"lifespan": "off", "access_log": False, **options},
    )
