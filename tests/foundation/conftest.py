from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spec.lockfile import OLDER_LOCK, SpecError, fetch

REPO = Path(__file__).resolve().parents[2]
PINNED = REPO / "spec" / "swagger.json"
SHARED = REPO.parent / "shared" / "spec"
OLDER = REPO / "spec" / "build" / "configcat-publicapi-2024-10.json"


@pytest.fixture(scope="session")
def pinned_bytes() -> bytes:
    if not PINNED.is_file():
        pytest.fail("spec/swagger.json is missing: run `make spec` (make test does it for you)")
    return PINNED.read_bytes()


@pytest.fixture(scope="session")
def pinned_doc(pinned_bytes: bytes) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(pinned_bytes)
    return doc


@pytest.fixture(scope="session")
def older_path() -> Path:
    """The 2024-10 document: from ../shared/spec, else downloaded from its lock's immutable
    source; verified against ``spec/spec-2024-10.lock.json`` either way."""
    try:
        fetch(str(SHARED / "configcat-publicapi-2024-10.json"), OLDER_LOCK, OLDER)
    except SpecError as exc:
        pytest.fail(str(exc))
    return OLDER
