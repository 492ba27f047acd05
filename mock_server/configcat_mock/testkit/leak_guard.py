"""Refuse connections to ConfigCat's hosts while a test runs against the fake.

A test that means to use the fake but reaches the real service (an SDK left on its default
``base_url``, a client built from the environment) passes or fails for the wrong reason and
may change real flags. While :func:`guard` is active, resolving or connecting to
``configcat.com`` or any host under it raises :class:`ConfigCatConnectionBlocked` and records
the attempt, so the pytest plugin can fail the test even where the code under test swallows
the error (ConfigCat's SDKs log a failed fetch and go on with their cache).

The check sits at the socket layer, below every HTTP library: ``socket.getaddrinfo`` (which
requests, urllib3, httpx/httpcore, aiohttp and ``socket.create_connection`` all call) and
``socket.socket.connect`` / ``connect_ex`` (a raw socket given a host name). Addresses
(``127.0.0.1``) and other hosts pass untouched. Written here because respx and similar
libraries patch one HTTP library each, and ConfigCat's Python SDK uses requests.

Guards nest and may be entered from several threads: the patch is installed by the first and
removed by the last, and each guard keeps its own record of blocked attempts.

Standard library only.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

BLOCKED_DOMAIN = "configcat.com"
ALLOW_MARKER = "configcat_live"


class ConfigCatConnectionBlocked(ConnectionRefusedError):
    """A connection to a ConfigCat host while the leak guard is active."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__(
            f"connection to {host} blocked: this test runs against the ConfigCat fake, and "
            f"nothing may reach ConfigCat's hosts meanwhile. Point the code at the fake "
            f"(base_url=, a transport, or configcat_mock.patch_configcat), or mark the test "
            f"@pytest.mark.{ALLOW_MARKER} to let it reach the live service."
        )


def is_configcat_host(host: object) -> bool:
    """``configcat.com`` or a name under it (``api.configcat.com``, ``cdn-eu.configcat.com``)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.rstrip(".").lower()
    return name == BLOCKED_DOMAIN or name.endswith("." + BLOCKED_DOMAIN)


@dataclass
class Record:
    """What one guard refused, in order."""

    blocked: list[str] = field(default_factory=list)

    def message(self) -> str:
        """The failure message: every host refused, each once."""
        hosts = ", ".join(dict.fromkeys(self.blocked))
        return str(ConfigCatConnectionBlocked(hosts))


_lock = threading.Lock()
_active: list[Record] = []
_originals: dict[str, Any] = {}


def _refuse(host: str) -> None:
    with _lock:
        for record in _active:
            record.blocked.append(host)
    raise ConfigCatConnectionBlocked(host)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if is_configcat_host(host):
        _refuse(str(host))
    return _originals["getaddrinfo"](host, *args, **kwargs)


def _wrap_connect(name: str) -> Callable[..., Any]:
    original = _originals[name]

    def connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address and is_configcat_host(address[0]):
            _refuse(str(address[0]))
        return original(self, address)

    connect.__name__ = name
    return connect


def _install() -> None:
    _originals["getaddrinfo"] = socket.getaddrinfo
    _originals["connect"] = socket.socket.connect
    _originals["connect_ex"] = socket.socket.connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.socket.connect = _wrap_connect("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = _wrap_connect("connect_ex")  # type: ignore[method-assign]


def _uninstall() -> None:
    socket.getaddrinfo = _originals.pop("getaddrinfo")
    socket.socket.connect = _originals.pop("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = _originals.pop("connect_ex")  # type: ignore[method-assign]


@contextmanager
def guard() -> Iterator[Record]:
    """Block ConfigCat's hosts until the block ends; yields the record of what was refused."""
    record = Record()
    with _lock:
        if not _active:
            _install()
        _active.append(record)
    try:
        yield record
    finally:
        with _lock:
            _active.remove(record)
            if not _active:
                _uninstall()


def active() -> bool:
    """Whether a guard is on in this process."""
    with _lock:
        return bool(_active)
