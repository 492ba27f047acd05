"""Shared test settings: no test reaches the network or the user's real credentials."""

from __future__ import annotations

import os
import signal
import ssl
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from httpx import _config as httpx_config
from httpx._transports import default as httpx_transports

from contract_tests.public import one_id_per_operation
from tests.loopback_http import LoopbackFiles, serve_files

# the plugin's own behaviour (leak guard, fixtures) is tested by running pytest inside a test;
# browser_support gives the browser tests their ``browser_session`` fixture
pytest_plugins = ["pytester", "tests.browser_support"]

REPO = Path(__file__).resolve().parents[1]

# A shell starts a background job with SIGINT ignored, and an ignored signal stays ignored
# in every child: then the commands that tests interrupt with SIGINT would never see it.
# A handled signal is reset to the default in a child, so handling it here (as Python does
# when it starts in the foreground) gives them their usual Ctrl-C.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _share_the_default_tls_context() -> None:
    """Every httpx transport made with the default ``verify=True`` loads certifi's whole
    bundle into a new TLS context: about 25 ms a client, some 15 s of a run that makes
    hundreds of clients (``httpx.get`` included) and never opens a TLS connection (tests
    reach 127.0.0.1 over plain HTTP, or respx answers before a connection). The suite's
    process builds that default context once, per ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as
    httpx reads them; any other ``verify`` or ``cert`` is built as httpx builds it."""
    build = httpx_config.create_ssl_context
    shared: dict[tuple[str | None, str | None], ssl.SSLContext] = {}

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        if verify is not True or cert is not None or not trust_env:
            return build(verify=verify, cert=cert, trust_env=trust_env)
        key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        if key not in shared:
            shared[key] = build()
        return shared[key]

    # where HTTPTransport and AsyncHTTPTransport look the function up
    httpx_transports.create_ssl_context = create_ssl_context  # type: ignore[attr-defined]


_share_the_default_tls_context()


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests decide the environment themselves."""
    for var in ("CONFIGCAT_API_USER", "CONFIGCAT_API_PASS", "CONFIGCAT_API_HOST"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def loopback_files() -> Iterator[LoopbackFiles]:
    """A plain-HTTP server on 127.0.0.1 serving ``files``; stopped after the test."""
    with serve_files() as state:
        yield state


#: What ``pytest_pycollect_makeitem`` makes of one name of a test module.
Made = pytest.Item | pytest.Collector | list[pytest.Item | pytest.Collector] | None


def _slow_deselected(config: pytest.Config) -> bool:
    """Whether the run leaves out every test marked slow (``-m "not slow"``, as
    ``make test-fast`` runs)."""
    return " ".join(str(config.getoption("markexpr") or "").split()) == "not slow"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> Generator[None, Made, Made]:
    """A slow test whose items a plugin builds in a collector of its own (schemathesis draws
    every operation's examples while collecting, seconds a process) is dropped before they
    are built when the run deselects slow tests anyway."""
    made = yield
    if not isinstance(made, pytest.Collector) or not _slow_deselected(collector.config):
        return made
    own = getattr(obj, "pytestmark", [])
    if any(mark.name == "slow" for mark in own) or collector.get_closest_marker("slow"):
        return None
    return made


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests made by ``schema.parametrize()``: one id per operation (see contract_tests)."""
    one_id_per_operation(items)
