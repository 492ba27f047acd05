"""Fixtures for the overlay tests: clients on respx, recorded sleeps, sample payloads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from configcat_publicapi import _transport
from tests.overlay.overlay_support import BASE


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record every wait of the transport instead of sleeping."""
    recorded: list[float] = []

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_transport, "_sleep", fake_sleep)
    monkeypatch.setattr(_transport, "_async_sleep", fake_async_sleep)
    return recorded


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        yield mock
