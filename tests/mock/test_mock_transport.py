"""The in-process transports: the same answers as the app gives, from any thread or loop,
and no import attempted per request."""

from __future__ import annotations

import asyncio
import builtins
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat


@contextmanager
def failed_imports() -> Iterator[list[str]]:
    """Names whose import raised while the block ran."""
    failed: list[str] = []
    real = builtins.__import__

    def watching(name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return real(name, *args, **kwargs)
        except ImportError:
            failed.append(name)
            raise

    builtins.__import__ = watching
    try:
        yield failed
    finally:
        builtins.__import__ = real


def test_sync_requests_attempt_no_import() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
        h.get("/v1/me").raise_for_status()
        with failed_imports() as failed:
            for _ in range(20):
                assert h.get("/v1/me").status_code == 200
        assert failed == []


async def test_async_requests_attempt_no_import() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        async with httpx.AsyncClient(
            transport=mock.async_transport, base_url="http://m", auth=("demo", "demo")
        ) as h:
            (await h.get("/v1/me")).raise_for_status()
            with failed_imports() as failed:
                for _ in range(20):
                    assert (await h.get("/v1/me")).status_code == 200
            assert failed == []


def test_the_sync_transport_serves_many_threads_and_a_running_loop() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
        statuses: list[int] = []

        def work() -> None:
            for _ in range(10):
                statuses.append(h.get("/v1/me").status_code)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 40

        async def inside_a_loop() -> int:
            return h.get("/v1/me").status_code  # noqa: ASYNC212 - the case under test

        assert asyncio.run(inside_a_loop()) == 200
        h.close()


@pytest.mark.parametrize("path", ["/v1/products/a%2Fb/configs", "/v1/products/%0D/configs"])
def test_encoded_path_segments_reach_the_app_as_sent(path: str) -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
        response = h.get(path, params={"x": "1"})
        assert response.status_code in (400, 404)  # a product id, not two path segments
        assert mock.journal.entries[-1].operation_id == "get-configs"
