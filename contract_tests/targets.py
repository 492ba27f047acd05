"""The target the contract suite drives, chosen by the environment.

``CONTRACT_TARGET``:

- ``mock`` (default): the mock server in-process, no sockets;
- ``mock-server``: the mock server under uvicorn on 127.0.0.1 (a free port), for this run;
- ``live``: any base URL with credentials from ``CONFIGCAT_API_HOST`` (default the public
  API), ``CONFIGCAT_API_USER`` and ``CONFIGCAT_API_PASS``. Read-only unless
  ``CONTRACT_WRITE=1``; see :mod:`contract_tests.safety`.

``CONTRACT_EXAMPLES`` sets the examples per phase and operation (default 4),
``CONTRACT_INCLUDE`` a regular expression on ``METHOD /path`` that narrows the operations, and
``CONTRACT_MOCK_RATE_LIMITS=1`` turns the mock's own rate limits on (the service's 20/s and
500/min per endpoint), to see the suite hold on a target that answers 429.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DEFAULT_EXAMPLES = 4
LIVE_ENV = ("CONFIGCAT_API_USER", "CONFIGCAT_API_PASS")


@dataclass
class Target:
    """Where requests go and as whom."""

    name: str
    base_url: str
    username: str
    password: str = field(repr=False)
    app: Any = None  # an ASGI app for in-process targets
    mock: Any = None  # the MockConfigCat behind a mock target, for assertions
    write: bool = True
    session: Any = None  # the requests.Session schemathesis sends with (in-process, live)
    _changed: bool = field(default=False, repr=False)

    @property
    def is_mock(self) -> bool:
        return self.mock is not None

    @property
    def is_live(self) -> bool:
        return self.name == "live"

    def sent(self, method: str, status: int) -> None:
        """Note a request a single-call phase sent: a write that was not refused (4xx: the
        service changes nothing then) may have changed the state."""
        if method.upper() not in ("GET", "HEAD", "OPTIONS") and not 400 <= status < 500:
            self._changed = True

    def fresh_state(self) -> None:
        """Before a single-call case: a mock goes back to its start state if a write since
        the last reset may have changed it. Only the state: the rate windows keep counting,
        so a run with the mock's rate limits on still meets its 429s. A live target keeps
        its state (see :mod:`contract_tests.decisions` for what that means)."""
        if self.is_mock and self._changed:
            self.mock.backend.reset()
            self._changed = False


def target_name() -> str:
    name = os.environ.get("CONTRACT_TARGET", "mock").strip() or "mock"
    if name not in ("mock", "mock-server", "live"):
        raise ValueError(f"CONTRACT_TARGET must be mock, mock-server or live, not {name!r}")
    return name


def max_examples() -> int:
    return int(os.environ.get("CONTRACT_EXAMPLES", DEFAULT_EXAMPLES))


def live_credentials_missing() -> list[str]:
    return [var for var in LIVE_ENV if not os.environ.get(var)]


def credentials(name: str | None = None) -> tuple[str, str]:
    """The Basic auth pair the chosen target accepts (empty for a live run without them)."""
    if (name or target_name()) == "live":
        return os.environ.get(LIVE_ENV[0], ""), os.environ.get(LIVE_ENV[1], "")
    from configcat_mock import DEMO_PASSWORD, DEMO_USERNAME

    return DEMO_USERNAME, DEMO_PASSWORD


def narrowed(target: Target) -> bool:
    """Whether this run tests only part of the spec (a filter or the live guard)."""
    return bool(os.environ.get("CONTRACT_INCLUDE")) or target.is_live


def live_write() -> bool:
    return os.environ.get("CONTRACT_WRITE", "") == "1"


@functools.cache
def shared_mock() -> Any:
    """The run's mock, made at collection time so the schema can be bound to it."""
    from configcat_mock import MockConfigCat

    # off by default: in-process the suite sends hundreds of requests a second to one
    # endpoint, and with the limits on most of them would only meet a 429
    return MockConfigCat(validate_responses=True, rate_limits=mock_rate_limits())


def mock_rate_limits() -> bool:
    return os.environ.get("CONTRACT_MOCK_RATE_LIMITS", "") == "1"


@functools.cache
def shared_server() -> Any:
    """A loopback server for the shared mock; its port is bound now, it serves once entered."""
    from configcat_mock.http.server import LoopbackServer

    return LoopbackServer(shared_mock().app)


def base_url_for(name: str) -> str:
    """Where the chosen target listens (in-process targets use a placeholder host)."""
    if name == "mock":
        return "http://localhost"
    if name == "mock-server":
        return str(shared_server().url)
    from configcat_publicapi._config import normalise_base_url
    from configcat_publicapi._constants import DEFAULT_BASE_URL

    return normalise_base_url(os.environ.get("CONFIGCAT_API_HOST") or DEFAULT_BASE_URL)


@contextmanager
def open_target(name: str | None = None) -> Iterator[Target]:
    """Start (or point at) the chosen target for the duration of the block."""
    name = name or target_name()
    if name == "live":
        from configcat_publicapi._config import resolve_settings
        from contract_tests.safety import retrying_session

        settings = resolve_settings()
        with retrying_session() as session:
            yield Target(
                "live",
                settings.base_url,
                settings.username,
                settings.password,
                write=live_write(),
                session=session,
            )
        return
    from configcat_mock import DEMO_PASSWORD, DEMO_USERNAME

    with shared_mock() as mock:
        if name == "mock":
            from contract_tests.in_process import InProcessSession

            url = base_url_for(name)
            # not entered: entering an ASGIClient starts the app's lifespan, which the mock
            # does not need
            session = InProcessSession(mock.app)
            try:
                yield Target(
                    name,
                    url,
                    DEMO_USERNAME,
                    DEMO_PASSWORD,
                    app=mock.app,
                    mock=mock,
                    session=session,
                )
            finally:
                session.close()
            return
        with shared_server() as server:
            yield Target(name, server.url, DEMO_USERNAME, DEMO_PASSWORD, mock=mock)
