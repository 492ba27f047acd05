"""pytest fixtures for a fresh mock per test (registered through the ``pytest11`` entry point).

``configcat_mock``           a :class:`MockConfigCat` (rate limits off, answers checked against
                             the spec; a test fails if one does not fit)
``configcat_client``         a ``ConfigCatClient`` bound to it as the demo user
``configcat_async_client``   an ``AsyncConfigCatClient`` bound to it

Tests can pass their own options with ``@pytest.mark.configcat_mock(rate_limits=True, ...)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from configcat_mock.mock import MockConfigCat

BASE_URL = "http://configcat-mock"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "configcat_mock(**options): keyword arguments for the MockConfigCat fixture"
    )


@pytest.fixture
def configcat_mock(request: pytest.FixtureRequest) -> Iterator[MockConfigCat]:
    options: dict[str, Any] = {"rate_limits": False, "validate_responses": True}
    marker = request.node.get_closest_marker("configcat_mock")
    if marker is not None:
        options.update(marker.kwargs)
    with MockConfigCat(**options) as mock:
        yield mock
        problems = mock.app.response_violations + mock.app.internal_errors
        if problems:
            pytest.fail("mock answers broke the spec:\n" + "\n".join(problems[:20]))


@pytest.fixture
def configcat_client(configcat_mock: MockConfigCat) -> Iterator[Any]:
    from configcat_publicapi import ConfigCatClient

    with ConfigCatClient(
        username=configcat_mock.username,
        password=configcat_mock.password,
        base_url=BASE_URL,
        transport=configcat_mock.transport,
    ) as client:
        yield client


@pytest.fixture
async def configcat_async_client(configcat_mock: MockConfigCat) -> AsyncIterator[Any]:
    from configcat_publicapi import AsyncConfigCatClient

    client = AsyncConfigCatClient(
        username=configcat_mock.username,
        password=configcat_mock.password,
        base_url=BASE_URL,
        transport=configcat_mock.async_transport,
    )
    try:
        yield client
    finally:
        await client.aclose()
