"""Send every httpx request for ConfigCat's hosts to a fake, without handing out a transport.

Code under test often builds its own client: ``ConfigCatClient()`` on the default host, or an
``httpx.Client`` aimed at ``https://api.configcat.com`` or a CDN host. Inside
``patch_configcat(mock)`` (a context manager, or a decorator of sync and async functions)
such requests reach ``mock`` in-process; anything else, and every request once the block is
left (also by an exception), goes where it always went.

The hook is httpx's own network transports (``httpx.HTTPTransport.handle_request`` and
``httpx.AsyncHTTPTransport.handle_async_request``), which every ``httpx.Client`` and
``AsyncClient`` uses unless given another transport. Requests, which ConfigCat's Python SDK
uses, is not patched: point an SDK at the fake with ``base_url`` (the leak guard stops one that
is not).

Nesting and threads: blocks form one process-wide stack. A request is served by the
innermost block entered on its own thread, else by the innermost block of any thread (so a
worker thread started by the code under test is served too). The patch is installed by the
first block and removed by the last.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

if TYPE_CHECKING:
    from configcat_mock.testkit.mock import MockConfigCat

#: ConfigCat's API host and the CDN hosts its SDKs download from
CONFIGCAT_HOSTS = frozenset(
    {
        "api.configcat.com",
        "cdn-global.configcat.com",
        "cdn-eu.configcat.com",
        "cdn.configcat.com",
    }
)

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.Lock()
_stack: list[tuple[int, MockConfigCat, frozenset[str]]] = []
_originals: dict[str, Any] = {}


def _serving(host: str) -> MockConfigCat | None:
    me = threading.get_ident()
    with _lock:
        entries = [e for e in _stack if host in e[2]]
    for thread, mock, _ in reversed(entries):
        if thread == me:
            return mock
    return entries[-1][1] if entries else None


def _sync_handle(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    mock = _serving(request.url.host)
    if mock is None:
        response: httpx.Response = _originals["sync"](self, request)
        return response
    return mock.transport.handle_request(request)


async def _async_handle(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
    mock = _serving(request.url.host)
    if mock is None:
        response: httpx.Response = await _originals["async"](self, request)
        return response
    return await mock.async_transport.handle_async_request(request)


class patch_configcat:  # lower case: used like a function, as respx.mock and mock_aws are
    """Route httpx requests for ConfigCat's hosts to ``mock`` while active.

    Without ``mock`` a fresh :class:`~configcat_mock.MockConfigCat` is made on entry and
    closed on exit; ``with patch_configcat() as mock:`` gives it. ``hosts`` narrows or widens
    the intercepted hosts (default :data:`CONFIGCAT_HOSTS`).
    """

    def __init__(
        self, mock: MockConfigCat | None = None, *, hosts: frozenset[str] = CONFIGCAT_HOSTS
    ) -> None:
        self._given = mock
        self._hosts = frozenset(h.lower() for h in hosts)
        self._entries: list[tuple[int, MockConfigCat, frozenset[str]]] = []

    def __enter__(self) -> MockConfigCat:
        mock = self._given
        if mock is None:
            from configcat_mock.testkit.mock import MockConfigCat

            mock = MockConfigCat()
        entry = (threading.get_ident(), mock, self._hosts)
        with _lock:
            if not _stack:
                _originals["sync"] = httpx.HTTPTransport.handle_request
                _originals["async"] = httpx.AsyncHTTPTransport.handle_async_request
                httpx.HTTPTransport.handle_request = _sync_handle  # type: ignore[method-assign]
                httpx.AsyncHTTPTransport.handle_async_request = _async_handle  # type: ignore[method-assign]
            _stack.append(entry)
        self._entries.append(entry)
        return mock

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        entry = self._entries.pop()
        with _lock:
            _stack.remove(entry)
            if not _stack:
                httpx.HTTPTransport.handle_request = _originals.pop("sync")  # type: ignore[method-assign]
                httpx.AsyncHTTPTransport.handle_async_request = _originals.pop("async")  # type: ignore[method-assign]
        if self._given is None:
            entry[1].close()

    async def __aenter__(self) -> MockConfigCat:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    def __call__(self, func: F) -> F:
        """Decorate a sync or async function: the patch is active while it runs."""
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return run  # type: ignore[return-value]


def active() -> bool:
    """Whether a patch is on in this process."""
    with _lock:
        return bool(_stack)
