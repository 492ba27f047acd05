"""``RawResponse``: what ``.raw(...)`` returns instead of the parsed model."""

from __future__ import annotations

from typing import Any

import httpx

from configcat_publicapi._redact import redact_url


class RawResponse:
    """Status, headers and body of a call, with the parsed model when there is one.

    A raw call does not raise for a non-2xx status; it still raises for connection errors.
    """

    __slots__ = ("_url", "content", "headers", "method", "parsed", "status_code")

    def __init__(
        self,
        *,
        status_code: int,
        headers: httpx.Headers,
        content: bytes,
        parsed: Any,
        method: str,
        url: httpx.URL | str,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.parsed = parsed
        self.method = method
        self._url = url

    @classmethod
    def of(cls, response: httpx.Response, parsed: Any) -> RawResponse:
        """The whole response of one call, with the model parsed from a 2xx answer."""
        return cls(
            status_code=response.status_code,
            headers=response.headers,
            content=response.content,
            parsed=parsed,
            method=response.request.method,
            url=response.request.url,
        )

    @property
    def url(self) -> str:
        """The request URL, without secrets."""
        return redact_url(self._url)

    @property
    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body parsed as JSON."""
        return httpx.Response(self.status_code, content=self.content).json()

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} {self.method} {self.url}>"
