"""429s are retried within a time budget, however many it takes: the service applied nothing.

The clock and the sleeps are fakes: every wait moves the clock by its length, so the budget
is checked without a timed assertion.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest
import respx

from configcat_publicapi import (
    ConfigCatClient,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
    _transport,
)
from configcat_publicapi._headers import rate_limit_wait
from tests.overlay.overlay_support import PASSWORD, PRODUCT, PRODUCT_ID

PRODUCT_URL = f"/v1/products/{PRODUCT_ID}"
ORG = "3a8a4b8e-1111-4c4e-9d8f-000000000001"
CREATE_URL = f"/v1/organizations/{ORG}/products"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A fake monotonic clock that each transport sleep advances; ``clock[1:]`` are the waits."""
    state = [1000.0]

    def fake_sleep(seconds: float) -> None:
        state.append(seconds)
        state[0] += seconds

    monkeypatch.setattr(_transport, "_sleep", fake_sleep)
    monkeypatch.setattr(_transport, "_clock", lambda: state[0])
    return state


def client(**kwargs: object) -> ConfigCatClient:
    kwargs.setdefault("rate_limit", None)
    return ConfigCatClient("alice", PASSWORD, **kwargs)  # type: ignore[arg-type]


def too_many(seconds: str = "1") -> httpx.Response:
    return httpx.Response(429, headers={"Retry-After": seconds})


def test_the_default_budget_is_at_least_a_minute_window() -> None:
    assert RetryPolicy().total_time >= 60.0


def test_many_429s_are_retried_beyond_max_retries(router: respx.Router, clock: list[float]) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [*(too_many() for _ in range(12)), httpx.Response(200, json=PRODUCT)]
    with client() as cc:
        assert cc.retry.max_retries == 3
        assert cc.products.get_product(UUID(PRODUCT_ID)).name == "Checkout"
    assert route.call_count == 13 and clock[1:] == [1.0] * 12


def test_a_post_answered_429_many_times_is_applied_once(
    router: respx.Router, clock: list[float]
) -> None:
    from configcat_publicapi_client.models import CreateProductRequest

    route = router.post(CREATE_URL)
    route.side_effect = [*(too_many("2") for _ in range(6)), httpx.Response(201, json=PRODUCT)]
    with client() as cc:
        cc.products.create_product(UUID(ORG), body=CreateProductRequest(name="New"))
    statuses = [call.response.status_code for call in route.calls]
    assert statuses == [429] * 6 + [201]


def test_429s_stop_when_the_budget_is_spent(router: respx.Router, clock: list[float]) -> None:
    route = router.get(PRODUCT_URL).mock(return_value=too_many("7"))
    with client(retry=RetryPolicy(total_time=60.0)) as cc, pytest.raises(RateLimitError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    # eight waits of 7 s end at 56 s; a ninth would end at 63 s, past the 60 s budget
    assert clock[1:] == [7.0] * 8 and route.call_count == 9
    assert err.value.attempts == 9 and "(after 9 attempts)" in str(err.value)


def test_the_budget_is_configurable(router: respx.Router, clock: list[float]) -> None:
    route = router.get(PRODUCT_URL).mock(return_value=too_many("7"))
    with client(retry=RetryPolicy(total_time=300.0)) as cc, pytest.raises(RateLimitError):
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 43  # 42 waits of 7 s = 294 s


def test_a_5xx_after_429s_still_has_its_own_retries(
    router: respx.Router, clock: list[float]
) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [
        *(too_many() for _ in range(5)),
        httpx.Response(503),
        httpx.Response(503),
        httpx.Response(200, json=PRODUCT),
    ]
    with client(max_retries=2) as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 8


def test_other_failures_keep_their_count(router: respx.Router, clock: list[float]) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [too_many(), *(httpx.Response(503) for _ in range(5))]
    with client(max_retries=2) as cc, pytest.raises(InternalServerError):
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 4  # the 429's retry, then two for the 503s


def test_the_reset_header_is_honoured_when_it_comes_sooner() -> None:
    now = 1_800_000_000.0
    reset = datetime.fromtimestamp(now, UTC) + timedelta(milliseconds=250)
    headers = {"Retry-After": "1", "X-Rate-Limit-Reset": reset.isoformat().replace("+00:00", "Z")}
    assert rate_limit_wait(headers, now=now) == pytest.approx(0.25)
    assert rate_limit_wait({"Retry-After": "1"}, now=now) == 1.0
    late = datetime.fromtimestamp(now, UTC) + timedelta(seconds=30)
    headers["X-Rate-Limit-Reset"] = late.isoformat()
    assert rate_limit_wait(headers, now=now) == 1.0  # Retry-After, when it is the sooner


def test_a_429_without_headers_backs_off(router: respx.Router, clock: list[float]) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [httpx.Response(429) for _ in range(6)] + [
        httpx.Response(200, json=PRODUCT)
    ]
    with client(retry=RetryPolicy(backoff_base=0.5, backoff_max=4.0)) as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert len(clock[1:]) == 6
    for wait, ceiling in zip(clock[1:], ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_a_429_retry_logs_the_budget(
    router: respx.Router, clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [too_many("5"), too_many("5"), httpx.Response(200, json=PRODUCT)]
    caplog.set_level(logging.INFO, logger="configcat_publicapi")
    with client() as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    lines = [r.getMessage() for r in caplog.records if r.name == "configcat_publicapi"]
    assert "(retry 2, 5.0 s of the 120 s budget spent)" in lines[1]
