"""Pagination: lazy, item by item, across pages, for `for` and `async for`."""

from __future__ import annotations

from uuid import UUID

import pytest
import respx

from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient, NotFoundError
from tests.overlay.overlay_support import PASSWORD, PRODUCT_ID, paged_server

AUDIT_URL = f"/v2/products/{PRODUCT_ID}/auditlogs"
ORG = "3a8a4b8e-1111-4c4e-9d8f-000000000001"


def test_sync_pagination_across_three_pages_is_lazy(router: respx.Router) -> None:
    seen: list[tuple[int, int]] = []
    router.get(AUDIT_URL).mock(side_effect=paged_server(7, seen))
    with ConfigCatClient("u", PASSWORD, rate_limit=None) as cc:
        items = cc.paginate(cc.audit_logs.get_auditlogs_v2, PRODUCT_ID, page_size=3)
        assert seen == []  # nothing fetched before iteration
        first = next(items)
        assert seen == [(1, 3)] and first.audit_log_id == 0
        rest = list(items)
    assert [i.audit_log_id for i in rest] == list(range(1, 7))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_default_page_size_is_the_maximum(router: respx.Router) -> None:
    seen: list[tuple[int, int]] = []
    router.get(AUDIT_URL).mock(side_effect=paged_server(250, seen))
    with ConfigCatClient("u", PASSWORD, rate_limit=None) as cc:
        ids = [i.audit_log_id for i in cc.audit_logs.get_auditlogs_v2.paginate(UUID(PRODUCT_ID))]
    assert ids == list(range(250))
    assert seen == [(1, 100), (2, 100), (3, 100)]


def test_filters_are_passed_on_every_page(router: respx.Router) -> None:
    seen: list[tuple[int, int]] = []
    route = router.get(AUDIT_URL).mock(side_effect=paged_server(4, seen))
    with ConfigCatClient("u", PASSWORD, rate_limit=None) as cc:
        list(
            cc.paginate(
                cc.audit_logs.get_auditlogs_v2,
                PRODUCT_ID,
                config_id="11111111-2222-3333-4444-555555555555",
                page_size=2,
            )
        )
    assert len(route.calls) == 2
    assert all(
        c.request.url.params["configId"] == "11111111-2222-3333-4444-555555555555"
        for c in route.calls
    )


async def test_async_pagination_across_three_pages(router: respx.Router) -> None:
    seen: list[tuple[int, int]] = []
    router.get(f"/v2/organizations/{ORG}/auditlogs").mock(side_effect=paged_server(5, seen))
    async with AsyncConfigCatClient("u", PASSWORD, rate_limit=None) as acc:
        ids = [
            item.audit_log_id
            async for item in acc.paginate(
                acc.audit_logs.get_organization_auditlogs_v2, ORG, page_size=2
            )
        ]
    assert ids == [0, 1, 2, 3, 4]
    assert seen == [(1, 2), (2, 2), (3, 2)]


def test_an_empty_list_makes_one_request(router: respx.Router) -> None:
    seen: list[tuple[int, int]] = []
    router.get(AUDIT_URL).mock(side_effect=paged_server(0, seen))
    with ConfigCatClient("u", PASSWORD, rate_limit=None) as cc:
        assert list(cc.audit_logs.get_auditlogs_v2.paginate(UUID(PRODUCT_ID))) == []
    assert seen == [(1, 100)]


def test_errors_surface_during_iteration(router: respx.Router) -> None:
    router.get(AUDIT_URL).respond(404)
    with ConfigCatClient("u", PASSWORD, rate_limit=None) as cc, pytest.raises(NotFoundError):
        list(cc.audit_logs.get_auditlogs_v2.paginate(UUID(PRODUCT_ID)))


def test_only_paged_operations_paginate() -> None:
    with ConfigCatClient("u", PASSWORD) as cc:
        with pytest.raises(TypeError, match="not a paged list operation"):
            cc.paginate(cc.products.get_products)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="page_size"):
            cc.paginate(cc.audit_logs.get_auditlogs_v2, PRODUCT_ID, page_size=101)
        paged = sorted(
            f"{ns}.{name}"
            for ns in ("audit_logs", "change_requests", "members", "products")
            for name in getattr(cc, ns).operations()
            if getattr(getattr(cc, ns), name).is_paged
        )
    assert paged == [
        "audit_logs.get_auditlogs_v2",
        "audit_logs.get_organization_auditlogs_v2",
        "change_requests.get_change_requests",
    ]
