"""pytest fixtures for a fresh mock per test (registered through the ``pytest11`` entry point).

``configcat_mock``           a :class:`~configcat_mock.MockConfigCat` (rate limits off, answers
                             checked against the spec; a test fails if one does not fit)
``configcat_client``         a ``ConfigCatClient`` bound to it as the demo user
``configcat_async_client``   an ``AsyncConfigCatClient`` bound to it

Tests can pass their own options with ``@pytest.mark.configcat_mock(rate_limits=True, ...)``.

This module is loaded into every pytest run of an environment where the package is
installed, so it imports nothing beyond pytest and the standard library: without the
``[mock]`` extras, pytest runs as before and only a test that asks for a fixture fails, with
the command that installs them.

``configcat_async_client`` is a plain (sync) fixture that hands out an unopened async
client: it works the same under pytest-asyncio (strict or auto mode), anyio's plugin
(``@pytest.mark.anyio``) or any other runner, and is closed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from configcat_mock.mock import MockConfigCat

BASE_URL = "http://configcat-mock"
INSTALL_HINT = "pip install 'configcat-publicapi[mock]'"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "configcat_mock(**options): keyword arguments for the MockConfigCat fixture"
    )


def _mock_class() -> type[MockConfigCat]:
    try:
        from configcat_mock.mock import MockConfigCat
    except ModuleNotFoundError as exc:
        pytest.fail(
            f"the configcat_mock fixtures need the mock's extras ({exc.name} is not "
            f"installed): {INSTALL_HINT}",
            pytrace=False,
        )
    return MockConfigCat


@pytest.fixture
def configcat_mock(request: pytest.FixtureRequest) -> Iterator[MockConfigCat]:
    options: dict[str, Any] = {"rate_limits": False, "validate_responses": True}
    marker = request.node.get_closest_marker("configcat_mock")
    if marker is not None:
        options.update(marker.kwargs)
    with _mock_class()(**options) as mock:
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
def configcat_async_client(configcat_mock: MockConfigCat) -> Iterator[Any]:
    import anyio

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
        # the in-process transport holds no connection, so closing needs no particular loop
        anyio.run(client.aclose)
