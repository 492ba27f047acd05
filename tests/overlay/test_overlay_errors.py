"""Every non-2xx status raises its typed exception; the overlay never returns None for one."""

from __future__ import annotations

from uuid import UUID

import httpx
import pytest
import respx

from configcat_publicapi import (
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    AsyncConfigCatClient,
    AuthenticationError,
    BadRequestError,
    ConfigCatClient,
    ConfigCatError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    RateLimitError,
)
from tests.overlay.overlay_support import BASE, PASSWORD, PRODUCT, PRODUCT_ID

PRODUCT_URL = f"/v1/products/{PRODUCT_ID}"

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (402, PlanLimitError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
    (418, APIStatusError),
]


def client(**kwargs: object) -> ConfigCatClient:
    return ConfigCatClient("alice", PASSWORD, max_retries=0, rate_limit=None, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_each_status_raises_its_class(
    router: respx.Router, status: int, cls: type[APIStatusError]
) -> None:
    router.get(PRODUCT_URL).respond(status, text="")
    with client() as cc, pytest.raises(cls) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    error = err.value
    assert type(error) is cls
    assert isinstance(error, APIStatusError) and isinstance(error, ConfigCatError)
    assert error.status_code == status
    assert error.method == "GET"
    assert error.url == BASE + PRODUCT_URL
    assert str(status) in str(error)


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_each_status_raises_its_class_async(
    router: respx.Router, status: int, cls: type[APIStatusError]
) -> None:
    router.get(PRODUCT_URL).respond(status)
    async with AsyncConfigCatClient("alice", PASSWORD, max_retries=0, rate_limit=None) as acc:
        with pytest.raises(cls) as err:
            await acc.products.get_product(UUID(PRODUCT_ID))
    assert type(err.value) is cls and err.value.status_code == status


def test_documented_4xx_without_body_raises_instead_of_none(router: respx.Router) -> None:
    # the generated function returns None here: 404 is documented with no body
    router.get(PRODUCT_URL).respond(404)
    with client() as cc:
        from configcat_publicapi_client.api.products import get_product

        assert get_product.sync(UUID(PRODUCT_ID), client=cc.api) is None
        with pytest.raises(NotFoundError):
            cc.products.get_product(UUID(PRODUCT_ID))


def test_validation_body_becomes_field_errors(router: respx.Router) -> None:
    body = {"Name": ["The Name field is required.", "Too short."], "Order": ["Must be >= 0."]}
    router.post("/v1/organizations/3a8a4b8e-1111-4c4e-9d8f-000000000001/products").respond(
        400, json=body
    )
    from configcat_publicapi_client.models import CreateProductRequest

    with client() as cc, pytest.raises(BadRequestError) as err:
        cc.products.create_product(
            UUID("3a8a4b8e-1111-4c4e-9d8f-000000000001"), body=CreateProductRequest(name="")
        )
    assert err.value.field_errors == body
    assert "Name: The Name field is required. Too short." in str(err.value)
    assert err.value.method == "POST"


def test_non_validation_body_keeps_text_and_no_field_errors(router: respx.Router) -> None:
    router.get(PRODUCT_URL).respond(409, json={"message": "conflict", "code": 7})
    with client() as cc, pytest.raises(ConflictError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert err.value.field_errors == {}
    assert '"message"' in err.value.text and "conflict" in str(err.value)


def test_rate_limit_error_carries_retry_after(router: respx.Router) -> None:
    router.get(PRODUCT_URL).respond(429, headers={"Retry-After": "7"})
    with client() as cc, pytest.raises(RateLimitError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert err.value.retry_after == 7.0


def test_undocumented_status_code_still_raises(router: respx.Router) -> None:
    # 599 is no HTTPStatus member: the generated code itself fails to build its response
    router.get(PRODUCT_URL).respond(599, text="edge failure")
    with client() as cc, pytest.raises(InternalServerError) as err:
        cc.products.get_product(UUID(PRODUCT_ID))
    assert err.value.status_code == 599 and "edge failure" in err.value.text


def test_raw_form_gives_status_headers_and_body_without_raising(router: respx.Router) -> None:
    router.get(PRODUCT_URL).respond(404, json={"x": 1}, headers={"X-Trace": "t1"})
    router.get("/v1/products").respond(200, json=[PRODUCT])
    with client() as cc:
        raw = cc.products.get_product.raw(UUID(PRODUCT_ID))
        ok = cc.products.get_products.raw()
    assert (raw.status_code, raw.headers["X-Trace"], raw.json(), raw.parsed) == (
        404,
        "t1",
        {"x": 1},
        None,
    )
    assert not raw.is_success and raw.method == "GET" and raw.url == BASE + PRODUCT_URL
    assert ok.is_success and ok.parsed[0].name == "Checkout" and ok.json()[0]["order"] == 0


def test_success_returns_typed_model(router: respx.Router) -> None:
    router.get(PRODUCT_URL).respond(200, json=PRODUCT)
    with client() as cc:
        product = cc.products.get_product(UUID(PRODUCT_ID))
    from configcat_publicapi_client.models import ProductModel

    assert isinstance(product, ProductModel) and str(product.product_id) == PRODUCT_ID


def test_no_content_returns_none(router: respx.Router) -> None:
    router.delete(PRODUCT_URL).respond(204)
    with client() as cc:
        assert cc.products.delete_product(UUID(PRODUCT_ID)) is None


def test_malformed_success_body_raises_response_error(router: respx.Router) -> None:
    router.get(PRODUCT_URL).respond(200, json={"unexpected": True})
    with client() as cc, pytest.raises(APIResponseError, match="does not match"):
        cc.products.get_product(UUID(PRODUCT_ID))


def test_connection_and_timeout_errors(router: respx.Router) -> None:
    router.get(PRODUCT_URL).mock(side_effect=httpx.ConnectError("refused"))
    router.get("/v1/products").mock(side_effect=httpx.ReadTimeout("slow"))
    with client() as cc:
        with pytest.raises(APIConnectionError) as conn:
            cc.products.get_product(UUID(PRODUCT_ID))
        with pytest.raises(APITimeoutError) as slow:
            cc.products.get_products()
    assert not isinstance(conn.value, APITimeoutError)
    assert conn.value.method == "GET" and conn.value.url == BASE + PRODUCT_URL
    assert isinstance(slow.value, APIConnectionError) and "timed out" in str(slow.value)


async def test_async_connection_error(router: respx.Router) -> None:
    router.get(PRODUCT_URL).mock(side_effect=httpx.ConnectError("refused"))
    async with AsyncConfigCatClient("alice", PASSWORD, max_retries=0, rate_limit=None) as acc:
        with pytest.raises(APIConnectionError):
            await acc.products.get_product(UUID(PRODUCT_ID))


def test_bad_arguments_are_not_disguised(router: respx.Router) -> None:
    with client() as cc, pytest.raises(AttributeError):
        cc.products.create_product(UUID(PRODUCT_ID), body="not a model")  # type: ignore[arg-type]
    assert not router.calls
