"""Constants and helpers shared by the overlay tests."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` (the examples are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BASE = "https://api.configcat.com"
PRODUCT_ID = "08d86d63-2726-47cd-8bfc-59608ecb91e2"
PASSWORD = "hunter2-very-secret-password"
SDK_KEY = "configcat-sdk-1/AbCdEfGhIjKlMnOpQrStUv/0123456789abcdefghij_-"
LEGACY_SDK_KEY = "AbCdEfGhIjKlMnOpQrStUv/0123456789abcdefghij_-"

PRODUCT: dict[str, Any] = {
    "organization": {"organizationId": "3a8a4b8e-1111-4c4e-9d8f-000000000001", "name": "Org"},
    "productId": PRODUCT_ID,
    "name": "Checkout",
    "description": None,
    "order": 0,
    "reasonRequired": False,
    "approveRequired": False,
}


def audit_item(n: int) -> dict[str, Any]:
    """Audit log item ``n``, as the API sends it."""
    return {
        "auditLogId": n,
        "auditLogDateTime": "2026-01-02T03:04:05+00:00",
        "auditLogTypeEnum": "productCreated",
        "truncated": False,
        "modelVersion": 1,
        "auditLogType": "Product created",
        "userEmail": "a@example.com",
        "userName": "A",
        "where": "Checkout",
        "why": "",
        "actionTarget": "",
        "details": "",
    }


def paged_server(
    total: int, seen: list[tuple[int, int]]
) -> Callable[[httpx.Request], httpx.Response]:
    """A handler serving ``total`` audit items in the pages the request asks for."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["pageNumber"])
        size = int(request.url.params["pageSize"])
        seen.append((page, size))
        start = (page - 1) * size
        items = [audit_item(n) for n in range(start, min(start + size, total))]
        pages = -(-total // size)
        paging = {
            "currentPage": page,
            "totalPages": pages,
            "pageSize": size,
            "totalCount": total,
            "hasPrevious": page > 1,
            "hasNext": page < pages,
        }
        return httpx.Response(200, json={"paging": paging, "data": items})

    return handler
