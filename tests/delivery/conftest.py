"""Fixtures of the delivery tests: the mock served over loopback (the ConfigCat SDK makes real
HTTP requests with ``requests``) and a management client bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from delivery_support import Manager

from configcat_mock.http.app import MockApp
from configcat_mock.http.server import LoopbackServer
from configcat_mock.state.seed import DEMO_PASSWORD, DEMO_USERNAME
from configcat_mock.testkit.mock import MockConfigCat
from configcat_publicapi import ConfigCatClient


@pytest.fixture
def mock() -> Iterator[MockConfigCat]:
    """A fresh mock whose management answers are checked against the spec."""
    with MockConfigCat(rate_limits=False, validate_responses=True) as instance:
        yield instance
        problems = instance.app.response_violations + instance.app.internal_errors
        assert not problems, problems[:5]


@pytest.fixture
def mock_app(mock: MockConfigCat) -> MockApp:
    return mock.app


@pytest.fixture
def live(mock_app: MockApp) -> Iterator[LoopbackServer]:
    with LoopbackServer(mock_app) as server:
        yield server


@pytest.fixture
def http(live: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url) as client:
        yield client


@pytest.fixture
def manager(live: LoopbackServer) -> Iterator[Manager]:
    with ConfigCatClient(
        DEMO_USERNAME, DEMO_PASSWORD, base_url=live.url, rate_limit=None, max_retries=0
    ) as cc:
        yield Manager(cc)


@pytest.fixture
def local(mock: MockConfigCat) -> Iterator[httpx.Client]:
    """An httpx client on the mock's in-process transport (no sockets)."""
    with httpx.Client(transport=mock.transport, base_url="http://mock") as client:
        yield client


@pytest.fixture
def local_manager(mock: MockConfigCat) -> Iterator[Manager]:
    with ConfigCatClient(
        DEMO_USERNAME,
        DEMO_PASSWORD,
        base_url="http://mock",
        transport=mock.transport,
        rate_limit=None,
        max_retries=0,
    ) as cc:
        yield Manager(cc)
