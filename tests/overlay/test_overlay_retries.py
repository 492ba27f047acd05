"""Retries: 429 for every method, 408/5xx and broken connections for idempotent ones only."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from uuid import UUID

import httpx
import pytest
import respx

from configcat_publicapi import (
    APIConnectionError,
    AsyncConfigCatClient,
    ConfigCatClient,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
    _transport,
)
from configcat_publicapi._headers import parse_reset, parse_retry_after
from tests.overlay.overlay_support import PASSWORD, PRODUCT, PRODUCT_ID

PRODUCT_URL = f"/v1/products/{PRODUCT_ID}"
ORG = "3a8a4b8e-1111-4c4e-9d8f-000000000001"
CREATE_URL = f"/v1/organizations/{ORG}/products"


def client(**kwargs: object) -> ConfigCatClient:
    kwargs.setdefault("rate_limit", None)
    return ConfigCatClient("alice", PASSWORD, **kwargs)  # type: ignore[arg-type]


def create(cc: ConfigCatClient) -> object:
    from configcat_publicapi_client.models import CreateProductRequest

    return cc.products.create_product(UUID(ORG), body=CreateProductRequest(name="New"))


def test_retry_after_seconds_is_obeyed(router: respx.Router, sleeps: list[float]) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(200, json=PRODUCT),
    ]
    with client() as cc:
        assert cc.products.get_product(UUID(PRODUCT_ID)).name == "Checkout"
    assert route.call_count == 2
    assert sleeps == [3.0]


def test_retry_after_http_date_is_obeyed(router: respx.Router, sleeps: list[float]) -> None:
    when = datetime.now(UTC) + timedelta(seconds=20)
    route = router.get(PRODUCT_URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": format_datetime(when, usegmt=True)}),
        httpx.Response(200, json=PRODUCT),
    ]
    with client() as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert len(sleeps) == 1 and 18.0 <= sleeps[0] <= 20.0


def test_rate_limit_reset_used_without_retry_after(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [
        httpx.Response(429, headers={"X-Rate-Limit-Reset": str(int(time.time()) + 10)}),
        httpx.Response(200, json=PRODUCT),
    ]
    with client() as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert len(sleeps) == 1 and 8.0 <= sleeps[0] <= 10.0


def test_rate_limit_wait_is_capped(router: respx.Router, sleeps: list[float]) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(200, json=PRODUCT),
    ]
    with client(retry=RetryPolicy(max_rate_limit_wait=5.0)) as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert sleeps == [5.0]


def test_429_is_retried_for_post(router: respx.Router, sleeps: list[float]) -> None:
    route = router.post(CREATE_URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.Response(201, json=PRODUCT),
    ]
    with client() as cc:
        assert create(cc).name == "Checkout"  # type: ignore[attr-defined]
    assert route.call_count == 2 and sleeps == [1.0]


def test_post_is_not_retried_on_500(router: respx.Router, sleeps: list[float]) -> None:
    route = router.post(CREATE_URL).respond(500)
    with client() as cc, pytest.raises(InternalServerError):
        create(cc)
    assert route.call_count == 1 and sleeps == []


def test_patch_is_not_retried_after_a_read_timeout(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.patch("/v1/settings/12").mock(side_effect=httpx.ReadTimeout("slow"))
    with client() as cc, pytest.raises(APIConnectionError) as err:
        cc.settings.update_setting(12, body=[])
    assert route.call_count == 1 and sleeps == [] and err.value.attempts == 1


def test_get_gives_up_on_a_dead_host_after_its_retries(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.get(PRODUCT_URL).mock(side_effect=httpx.ConnectError("refused"))
    with client(max_retries=2) as cc, pytest.raises(APIConnectionError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 3 and len(sleeps) == 2
    assert err.value.attempts == 3 and "(after 3 attempts)" in str(err.value)


def test_post_is_retried_when_the_connection_was_never_made(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.post(CREATE_URL)
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(201, json=PRODUCT)]
    with client() as cc:
        create(cc)
    assert route.call_count == 2 and len(sleeps) == 1


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504, 507, 520])
def test_get_is_retried_on_transient_statuses(
    router: respx.Router, sleeps: list[float], status: int
) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [httpx.Response(status), httpx.Response(200, json=PRODUCT)]
    with client() as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 2


@pytest.mark.parametrize("status", [501, 505])
def test_permanent_server_errors_are_not_retried(
    router: respx.Router, sleeps: list[float], status: int
) -> None:
    route = router.get(PRODUCT_URL).respond(status)
    with client() as cc, pytest.raises(InternalServerError):
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 1 and sleeps == []


@pytest.mark.parametrize("method", ["put", "delete"])
def test_idempotent_writes_are_retried_on_timeouts(
    router: respx.Router, sleeps: list[float], method: str
) -> None:
    route = router.route(method=method.upper(), path=PRODUCT_URL)
    route.side_effect = [httpx.ReadTimeout("slow"), httpx.Response(204)]
    with client() as cc:
        if method == "put":
            from configcat_publicapi_client.models import UpdateProductRequest

            cc.products.update_product(UUID(PRODUCT_ID), body=UpdateProductRequest(name="x"))
        else:
            cc.products.delete_product(UUID(PRODUCT_ID))
    assert route.call_count == 2


def test_gives_up_after_max_retries_with_bounded_backoff(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.get(PRODUCT_URL).respond(503)
    policy = RetryPolicy(max_retries=4, backoff_base=0.5, backoff_max=2.0)
    with client(retry=policy) as cc, pytest.raises(InternalServerError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 5
    assert err.value.attempts == 5 and "(after 5 attempts)" in str(err.value)
    ceilings = [0.5, 1.0, 2.0, 2.0]
    assert len(sleeps) == 4
    for wait, ceiling in zip(sleeps, ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_backoff_stays_within_its_bounds() -> None:
    policy = RetryPolicy(backoff_base=0.25, backoff_max=4.0)
    for attempt in range(12):
        ceiling = min(4.0, 0.25 * 2**attempt)
        waits = [policy.backoff(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert max(waits) - min(waits) > 0  # jittered


def test_max_retries_zero_disables(router: respx.Router, sleeps: list[float]) -> None:
    route = router.get(PRODUCT_URL).respond(429, headers={"Retry-After": "1"})
    with client(max_retries=0) as cc, pytest.raises(RateLimitError):
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 1 and sleeps == []


def test_total_time_cap_stops_retrying(
    router: respx.Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    waits: list[float] = []

    def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(_transport, "_sleep", fake_sleep)
    monkeypatch.setattr(_transport, "_clock", lambda: clock[0])
    route = router.get(PRODUCT_URL).respond(429, headers={"Retry-After": "4"})
    policy = RetryPolicy(max_retries=10, total_time=10.0)
    with client(retry=policy) as cc, pytest.raises(RateLimitError):
        cc.products.get_product(UUID(PRODUCT_ID))
    # 4 s + 4 s fit into 10 s; a third wait would end at 12 s
    assert waits == [4.0, 4.0] and route.call_count == 3


def test_a_single_wait_beyond_the_cap_is_not_taken(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.get(PRODUCT_URL).respond(429, headers={"Retry-After": "30"})
    with client(retry=RetryPolicy(total_time=20.0)) as cc, pytest.raises(RateLimitError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert route.call_count == 1 and sleeps == [] and err.value.retry_after == 30.0


def test_each_retry_is_logged_with_wait_and_reason(
    router: respx.Router, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    route = router.get(PRODUCT_URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.Response(503),
        httpx.Response(200, json=PRODUCT),
    ]
    caplog.set_level(logging.INFO, logger="configcat_publicapi")
    with client() as cc:
        cc.products.get_product(UUID(PRODUCT_ID))
    lines = [r.getMessage() for r in caplog.records if r.name == "configcat_publicapi"]
    assert len(lines) == 2
    assert "in 2.00 s" in lines[0] and "429 Too Many Requests" in lines[0]
    assert (
        "503 Service Unavailable" in lines[1]
        and f"GET https://api.configcat.com{PRODUCT_URL}" in lines[1]
    )


async def test_async_client_retries_429_then_succeeds(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.post(CREATE_URL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.Response(201, json=PRODUCT),
    ]
    from configcat_publicapi_client.models import CreateProductRequest

    async with AsyncConfigCatClient("alice", PASSWORD, rate_limit=None) as acc:
        product = await acc.products.create_product(
            UUID(ORG), body=CreateProductRequest(name="New")
        )
    assert product.name == "Checkout" and sleeps == [2.0] and route.call_count == 2


async def test_async_post_not_retried_on_502(router: respx.Router, sleeps: list[float]) -> None:
    route = router.post(CREATE_URL).respond(502)
    from configcat_publicapi_client.models import CreateProductRequest

    async with AsyncConfigCatClient("alice", PASSWORD, rate_limit=None) as acc:
        with pytest.raises(InternalServerError):
            await acc.products.create_product(UUID(ORG), body=CreateProductRequest(name="New"))
    assert route.call_count == 1 and sleeps == []


def test_retries_apply_to_generated_functions_through_api(
    router: respx.Router, sleeps: list[float]
) -> None:
    route = router.get("/v1/products")
    route.side_effect = [httpx.Response(503), httpx.Response(200, json=[PRODUCT])]
    from configcat_publicapi_client.api.products import get_products

    with client() as cc:
        products = get_products.sync(client=cc.api)
    assert products is not None and products[0].name == "Checkout" and route.call_count == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5.0), ("0", 0.0), ("1.5", 1.5), ("", None), ("soon", None)],
)
def test_parse_retry_after_seconds(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_reset_forms() -> None:
    now = 1_800_000_000.0
    assert parse_reset("12", now) == 12.0  # seconds to wait
    assert parse_reset(str(int(now) + 30), now) == 30.0  # Unix seconds
    assert parse_reset(str(int(now * 1000) + 4000), now) == pytest.approx(4.0)  # Unix ms
    moment = datetime.fromtimestamp(now + 9, UTC)
    assert parse_reset(format_datetime(moment, usegmt=True), now) == pytest.approx(9.0)
    assert parse_reset(moment.isoformat(), now) == pytest.approx(9.0)
    assert parse_reset(str(int(now) - 100), now) == 0.0
    assert parse_reset("garbage", now) is None
