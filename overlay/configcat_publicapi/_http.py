"""The ``httpx`` clients the overlay sends through: ``httpx.Client`` and ``httpx.AsyncClient``
whose cookie jar skips responses that set no cookie.

httpx hands every response to the standard library's ``http.cookiejar`` (building a
``urllib.request.Request`` for it), which costs about a fifth of a small request's time in
``bench/bench_overlay_overhead.py`` even when the response has no ``Set-Cookie`` header, as
no ConfigCat API response has. Such a response leaves the jar as it was, so skipping it
changes nothing; a response that does set cookies goes through httpx's own code. (A jar set
later through ``client.cookies = ...`` is httpx's plain one again: slower, just as right.)
"""

from __future__ import annotations

from typing import Any

import httpx

_SETS_COOKIES = ("set-cookie", "set-cookie2")


class SkippingCookies(httpx.Cookies):
    """``httpx.Cookies`` that looks at a response only when it sets a cookie."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Store the response's cookies only when it sets one (most answers set none)."""
        headers = response.headers
        if any(name in headers for name in _SETS_COOKIES):
            super().extract_cookies(response)


class HTTPClient(httpx.Client):
    """``httpx.Client`` with :class:`SkippingCookies`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cookies = SkippingCookies(self._cookies)


class AsyncHTTPClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` with :class:`SkippingCookies`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cookies = SkippingCookies(self._cookies)
