"""Constants and helpers shared by the overlay tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

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
