"""Fixtures of the delivery tests: the mock served over loopback (the ConfigCat SDK makes real
HTTP requests with ``requests``) and a management client bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from delivery_support import LiveServer, Manager, serving_app

from configcat_mock.app import MockApp
from configcat_mock.backend import Backend
from configcat_mock.ratelimit import RateLimits
from configcat_mock.seed import DEMO_PASSWORD, DEMO_USERNAME
from configcat_mock.spec import Spec
from configcat_publicapi import ConfigCatClient


@pytest.fixture(scope="session")
def spec() -> Spec:
    return Spec.load()


@pytest.fixture
def mock_app(spec: Spec) -> MockApp:
    return MockApp(Backend(), spec, rate_limits=RateLimits(enabled=False))


@pytest.fixture
def live(mock_app: MockApp) -> Iterator[LiveServer]:
    with LiveServer(serving_app(mock_app)) as server:
        yield server


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url) as client:
        yield client


@pytest.fixture
def manager(live: LiveServer) -> Iterator[Manager]:
    with ConfigCatClient(
        DEMO_USERNAME, DEMO_PASSWORD, base_url=live.url, rate_limit=None, max_retries=0
    ) as cc:
        yield Manager(cc)
