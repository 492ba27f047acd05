"""Constants shared by the overlay tests."""

from __future__ import annotations

from typing import Any

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
