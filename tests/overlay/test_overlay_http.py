"""The overlay's httpx clients keep cookies as httpx does; they only skip the cookie jar for
responses that set none."""

from __future__ import annotations

import httpx
import pytest

from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi._http import SkippingCookies
from tests.overlay.overlay_support import PASSWORD


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/set":
        return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"}, json={})
    return httpx.Response(200, json={"cookie": request.headers.get("cookie")})


def test_cookies_are_stored_and_sent_and_skipped_only_when_none_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked: list[str] = []
    original = httpx.Cookies.extract_cookies

    def spy(self: httpx.Cookies, response: httpx.Response) -> None:
        looked.append(response.url.path)
        original(self, response)

    monkeypatch.setattr(httpx.Cookies, "extract_cookies", spy)
    transport = httpx.MockTransport(_handler)
    with ConfigCatClient("u", PASSWORD, transport=transport, rate_limit=None) as cc:
        assert isinstance(cc.http.cookies, SkippingCookies)
        assert cc.http.get("/plain").json() == {"cookie": None}
        assert cc.http.get("/set").status_code == 200
        assert cc.http.cookies["session"] == "abc"
        assert cc.http.get("/plain").json() == {"cookie": "session=abc"}
    assert looked == ["/set"]


async def test_async_client_uses_the_same_jar() -> None:
    transport = httpx.MockTransport(_handler)
    async with AsyncConfigCatClient("u", PASSWORD, transport=transport, rate_limit=None) as acc:
        assert isinstance(acc.http.cookies, SkippingCookies)
        await acc.http.get("/set")
        assert (await acc.http.get("/plain")).json() == {"cookie": "session=abc"}
