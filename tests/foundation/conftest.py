from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PINNED = REPO / "spec" / "swagger.json"


@pytest.fixture(scope="session")
def pinned_bytes() -> bytes:
    if not PINNED.is_file():
        pytest.fail("spec/swagger.json is missing: run `make spec` (make test does it for you)")
    return PINNED.read_bytes()


@pytest.fixture(scope="session")
def pinned_doc(pinned_bytes: bytes) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(pinned_bytes)
    return doc
