"""The client-side limiter: sliding windows per endpoint, shared, adaptive to the headers."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from uuid import UUID

import httpx
import pytest

from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient, RateLimiter
from tests.overlay.overlay_support import PASSWORD, PRODUCT, PRODUCT_ID


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def send_all(limiter: RateLimiter, clock: FakeClock, key: str, count: int) -> list[float]:
    """Send ``count`` requests as fast as the limiter lets one caller; return the send times."""
    sent: list[float] = []
    while len(sent) < count:
        wait = limiter.try_acquire(key)
        if wait > 0:
            clock.now += wait
        else:
            sent.append(clock.now)
    return sent


def test_twenty_a_second_then_the_21st_waits_a_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter([(20, 1.0), (500, 60.0)], margin=0.0, smooth=False, clock=clock)
    waits = [limiter.try_acquire("GET /v1/products") for _ in range(21)]
    assert waits[:20] == [0.0] * 20
    assert waits[20] == pytest.approx(1.0)
    assert limiter.try_acquire("GET /v1/products") == pytest.approx(1.0)  # a refusal takes no slot
    clock.now += 1.0
    assert limiter.try_acquire("GET /v1/products") == 0.0


def test_five_hundred_a_minute() -> None:
    clock = FakeClock()
    start = clock.now
    limiter = RateLimiter([(20, 1.0), (500, 60.0)], margin=0.0, smooth=False, clock=clock)
    sent = send_all(limiter, clock, "k", 1001)
    # 20 per second: the 500th request goes at second 24, the 501st a minute after the 1st
    assert sent[499] == pytest.approx(start + 24.0)
    assert sent[500] == pytest.approx(start + 60.0)
    assert sent[1000] == pytest.approx(start + 120.0)
    # no 60-second window holds more than 500, no 1-second window more than 20
    assert all(sent[i + 500] - sent[i] >= 60.0 - 1e-9 for i in range(len(sent) - 500))
    assert all(sent[i + 20] - sent[i] >= 1.0 - 1e-9 for i in range(len(sent) - 20))


def test_smoothing_spaces_requests_evenly() -> None:
    clock = FakeClock()
    limiter = RateLimiter([(20, 1.0), (500, 60.0)], margin=0.0, clock=clock)
    sent = send_all(limiter, clock, "k", 520)
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert gaps[:498] == pytest.approx([0.05] * 498)  # 20 a second, one every 50 ms
    assert sent[500] == pytest.approx(sent[0] + 60.0)  # the minute window still binds
    # as many requests per window as without smoothing
    assert sum(1 for t in sent if t < sent[0] + 60.0) == 500


def test_margin_widens_each_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter([(2, 1.0)], margin=0.05, smooth=False, clock=clock)
    sent = send_all(limiter, clock, "k", 3)
    assert sent[2] - sent[0] == pytest.approx(1.05)


def test_endpoints_have_their_own_buckets() -> None:
    clock = FakeClock()
    limiter = RateLimiter([(2, 1.0)], margin=0.0, smooth=False, clock=clock)
    assert [limiter.try_acquire("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.try_acquire("b") == 0.0
    assert limiter.try_acquire("a") == pytest.approx(1.0)


def test_pause_holds_the_endpoint_until_reset() -> None:
    clock = FakeClock()
    limiter = RateLimiter([(100, 1.0)], margin=0.0, smooth=False, clock=clock)
    limiter.pause("a", 3.0)
    assert limiter.paused_for("a") == pytest.approx(3.0)
    assert limiter.try_acquire("a") == pytest.approx(3.0)
    assert limiter.try_acquire("b") == 0.0
    clock.now += 3.5
    assert limiter.paused_for("a") == 0.0
    assert limiter.try_acquire("a") == 0.0


def test_late_requests_count_from_when_they_went() -> None:
    # a request held back (here by a pause) is recorded when it goes, so the window that
    # follows it starts then, not when it was first asked for
    clock = FakeClock()
    limiter = RateLimiter([(1, 1.0)], margin=0.0, clock=clock)
    limiter.pause("a", 0.4)
    sent = send_all(limiter, clock, "a", 2)
    assert sent == [pytest.approx(100.4), pytest.approx(101.4)]


@pytest.mark.parametrize("limits", [[], [(0, 1.0)], [(5, 0.0)]])
def test_unusable_windows_are_refused(limits: list[tuple[int, float]]) -> None:
    with pytest.raises(ValueError, match="window"):
        RateLimiter(limits)


def _recording_transport(stamps: list[float], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            stamps.append(time.monotonic())
        if request.url.path == "/v1/products":
            return httpx.Response(200, json=[PRODUCT], headers=headers)
        return httpx.Response(200, json=PRODUCT, headers=headers)

    return handler


def test_sync_client_spaces_requests_across_threads() -> None:
    stamps: list[float] = []
    transport = httpx.MockTransport(_recording_transport(stamps))
    limits = [(3, 0.2)]
    with ConfigCatClient("u", PASSWORD, transport=transport, rate_limit=limits) as cc:
        threads = [
            threading.Thread(target=lambda: [cc.products.get_products() for _ in range(3)])
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    stamps.sort()
    assert len(stamps) == 12
    # any 4 consecutive requests span at least one window: the 4th waits for the 1st to age
    assert all(stamps[i + 3] - stamps[i] >= 0.2 for i in range(len(stamps) - 3))


async def test_async_client_spaces_requests_across_tasks() -> None:
    stamps: list[float] = []
    transport = httpx.MockTransport(_recording_transport(stamps))
    async with AsyncConfigCatClient(
        "u", PASSWORD, transport=transport, rate_limit=[(2, 0.15)]
    ) as acc:
        await asyncio.gather(*(acc.products.get_products() for _ in range(6)))
    stamps.sort()
    assert len(stamps) == 6
    assert all(stamps[i + 2] - stamps[i] >= 0.15 for i in range(len(stamps) - 2))


def test_other_endpoints_are_not_slowed() -> None:
    stamps: list[float] = []
    transport = httpx.MockTransport(_recording_transport(stamps))
    with ConfigCatClient("u", PASSWORD, transport=transport, rate_limit=[(1, 5.0)]) as cc:
        started = time.monotonic()
        cc.products.get_products()
        cc.products.get_product(UUID(PRODUCT_ID))
        cc.me.get_me.raw()
        assert time.monotonic() - started < 2.0  # three endpoints, one request each


def test_remaining_zero_pauses_that_endpoint_until_reset() -> None:
    stamps: list[float] = []
    transport = httpx.MockTransport(
        _recording_transport(stamps, {"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "0.3"})
    )
    with ConfigCatClient("u", PASSWORD, transport=transport) as cc:  # default windows
        cc.products.get_products()
        cc.products.get_products()
    assert stamps[1] - stamps[0] >= 0.3


def test_remaining_above_zero_does_not_pause() -> None:
    stamps: list[float] = []
    transport = httpx.MockTransport(
        _recording_transport(stamps, {"X-Rate-Limit-Remaining": "5", "X-Rate-Limit-Reset": "3"})
    )
    with ConfigCatClient("u", PASSWORD, transport=transport) as cc:
        cc.products.get_products()
        cc.products.get_products()
    assert stamps[1] - stamps[0] < 1.0


async def test_async_remaining_zero_pauses() -> None:
    stamps: list[float] = []
    transport = httpx.MockTransport(
        _recording_transport(stamps, {"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "0.25"})
    )
    async with AsyncConfigCatClient("u", PASSWORD, transport=transport) as acc:
        await acc.products.get_products()
        await acc.products.get_products()
    assert stamps[1] - stamps[0] >= 0.25


def test_limiting_can_be_turned_off_and_shared() -> None:
    assert ConfigCatClient("u", PASSWORD, rate_limit=None).rate_limiter is None
    shared = RateLimiter([(5, 1.0)])
    a = ConfigCatClient("u", PASSWORD, rate_limit=shared)
    b = ConfigCatClient("u", PASSWORD, rate_limit=shared)
    assert a.rate_limiter is shared and b.rate_limiter is shared
    assert a.with_options(max_retries=0).rate_limiter is shared
    assert ConfigCatClient("u", PASSWORD).rate_limiter.limits == ((20, 1.0), (500, 60.0))  # type: ignore[union-attr]


def test_raw_http_requests_share_a_bucket_per_path_template() -> None:
    from configcat_publicapi._transport import endpoint_key

    a = httpx.Request("GET", f"https://h/v1/products/{PRODUCT_ID}/configs")
    b = httpx.Request("GET", "https://h/v1/products/3a8a4b8e-1111-4c4e-9d8f-000000000001/configs")
    c = httpx.Request("DELETE", "https://h/v1/settings/42")
    assert endpoint_key(a) == endpoint_key(b) == "GET /v1/products/{}/configs"
    assert endpoint_key(c) == "DELETE /v1/settings/{}"

    stamps: list[float] = []
    transport = httpx.MockTransport(_recording_transport(stamps))
    with ConfigCatClient("u", PASSWORD, transport=transport, rate_limit=[(1, 0.2)]) as cc:
        cc.http.get(f"/v1/products/{PRODUCT_ID}")
        cc.http.get("/v1/products/3a8a4b8e-1111-4c4e-9d8f-000000000001")
    assert stamps[1] - stamps[0] >= 0.2


def test_namespace_calls_bucket_by_method_and_path_template() -> None:
    """Flag keys and ids in the path are parameters: one bucket per endpoint, shared with raw
    requests and generated functions called through ``.api`` on the same template."""
    from configcat_publicapi_client.api.products import get_product

    sdk_key = "configcat-sdk-1/AbCdEfGhIjKlMnOpQrStUv/0123456789abcdefghij_-"
    limiter = RateLimiter([(100, 60.0)], smooth=False)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=PRODUCT))
    with ConfigCatClient("u", PASSWORD, transport=transport, rate_limit=limiter) as cc:
        by_key = cc.sdk_key_values.get_setting_value_by_sdkkey
        for flag in ("is_enabled", "dark mode/v2", 42):
            assert by_key.raw(str(flag), x_configcat_sdkkey=sdk_key).status_code == 200
        cc.products.get_product(UUID(PRODUCT_ID))
        cc.products.get_product(product_id=UUID(PRODUCT_ID))
        cc.http.get("/v1/products/3a8a4b8e-1111-4c4e-9d8f-000000000001")
        get_product.sync(PRODUCT_ID, client=cc.api)  # type: ignore[arg-type]
    buckets = {key: len(stamps[0]) for key, stamps in limiter._stamps.items()}
    assert buckets == {"GET /v1/settings/{}/value": 3, "GET /v1/products/{}": 4}
