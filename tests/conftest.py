"""Shared test settings: no test reaches the network or the user's real credentials."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback_http import LoopbackFiles, serve_files

from contract_tests.operation_items import one_id_per_operation

# the plugin's own behaviour (leak guard, fixtures) is tested by running pytest inside a test;
# browser_support gives the browser tests their ``browser_session`` fixture
pytest_plugins = ["pytester", "browser_support"]

REPO = Path(__file__).resolve().parents[1]

# A shell starts a background job with SIGINT ignored, and an ignored signal stays ignored
# in every child: then the commands that tests interrupt with SIGINT would never see it.
# A handled signal is reset to the default in a child, so handling it here (as Python does
# when it starts in the foreground) gives them their usual Ctrl-C.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests made by ``schema.parametrize()``: one id per operation (see contract_tests)."""
    one_id_per_operation(items)
