"""pytest fixtures for a fresh mock per test (registered through the ``pytest11`` entry point).

``configcat_mock``           a :class:`~configcat_mock.MockConfigCat` (rate limits off, answers
                             checked against the spec; a test fails if one does not fit)
``configcat_client``         a ``ConfigCatClient`` bound to it as the demo user
``configcat_async_client``   an ``AsyncConfigCatClient`` bound to it
``configcat_flags``          ``configcat_flags({"isCheckoutEnabled": True})``: a config served
                             to ConfigCat SDKs on 127.0.0.1 (:mod:`configcat_mock.flags`); one
                             server per session, a product of its own per call, removed after
                             the test
``configcat_config_json``    ``configcat_config_json("config_v6.json", sdk_key=APP_KEY)``: your
                             production config JSON (or a flag-override file) served on the
                             same server under your key, evaluating as the original; removed
                             after the test

Tests can pass their own options with ``@pytest.mark.configcat_mock(rate_limits=True, ...)``;
``patch=True`` among them also routes every httpx client aimed at ConfigCat's hosts to the
fixture's mock (:func:`configcat_mock.testkit.patching.patch_configcat`).

Leak guard: while a test uses one of these fixtures, connections to ``*.configcat.com`` are
refused (:mod:`configcat_mock.testkit.leak_guard`) and the test fails naming the host, also when the
code under test swallowed the error. ``@pytest.mark.configcat_live`` lets a test through;
``--configcat-leak-guard=session`` (or the ini option ``configcat_leak_guard = session``)
guards every test of the run, ``off`` none.

This module is loaded into every pytest run of an environment where the package is
installed, so it imports nothing beyond pytest and the standard library: without the
``[mock]`` extras, pytest runs as before and only a test that asks for a fixture fails, with
the command that installs them.

``configcat_async_client`` is a plain (sync) fixture that hands out an unopened async
client: it works the same under pytest-asyncio (strict or auto mode), anyio's plugin
(``@pytest.mark.anyio``) or any other runner, and is closed after the test.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

from configcat_mock import INSTALL_HINT
from configcat_mock.testkit import leak_guard

if TYPE_CHECKING:
    from configcat_mock.testkit.config_import import ImportedConfig
    from configcat_mock.testkit.flag_server import FlagServer, FlagSet
    from configcat_mock.testkit.mock import MockConfigCat

BASE_URL = "http://configcat-mock"
#: the fixtures during whose tests the leak guard is on
GUARDED_FIXTURES = frozenset(
    {
        "configcat_mock",
        "configcat_client",
        "configcat_async_client",
        "configcat_flags",
        "configcat_config_json",
    }
)
GUARD_MODES = ("fixtures", "session", "off")
_GUARD = pytest.StashKey[tuple[ExitStack, leak_guard.Record]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The leak guard's option: ``--configcat-leak-guard`` and its ini twin."""
    help_text = (
        "refuse connections to *.configcat.com during tests that use the configcat_mock "
        "fixtures (fixtures, the default), during every test (session), or never (off)"
    )
    parser.addoption("--configcat-leak-guard", choices=GUARD_MODES, default=None, help=help_text)
    parser.addini("configcat_leak_guard", help_text, default="fixtures")


def pytest_configure(config: pytest.Config) -> None:
    """Declare the markers, and refuse a leak-guard mode that is not known."""
    config.addinivalue_line(
        "markers", "configcat_mock(**options): keyword arguments for the MockConfigCat fixture"
    )
    config.addinivalue_line(
        "markers",
        f"{leak_guard.ALLOW_MARKER}: the test may connect to ConfigCat's hosts (no leak guard)",
    )
    mode = config.getoption("--configcat-leak-guard") or config.getini("configcat_leak_guard")
    if mode not in GUARD_MODES:
        raise pytest.UsageError(f"configcat_leak_guard must be one of {', '.join(GUARD_MODES)}")


def _guarded(item: pytest.Item) -> bool:
    config = item.config
    mode = config.getoption("--configcat-leak-guard") or config.getini("configcat_leak_guard")
    if mode == "off" or item.get_closest_marker(leak_guard.ALLOW_MARKER) is not None:
        return False
    return mode == "session" or bool(GUARDED_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Turn the leak guard on for a test that is guarded."""
    if _guarded(item):
        stack = ExitStack()
        item.stash[_GUARD] = (stack, stack.enter_context(leak_guard.guard()))
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fail a test whose code connected to ConfigCat, naming the hosts."""
    result = yield
    guard = item.stash.get(_GUARD, None)
    if guard is not None and guard[1].blocked:
        pytest.fail(guard[1].message(), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """Turn the leak guard off after the test."""
    try:
        return (yield)
    finally:
        guard = item.stash.get(_GUARD, None)
        if guard is not None:
            del item.stash[_GUARD]
            guard[0].close()


def _mock_class() -> type[MockConfigCat]:
    try:
        from configcat_mock.testkit.mock import MockConfigCat
    except ModuleNotFoundError as exc:
        pytest.fail(
            f"the configcat_mock fixtures need the mock's extras ({exc.name} is not "
            f"installed): {INSTALL_HINT}",
            pytrace=False,
        )
    return MockConfigCat


@pytest.fixture
def configcat_mock(request: pytest.FixtureRequest) -> Iterator[MockConfigCat]:
    """A fresh ``MockConfigCat`` (rate limits off, answers checked against the spec; a test
    fails if one does not fit); ``@pytest.mark.configcat_mock(...)`` passes options."""
    options: dict[str, Any] = {"rate_limits": False, "validate_responses": True}
    marker = request.node.get_closest_marker("configcat_mock")
    if marker is not None:
        options.update(marker.kwargs)
    patch = bool(options.pop("patch", False))
    with ExitStack() as stack:
        mock = stack.enter_context(_mock_class()(**options))
        if patch:
            from configcat_mock.testkit.patching import patch_configcat

            stack.enter_context(patch_configcat(mock))
        yield mock
        problems = mock.app.response_violations + mock.app.internal_errors
        if problems:
            pytest.fail("mock answers broke the spec:\n" + "\n".join(problems[:20]))


@pytest.fixture
def configcat_client(configcat_mock: MockConfigCat) -> Iterator[Any]:
    """A ``ConfigCatClient`` bound to the test's fake as the demo user."""
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
    """An ``AsyncConfigCatClient`` bound to the test's fake, opened by the test, closed after it."""
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


@pytest.fixture(scope="session")
def configcat_flag_server() -> Iterator[FlagServer]:
    """The fake served on 127.0.0.1 for the whole session (SDKs need a real socket)."""
    _mock_class()  # the extras' check, with its install hint
    from configcat_mock.testkit.flag_server import FlagServer

    with FlagServer() as server:
        yield server


@pytest.fixture
def configcat_flags(configcat_flag_server: FlagServer) -> Iterator[Any]:
    """``configcat_flags(flags, version="v2", segments=None) -> FlagSet``; see
    :meth:`configcat_mock.flags.FlagServer.flags`. What a test made is removed after it."""
    made: list[FlagSet] = []

    def make(*args: Any, **kwargs: Any) -> FlagSet:
        made.append(configcat_flag_server.flags(*args, **kwargs))
        return made[-1]

    yield make
    for flag_set in made:
        flag_set.close()


@pytest.fixture
def configcat_config_json(configcat_flag_server: FlagServer) -> Iterator[Any]:
    """``configcat_config_json(source, sdk_key=None, name=None) -> ImportedConfig`` (with
    ``sdk_key`` and ``base_url``); see :meth:`configcat_mock.flags.FlagServer.import_config_json`.
    Call it as often as a test needs: each import is named ``name``, else after the file
    (``config_v6``, then ``config_v6 (2)``, ...). What a test imported is removed after it, so
    its SDK key and name can be used again."""
    made: list[ImportedConfig] = []

    def load(*args: Any, **kwargs: Any) -> ImportedConfig:
        made.append(configcat_flag_server.import_config_json(*args, **kwargs))
        return made[-1]

    yield load
    for imported in made:
        configcat_flag_server.remove(imported)
