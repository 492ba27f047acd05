"""What ``ConfigCatClient`` and ``AsyncConfigCatClient`` share: settings, policies, the
typed errors, parsing of answers, ``with_options`` and the repr.

The two clients themselves live in ``_async/client.py`` and ``_sync/client.py`` (the second
derived from the first, see ``scripts/make_sync.py``); they only send.
"""

from __future__ import annotations

import base64
import dataclasses
import platform
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from configcat_publicapi._config import Settings, resolve_settings
from configcat_publicapi._constants import DEFAULT_TIMEOUT, MAX_PAGE_SIZE
from configcat_publicapi._exceptions import (
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    ConfigCatError,
    status_error,
)
from configcat_publicapi._hints import connection_hint
from configcat_publicapi._ratelimit import RateLimiter
from configcat_publicapi._redact import (
    install_log_redaction,
    redact_text,
    redact_url,
    scrub_exception,
)
from configcat_publicapi._response import RawResponse
from configcat_publicapi._retry import RetryPolicy
from configcat_publicapi._transport import ATTEMPTS_EXTENSION
from configcat_publicapi._types import NOT_GIVEN, NotGiven
from configcat_publicapi._version import __version__

if TYPE_CHECKING:
    from typing import Self

    from configcat_publicapi_client import Client as GeneratedClient
    from configcat_publicapi_client.models import SdkKeysModel

USER_AGENT = (
    f"configcat-publicapi-python/{__version__} "
    f"(python {platform.python_version()}; httpx {httpx.__version__})"
)

#: ``rate_limit=``: a shared limiter, the windows for a new one, or ``None`` for no limiting.
RateLimitSetting = RateLimiter | Sequence[tuple[int, float]] | None

#: A generated ``_parse_response(client=..., response=...)``.
Parser = Callable[..., Any]


class _ParseOptions:
    """What the generated parsers read from their ``client`` argument: undocumented statuses
    never reach them (the overlay raises its typed errors first)."""

    raise_on_unexpected_status = False


_PARSE_OPTIONS = _ParseOptions()
#: What a generated parser raises for an answer that does not fit its model.
_UNREADABLE = (KeyError, TypeError, ValueError, AttributeError)


def chosen_key(keys: SdkKeysModel, secondary: bool) -> str:
    """The primary or secondary key of a config in an environment; a clear error if absent."""
    key = keys.secondary if secondary else keys.primary
    if not isinstance(key, str) or not key:
        which = "secondary" if secondary else "primary"
        raise ConfigCatError(f"this config and environment have no {which} SDK key")
    return key


def check_page_size(page_size: int) -> None:
    """Refuse a page size the paged list operations do not accept (1 to 100)."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")


class ClientBase:
    """Settings, policies, errors and repr of both clients."""

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
        """The API's base URL this client sends to."""
        return self._settings.base_url

    @property
    def username(self) -> str:
        """The Basic auth user name (the password is never shown)."""
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

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        request = response.request
        error = status_error(
            status_code=response.status_code,
            method=request.method,
            url=str(request.url),
            text=response.text,
            headers=response.headers,
            response=response,
            secrets=self._secrets,
        )
        attempts = int(request.extensions.get(ATTEMPTS_EXTENSION, 1))
        error.attempts = attempts
        if attempts > 1:
            error.args = (f"{error.args[0]} (after {attempts} attempts)",)
        return error

    def _transport_error(
        self, request: httpx.Request, exc: httpx.TransportError
    ) -> APIConnectionError:
        url = redact_url(request.url, self._secrets)
        kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        what = "timed out" if kind is APITimeoutError else "failed"
        detail = redact_text(str(exc) or type(exc).__name__, self._secrets)
        detail += connection_hint(request.url, exc)
        attempts = int(request.extensions.get(ATTEMPTS_EXTENSION, 1))
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        error = kind(
            f"{request.method} {url} {what}{tries}: {detail}", method=request.method, url=url
        )
        error.attempts = attempts
        return error

    def _parsed(self, response: httpx.Response, parse: Parser) -> Any:
        """The model of a 2xx answer; the typed error of any other status."""
        if not response.is_success:
            raise self._status_error(response)
        try:
            return parse(client=_PARSE_OPTIONS, response=response)
        except _UNREADABLE as exc:
            request = response.request
            url = redact_url(request.url, self._secrets)
            raise APIResponseError(
                f"{response.status_code} response to {request.method} {url} does not match the "
                f"documented model: {type(exc).__name__}: {redact_text(str(exc), self._secrets)}"
            ) from scrub_exception(exc, self._secrets)

    @staticmethod
    def _raw(response: httpx.Response, parse: Parser) -> RawResponse:
        """Status, headers and body; the model too when the answer is a 2xx that parses."""
        parsed = None
        if response.is_success:
            try:
                parsed = parse(client=_PARSE_OPTIONS, response=response)
            except _UNREADABLE:
                parsed = None
        return RawResponse.of(response, parsed)

    def __repr__(self) -> str:
        safe_url = redact_url(self.base_url, self._secrets)
        return f"{type(self).__name__}(base_url={safe_url!r}, username={self.username!r})"
