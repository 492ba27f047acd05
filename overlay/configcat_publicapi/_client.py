"""``ConfigCatClient`` and ``AsyncConfigCatClient``: authenticated transports for the API.

Each wraps one ``httpx`` client with Basic auth, a ``User-Agent`` naming this library and
timeouts, and exposes it as ``.api``: a generated ``configcat_publicapi_client.Client``
that every generated endpoint function accepts.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx
from typing_extensions import Self

from configcat_publicapi._config import Settings, resolve_settings
from configcat_publicapi._constants import DEFAULT_TIMEOUT
from configcat_publicapi._version import __version__
from configcat_publicapi_client import Client as GeneratedClient

USER_AGENT = (
    f"configcat-publicapi-python/{__version__} "
    f"(python {platform.python_version()}; httpx {httpx.__version__})"
)


class _ClientBase:
    """What the sync and async clients share: settings, headers, repr."""

    def __init__(
        self,
        *,
        username: str | None,
        password: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        headers: Mapping[str, str] | None,
    ) -> None:
        self._settings: Settings = resolve_settings(username, password, base_url)
        self._timeout = DEFAULT_TIMEOUT if timeout is None else httpx.Timeout(timeout)
        self._headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def username(self) -> str:
        return self._settings.username

    def _auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self._settings.username, self._settings.password)

    def _generated(self) -> GeneratedClient:
        return GeneratedClient(
            base_url=self._settings.base_url,
            timeout=self._timeout,
            raise_on_unexpected_status=False,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, username={self.username!r})"


class ConfigCatClient(_ClientBase):
    """Synchronous client. Use as a context manager or call :meth:`close`.

    >>> cc = ConfigCatClient(username="u", password="p")  # or from CONFIGCAT_API_* variables
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            username=username,
            password=password,
            base_url=base_url,
            timeout=timeout,
            headers=headers,
        )
        self._http = http_client or httpx.Client(
            base_url=self.base_url,
            auth=self._auth(),
            headers=self._headers,
            timeout=self._timeout,
            transport=transport,
        )
        self.api: GeneratedClient = self._generated().set_httpx_client(self._http)

    @property
    def http(self) -> httpx.Client:
        """The underlying ``httpx.Client``."""
        return self._http

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncConfigCatClient(_ClientBase):
    """Asynchronous client. Use as an async context manager or await :meth:`aclose`."""

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            username=username,
            password=password,
            base_url=base_url,
            timeout=timeout,
            headers=headers,
        )
        self._http = http_client or httpx.AsyncClient(
            base_url=self.base_url,
            auth=self._auth(),
            headers=self._headers,
            timeout=self._timeout,
            transport=transport,
        )
        self.api: GeneratedClient = self._generated().set_async_httpx_client(self._http)

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient``."""
        return self._http

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
