"""``AsyncConfigCatClient``: the asynchronous client users import.

It wraps one ``httpx`` client whose transport applies the rate limiter and the retry policy
(``transport.py`` beside this file). The namespaces (``acc.products.get_products()``) come
from the generated package: ``AsyncNamespaces`` gives one attribute per spec tag, each
method there builds its request and hands it to :meth:`_call`. ``.api`` is the generated
``Client`` bound to the same ``httpx`` client, for calling generated endpoint functions
directly; ``.http`` is the ``httpx`` client itself.

``_sync/client.py`` is derived from ``_async/client.py`` by ``scripts/make_sync.py``, and the
tests fail while the two differ: edit the async one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx

from configcat_publicapi._async.sdk_keys import AsyncSdkKeyScope
from configcat_publicapi._async.transport import AsyncPolicyTransport
from configcat_publicapi._base_client import (
    ClientBase,
    Parser,
    RateLimitSetting,
    check_page_size,
    chosen_key,
)
from configcat_publicapi._config import Settings
from configcat_publicapi._constants import DEFAULT_RATE_LIMITS
from configcat_publicapi._http import AsyncHTTPClient
from configcat_publicapi._namespace import AsyncOperation
from configcat_publicapi._ratelimit import RateLimiter
from configcat_publicapi._redact import scrub_exception
from configcat_publicapi._response import RawResponse
from configcat_publicapi._retry import RetryPolicy
from configcat_publicapi._tls import verify_for
from configcat_publicapi_client.api import AsyncNamespaces

if TYPE_CHECKING:
    from typing import Self
    from uuid import UUID

    from configcat_publicapi_client import Client as GeneratedClient

T_co = TypeVar("T_co", covariant=True)


class AsyncPagedOperation(Protocol[T_co]):
    """An operation with ``.paginate(...)`` yielding ``T_co`` items."""

    @property
    def paginate(self) -> Callable[..., AsyncIterator[T_co]]:
        """Every item of every page, fetched lazily one page at a time."""


class AsyncConfigCatClient(ClientBase, AsyncNamespaces):
    """The client for the ConfigCat Public Management API.

    Use it as a context manager, or close it when done; each namespace attribute holds the
    operations of one part of the API (``products``, ``configs``, ``settings``, ...).
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        rate_limit: RateLimitSetting = DEFAULT_RATE_LIMITS,
        reason: str | None = None,
    ) -> None:
        settings, resolved_timeout, merged, policy, limiter = self._resolve_common(
            username, password, base_url, timeout, headers, max_retries, retry, rate_limit
        )
        self._setup(
            settings=settings,
            timeout=resolved_timeout,
            headers=merged,
            inner=transport or httpx.AsyncHTTPTransport(verify=verify_for(settings.base_url)),
            owns_inner=True,
            retry=policy,
            limiter=limiter,
            reason=reason,
        )

    def _setup(
        self,
        *,
        settings: Settings,
        timeout: httpx.Timeout,
        headers: dict[str, str],
        inner: httpx.AsyncBaseTransport,
        owns_inner: bool,
        retry: RetryPolicy,
        limiter: RateLimiter | None,
        reason: str | None,
    ) -> None:
        self._setup_common(
            settings=settings,
            timeout=timeout,
            headers=headers,
            retry=retry,
            limiter=limiter,
            reason=reason,
        )
        self._inner = inner
        self._http = AsyncHTTPClient(
            base_url=settings.base_url,
            auth=self._auth(),
            headers=headers,
            timeout=timeout,
            transport=AsyncPolicyTransport(inner, retry, limiter, owns_inner=owns_inner),
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying ``httpx`` client (rate limiting and retries included)."""
        return self._http

    @property
    def api(self) -> GeneratedClient:
        """The generated ``Client``, for calling generated endpoint functions directly."""
        if self._generated is None:
            self._generated = self._new_generated().set_async_httpx_client(self._http)
        return self._generated

    async def _send(self, op: AsyncOperation, kwargs: dict[str, Any]) -> httpx.Response:
        kwargs["extensions"] = op._extensions
        request = self._http.build_request(**kwargs)
        try:
            return await self._http.send(request)
        except httpx.TransportError as exc:
            raise self._transport_error(request, exc) from scrub_exception(exc, self._secrets)

    async def _call(self, op: AsyncOperation, kwargs: dict[str, Any], parse: Parser) -> Any:
        """Send what a generated ``_get_kwargs`` built; the parsed model, or a typed error."""
        return self._parsed(await self._send(op, kwargs), parse)

    async def _call_raw(
        self, op: AsyncOperation, kwargs: dict[str, Any], parse: Parser
    ) -> RawResponse:
        return self._raw(await self._send(op, kwargs), parse)

    def _pages(
        self,
        op: AsyncOperation,
        request_for: Callable[[int], dict[str, Any]],
        parse: Parser,
        page_number: int,
        page_size: int,
        page_of: Callable[[Any], Any] | None = None,
    ) -> AsyncIterator[Any]:
        """The items of each page from ``page_number`` on; ``page_of`` finds the paged list
        in an answer that holds it in an attribute."""
        check_page_size(page_size)  # here, not at the first step of the iteration
        return self._page_items(op, request_for, parse, page_number, page_of)

    async def _page_items(
        self,
        op: AsyncOperation,
        request_for: Callable[[int], dict[str, Any]],
        parse: Parser,
        page: int,
        page_of: Callable[[Any], Any] | None,
    ) -> AsyncIterator[Any]:
        while True:
            answer = await self._call(op, request_for(page), parse)
            listed = page_of(answer) if page_of is not None and answer is not None else answer
            items = getattr(listed, "data", None) or []
            for item in items:
                yield item
            paging = getattr(listed, "paging", None)
            if not items or paging is None or not paging.has_next:
                return
            page += 1

    def paginate(
        self, operation: AsyncPagedOperation[T_co], *args: Any, **kwargs: Any
    ) -> AsyncIterator[T_co]:
        """Every item of a paged list operation: ``operation.paginate(*args, **kwargs)``."""
        paginate = getattr(operation, "paginate", None)
        if paginate is None:
            raise TypeError(f"{operation!r} is not a paged list operation")
        return paginate(*args, **kwargs)  # type: ignore[no-any-return]

    def for_sdk_key(self, sdk_key: str) -> AsyncSdkKeyScope:
        """Operations on one config and environment named by its SDK key (checked here)."""
        return AsyncSdkKeyScope(self, sdk_key)

    async def for_config_environment(
        self, config_id: UUID, environment_id: UUID, *, secondary: bool = False
    ) -> AsyncSdkKeyScope:
        """Look up the SDK key of a config in an environment and scope to it."""
        keys = await self.sdk_keys.get_sdk_keys(config_id, environment_id)
        return AsyncSdkKeyScope(self, chosen_key(keys, secondary))

    async def aclose(self) -> None:
        """Close the connection pool (``async with`` does it for you)."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
