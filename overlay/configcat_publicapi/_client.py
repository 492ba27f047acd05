"""``ConfigCatClient`` and ``AsyncConfigCatClient``: the clients users import.

Each wraps one ``httpx`` client whose transport applies the rate limiter and the retry policy
(:mod:`configcat_publicapi._transport`). On top of it sit the resource namespaces
(``cc.products.get_products()``), typed exceptions for every non-2xx status, pagination and
the SDK-key helpers. ``.api`` is the generated ``Client`` bound to the same ``httpx`` client,
for calling generated endpoint functions directly; ``.http`` is the ``httpx`` client itself.
"""

from __future__ import annotations

import base64
import dataclasses
import platform
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

import httpx

from configcat_publicapi._config import Settings, resolve_settings
from configcat_publicapi._constants import DEFAULT_RATE_LIMITS, DEFAULT_TIMEOUT, MAX_PAGE_SIZE
from configcat_publicapi._exceptions import (
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    ConfigCatError,
    status_error,
)
from configcat_publicapi._operations import (
    AsyncNamespace,
    AsyncOperation,
    Namespace,
    Operation,
    RawResponse,
)
from configcat_publicapi._ratelimit import RateLimiter
from configcat_publicapi._redact import (
    install_log_redaction,
    redact_text,
    redact_url,
    scrub_exception,
)
from configcat_publicapi._retry import RetryPolicy
from configcat_publicapi._sdk_keys import AsyncSdkKeyScope, SdkKeyScope
from configcat_publicapi._transport import (
    CURRENT_CALL,
    AsyncPolicyTransport,
    CallContext,
    PolicyTransport,
)
from configcat_publicapi._types import NOT_GIVEN, NotGiven
from configcat_publicapi._version import __version__

if TYPE_CHECKING:
    from typing import Self

    from configcat_publicapi import _namespace_types as ns
    from configcat_publicapi._operations import Page
    from configcat_publicapi_client import Client as GeneratedClient
    from configcat_publicapi_client.models import SdkKeysModel

    Sync = Operation[Any]
    Async = AsyncOperation[Any]
    AnyOperation = Operation[Any] | AsyncOperation[Any]

USER_AGENT = (
    f"configcat-publicapi-python/{__version__} "
    f"(python {platform.python_version()}; httpx {httpx.__version__})"
)

#: ``rate_limit=``: a shared limiter, the windows for a new one, or ``None`` for no limiting.
RateLimitSetting = RateLimiter | Sequence[tuple[int, float]] | None

NsT = TypeVar("NsT")
T = TypeVar("T")


class _NamespaceAttr(Generic[NsT]):
    """A client attribute that builds its namespace on first access and keeps it.

    At run time every namespace is a lazy :class:`Namespace` (or :class:`AsyncNamespace`); the
    type parameter is the typed view from :mod:`configcat_publicapi._namespace_types`.
    """

    def __init__(self) -> None:
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _NamespaceAttr[NsT]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> NsT: ...
    def __get__(self, obj: object | None, owner: type) -> NsT | _NamespaceAttr[NsT]:
        if obj is None:
            return self
        namespace = obj._namespace_class(self._name, obj._operation_factory)  # type: ignore[attr-defined]
        obj.__dict__[self._name] = namespace
        return cast(NsT, namespace)


def _chosen_key(keys: SdkKeysModel, secondary: bool) -> str:
    """The primary or secondary key of a config in an environment; a clear error if absent."""
    key = keys.secondary if secondary else keys.primary
    if not isinstance(key, str) or not key:
        which = "secondary" if secondary else "primary"
        raise ConfigCatError(f"this config and environment have no {which} SDK key")
    return key


class _ClientBase:
    """What the sync and async clients share: settings, policies, errors, repr."""

    _settings: Settings
    _timeout: httpx.Timeout
    _headers: dict[str, str]
    _retry: RetryPolicy
    _limiter: RateLimiter | None
    _reason: str | None
    _generated: GeneratedClient | None
    _inner: Any  # the wrapped httpx transport, sync or async, that copies share
    _setup: Callable[..., None]  # each client's own: builds its httpx client on ``_inner``

    def _setup_common(
        self,
        *,
        settings: Settings,
        timeout: httpx.Timeout,
        headers: dict[str, str],
        retry: RetryPolicy,
        limiter: RateLimiter | None,
        reason: str | None,
    ) -> None:
        self._settings = settings
        self._timeout = timeout
        self._headers = headers
        self._retry = retry
        self._limiter = limiter
        self._reason = reason
        self._generated = None
        install_log_redaction()
        token = base64.b64encode(f"{settings.username}:{settings.password}".encode()).decode()
        self._secrets = (settings.password, token)

    @staticmethod
    def _resolve_common(
        username: str | None,
        password: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        headers: Mapping[str, str] | None,
        max_retries: int | None,
        retry: RetryPolicy | None,
        rate_limit: RateLimitSetting,
    ) -> tuple[Settings, httpx.Timeout, dict[str, str], RetryPolicy, RateLimiter | None]:
        settings = resolve_settings(username, password, base_url)
        resolved_timeout = DEFAULT_TIMEOUT if timeout is None else httpx.Timeout(timeout)
        merged = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = dataclasses.replace(policy, max_retries=max_retries)
        if rate_limit is None or isinstance(rate_limit, RateLimiter):
            limiter = rate_limit
        else:
            limiter = RateLimiter(rate_limit)
        return settings, resolved_timeout, merged, policy, limiter

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def username(self) -> str:
        return self._settings.username

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy in force."""
        return self._retry

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The client-side rate limiter, shared with every ``with_options`` copy."""
        return self._limiter

    @property
    def default_reason(self) -> str | None:
        """The ``reason`` sent with every operation that takes one, unless a call gives its own."""
        return self._reason

    def _auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self._settings.username, self._settings.password)

    def _new_generated(self) -> GeneratedClient:
        from configcat_publicapi_client import Client as GeneratedClient

        return GeneratedClient(
            base_url=self._settings.base_url,
            timeout=self._timeout,
            raise_on_unexpected_status=False,
        )

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | NotGiven = NOT_GIVEN,
        reason: str | NotGiven | None = NOT_GIVEN,
    ) -> Self:
        """A copy with other timeouts, retries or default ``reason`` (``None`` for none); it
        shares this client's connection pool and rate limiter, and closing it leaves them open.
        What is not given stays as it is here."""
        new_timeout = self._timeout if isinstance(timeout, NotGiven) else httpx.Timeout(timeout)
        policy = self._retry if isinstance(retry, NotGiven) else retry
        if not isinstance(max_retries, NotGiven):
            policy = dataclasses.replace(policy, max_retries=max_retries)
        clone = type(self).__new__(type(self))
        clone._setup(
            settings=self._settings,
            timeout=new_timeout,
            headers=self._headers,
            inner=self._inner,
            owns_inner=False,
            retry=policy,
            limiter=self._limiter,
            reason=self._reason if isinstance(reason, NotGiven) else reason,
        )
        return clone

    def _with_reason(self, op: AnyOperation, kwargs: dict[str, Any]) -> None:
        if self._reason is not None and "reason" not in kwargs and op.accepts_reason:
            kwargs["reason"] = self._reason

    def _status_error(self, call: CallContext, response: httpx.Response) -> APIStatusError:
        error = status_error(
            status_code=response.status_code,
            method=response.request.method,
            url=str(response.request.url),
            text=response.text,
            headers=response.headers,
            response=response,
            secrets=self._secrets,
        )
        error.attempts = call.attempts
        if call.attempts > 1:
            error.args = (f"{error.args[0]} (after {call.attempts} attempts)",)
        return error

    def _transport_error(self, call: CallContext, exc: httpx.TransportError) -> APIConnectionError:
        method = call.request.method if call.request is not None else "?"
        url = redact_url(call.request.url, self._secrets) if call.request is not None else "?"
        kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        what = "timed out" if kind is APITimeoutError else "failed"
        detail = redact_text(str(exc) or type(exc).__name__, self._secrets)
        tries = f" (after {call.attempts} attempts)" if call.attempts > 1 else ""
        error = kind(f"{method} {url} {what}{tries}: {detail}", method=method, url=url)
        error.attempts = call.attempts
        return error

    def _finish(self, call: CallContext, result: Any, check: bool) -> RawResponse:
        response = call.response
        if response is None:  # the request did not go through the policy transport
            return RawResponse(
                status_code=int(result.status_code),
                headers=httpx.Headers(result.headers),
                content=result.content,
                parsed=result.parsed,
                method="?",
                url="?",
            )
        if check and not response.is_success:
            raise self._status_error(call, response)
        return RawResponse(
            status_code=response.status_code,
            headers=response.headers,
            content=response.content,
            parsed=result.parsed if response.is_success else None,
            method=response.request.method,
            url=response.request.url,
        )

    def _unreadable(self, call: CallContext, exc: Exception, check: bool) -> RawResponse:
        """The generated code could not build its result (unknown status or unexpected body)."""
        response = call.response
        if response is None:
            raise exc
        if check and not response.is_success:
            raise self._status_error(call, response) from None
        if not check:  # the raw form: the body as it came, no model
            return RawResponse(
                status_code=response.status_code,
                headers=response.headers,
                content=response.content,
                parsed=None,
                method=response.request.method,
                url=response.request.url,
            )
        url = redact_url(response.request.url, self._secrets)
        raise APIResponseError(
            f"{response.status_code} response to {response.request.method} {url} does not match "
            f"the documented model: {type(exc).__name__}: {redact_text(str(exc), self._secrets)}"
        ) from scrub_exception(exc, self._secrets)

    @staticmethod
    def _page_args(op: AnyOperation, kwargs: dict[str, Any]) -> tuple[int, int]:
        if not op.is_paged:
            raise TypeError(f"{op!r} is not a paged list operation (no page_number/page_size)")
        page_size = int(kwargs.pop("page_size", MAX_PAGE_SIZE))
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
        return int(kwargs.pop("page_number", 1)), page_size

    def __repr__(self) -> str:
        safe_url = redact_url(self.base_url, self._secrets)
        return f"{type(self).__name__}(base_url={safe_url!r}, username={self.username!r})"


class ConfigCatClient(_ClientBase):
    """Synchronous client. Use as a context manager or call :meth:`close`.

    >>> cc = ConfigCatClient(username="u", password="p")  # or from CONFIGCAT_API_* variables
    >>> cc.products.get_products()  # doctest: +SKIP
    """

    _namespace_class = Namespace
    audit_logs: _NamespaceAttr[ns.AuditLogsNamespace[Sync]] = _NamespaceAttr()
    change_requests: _NamespaceAttr[ns.ChangeRequestsNamespace[Sync]] = _NamespaceAttr()
    code_references: _NamespaceAttr[ns.CodeReferencesNamespace[Sync]] = _NamespaceAttr()
    configs: _NamespaceAttr[ns.ConfigsNamespace[Sync]] = _NamespaceAttr()
    environments: _NamespaceAttr[ns.EnvironmentsNamespace[Sync]] = _NamespaceAttr()
    flags: _NamespaceAttr[ns.SettingsNamespace[Sync]] = _NamespaceAttr()
    integration_links: _NamespaceAttr[ns.IntegrationLinksNamespace[Sync]] = _NamespaceAttr()
    integrations: _NamespaceAttr[ns.IntegrationsNamespace[Sync]] = _NamespaceAttr()
    me: _NamespaceAttr[ns.MeNamespace[Sync]] = _NamespaceAttr()
    members: _NamespaceAttr[ns.MembersNamespace[Sync]] = _NamespaceAttr()
    organizations: _NamespaceAttr[ns.OrganizationsNamespace[Sync]] = _NamespaceAttr()
    permission_groups: _NamespaceAttr[ns.PermissionGroupsNamespace[Sync]] = _NamespaceAttr()
    products: _NamespaceAttr[ns.ProductsNamespace[Sync]] = _NamespaceAttr()
    proxy_profiles: _NamespaceAttr[ns.ProxyProfilesNamespace[Sync]] = _NamespaceAttr()
    sdk_key_values: _NamespaceAttr[ns.SdkKeyValuesNamespace[Sync]] = _NamespaceAttr()
    sdk_key_values_v2: _NamespaceAttr[ns.SdkKeyValuesV2Namespace[Sync]] = _NamespaceAttr()
    sdk_keys: _NamespaceAttr[ns.SdkKeysNamespace[Sync]] = _NamespaceAttr()
    segments: _NamespaceAttr[ns.SegmentsNamespace[Sync]] = _NamespaceAttr()
    setting_values: _NamespaceAttr[ns.SettingValuesNamespace[Sync]] = _NamespaceAttr()
    setting_values_v2: _NamespaceAttr[ns.SettingValuesV2Namespace[Sync]] = _NamespaceAttr()
    settings: _NamespaceAttr[ns.SettingsNamespace[Sync]] = _NamespaceAttr()
    stale_flags: _NamespaceAttr[ns.StaleFlagsNamespace[Sync]] = _NamespaceAttr()
    tags: _NamespaceAttr[ns.TagsNamespace[Sync]] = _NamespaceAttr()
    webhooks: _NamespaceAttr[ns.WebhooksNamespace[Sync]] = _NamespaceAttr()

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
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
            inner=transport or httpx.HTTPTransport(),
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
        inner: httpx.BaseTransport,
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
        self._http = httpx.Client(
            base_url=settings.base_url,
            auth=self._auth(),
            headers=headers,
            timeout=timeout,
            transport=PolicyTransport(inner, retry, limiter, owns_inner=owns_inner),
        )

    def _operation_factory(self, namespace: str, folder: str, name: str) -> Operation[Any]:
        return Operation(self, namespace, folder, name)

    @property
    def http(self) -> httpx.Client:
        """The underlying ``httpx.Client`` (rate limiting and retries included)."""
        return self._http

    @property
    def api(self) -> GeneratedClient:
        """The generated ``Client``, for calling generated endpoint functions directly."""
        if self._generated is None:
            self._generated = self._new_generated().set_httpx_client(self._http)
        return self._generated

    def _invoke(
        self, op: Operation[Any], args: tuple[Any, ...], kwargs: dict[str, Any], *, check: bool
    ) -> RawResponse:
        self._with_reason(op, kwargs)
        call = CallContext(path_values=op.path_values(args, kwargs))
        token = CURRENT_CALL.set(call)
        try:
            result = op.module.sync_detailed(*args, client=self.api, **kwargs)
        except httpx.TransportError as exc:
            raise self._transport_error(call, exc) from scrub_exception(exc, self._secrets)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return self._unreadable(call, exc, check)
        finally:
            CURRENT_CALL.reset(token)
        return self._finish(call, result, check)

    def paginate(self, operation: Operation[Page[T]], *args: Any, **kwargs: Any) -> Iterator[T]:
        """Iterate over every item of a paged list operation, one page request at a time.

        ``page_size`` defaults to the maximum (100); ``page_number`` to 1.
        """
        page, size = self._page_args(operation, kwargs)
        return self._pages(operation, page, size, args, kwargs)

    @staticmethod
    def _pages(
        operation: Operation[Page[T]],
        page: int,
        size: int,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Iterator[T]:
        while True:
            result = operation(*args, page_number=page, page_size=size, **kwargs)
            items = result.data or []
            yield from items
            paging = result.paging
            if not items or paging is None or not paging.has_next:
                return
            page += 1

    def for_sdk_key(self, sdk_key: str) -> SdkKeyScope:
        """Operations on one config and environment named by its SDK key (checked here)."""
        return SdkKeyScope(self, sdk_key)

    def for_config_environment(
        self, config_id: Any, environment_id: Any, *, secondary: bool = False
    ) -> SdkKeyScope:
        """Look up the SDK key of a config in an environment and scope to it."""
        keys = self.sdk_keys.get_sdk_keys(config_id, environment_id)
        return SdkKeyScope(self, _chosen_key(keys, secondary))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncConfigCatClient(_ClientBase):
    """Asynchronous client. Use as an async context manager or await :meth:`aclose`."""

    _namespace_class = AsyncNamespace
    audit_logs: _NamespaceAttr[ns.AuditLogsNamespace[Async]] = _NamespaceAttr()
    change_requests: _NamespaceAttr[ns.ChangeRequestsNamespace[Async]] = _NamespaceAttr()
    code_references: _NamespaceAttr[ns.CodeReferencesNamespace[Async]] = _NamespaceAttr()
    configs: _NamespaceAttr[ns.ConfigsNamespace[Async]] = _NamespaceAttr()
    environments: _NamespaceAttr[ns.EnvironmentsNamespace[Async]] = _NamespaceAttr()
    flags: _NamespaceAttr[ns.SettingsNamespace[Async]] = _NamespaceAttr()
    integration_links: _NamespaceAttr[ns.IntegrationLinksNamespace[Async]] = _NamespaceAttr()
    integrations: _NamespaceAttr[ns.IntegrationsNamespace[Async]] = _NamespaceAttr()
    me: _NamespaceAttr[ns.MeNamespace[Async]] = _NamespaceAttr()
    members: _NamespaceAttr[ns.MembersNamespace[Async]] = _NamespaceAttr()
    organizations: _NamespaceAttr[ns.OrganizationsNamespace[Async]] = _NamespaceAttr()
    permission_groups: _NamespaceAttr[ns.PermissionGroupsNamespace[Async]] = _NamespaceAttr()
    products: _NamespaceAttr[ns.ProductsNamespace[Async]] = _NamespaceAttr()
    proxy_profiles: _NamespaceAttr[ns.ProxyProfilesNamespace[Async]] = _NamespaceAttr()
    sdk_key_values: _NamespaceAttr[ns.SdkKeyValuesNamespace[Async]] = _NamespaceAttr()
    sdk_key_values_v2: _NamespaceAttr[ns.SdkKeyValuesV2Namespace[Async]] = _NamespaceAttr()
    sdk_keys: _NamespaceAttr[ns.SdkKeysNamespace[Async]] = _NamespaceAttr()
    segments: _NamespaceAttr[ns.SegmentsNamespace[Async]] = _NamespaceAttr()
    setting_values: _NamespaceAttr[ns.SettingValuesNamespace[Async]] = _NamespaceAttr()
    setting_values_v2: _NamespaceAttr[ns.SettingValuesV2Namespace[Async]] = _NamespaceAttr()
    settings: _NamespaceAttr[ns.SettingsNamespace[Async]] = _NamespaceAttr()
    stale_flags: _NamespaceAttr[ns.StaleFlagsNamespace[Async]] = _NamespaceAttr()
    tags: _NamespaceAttr[ns.TagsNamespace[Async]] = _NamespaceAttr()
    webhooks: _NamespaceAttr[ns.WebhooksNamespace[Async]] = _NamespaceAttr()

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
            inner=transport or httpx.AsyncHTTPTransport(),
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
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            auth=self._auth(),
            headers=headers,
            timeout=timeout,
            transport=AsyncPolicyTransport(inner, retry, limiter, owns_inner=owns_inner),
        )

    def _operation_factory(self, namespace: str, folder: str, name: str) -> AsyncOperation[Any]:
        return AsyncOperation(self, namespace, folder, name)

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient`` (rate limiting and retries included)."""
        return self._http

    @property
    def api(self) -> GeneratedClient:
        """The generated ``Client``, for calling generated endpoint functions directly."""
        if self._generated is None:
            self._generated = self._new_generated().set_async_httpx_client(self._http)
        return self._generated

    async def _invoke(
        self, op: AsyncOperation[Any], args: tuple[Any, ...], kwargs: dict[str, Any], *, check: bool
    ) -> RawResponse:
        self._with_reason(op, kwargs)
        call = CallContext(path_values=op.path_values(args, kwargs))
        token = CURRENT_CALL.set(call)
        try:
            result = await op.module.asyncio_detailed(*args, client=self.api, **kwargs)
        except httpx.TransportError as exc:
            raise self._transport_error(call, exc) from scrub_exception(exc, self._secrets)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return self._unreadable(call, exc, check)
        finally:
            CURRENT_CALL.reset(token)
        return self._finish(call, result, check)

    def paginate(
        self, operation: AsyncOperation[Page[T]], *args: Any, **kwargs: Any
    ) -> AsyncIterator[T]:
        """Iterate (``async for``) over every item of a paged list operation.

        ``page_size`` defaults to the maximum (100); ``page_number`` to 1.
        """
        page, size = self._page_args(operation, kwargs)
        return self._pages(operation, page, size, args, kwargs)

    @staticmethod
    async def _pages(
        operation: AsyncOperation[Page[T]],
        page: int,
        size: int,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> AsyncIterator[T]:
        while True:
            result = await operation(*args, page_number=page, page_size=size, **kwargs)
            items = result.data or []
            for item in items:
                yield item
            paging = result.paging
            if not items or paging is None or not paging.has_next:
                return
            page += 1

    def for_sdk_key(self, sdk_key: str) -> AsyncSdkKeyScope:
        """Operations on one config and environment named by its SDK key (checked here)."""
        return AsyncSdkKeyScope(self, sdk_key)

    async def for_config_environment(
        self, config_id: Any, environment_id: Any, *, secondary: bool = False
    ) -> AsyncSdkKeyScope:
        """Look up the SDK key of a config in an environment and scope to it."""
        keys = await self.sdk_keys.get_sdk_keys(config_id, environment_id)
        return AsyncSdkKeyScope(self, _chosen_key(keys, secondary))

    async def aclose(self) -> None:
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
