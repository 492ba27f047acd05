"""A user's own tests of their flag automation, run against the installed wheel's fixtures."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient, NotFoundError
from configcat_publicapi_client.models import CreateProductRequest, UpdateProductRequest


def rename_products(cc: ConfigCatClient, prefix: str) -> int:
    """The user's automation: prefix every product's name."""
    count = 0
    for product in cc.products.get_products():
        body = UpdateProductRequest(name=prefix + product.name)
        cc.products.update_product(product.product_id, body=body)
        count += 1
    return count


def test_sync_fixture_drives_the_automation(
    configcat_client: ConfigCatClient, configcat_mock: MockConfigCat
) -> None:
    org = configcat_client.organizations.get_organizations()[0]
    body = CreateProductRequest(name="Shop")
    configcat_client.products.create_product(org.organization_id, body=body)
    assert rename_products(configcat_client, "old-") == 1
    assert [p.name for p in configcat_client.products.get_products()] == ["old-Shop"]
    assert configcat_mock.dump()["tables"]["products"][0]["name"] == "old-Shop"
    with pytest.raises(NotFoundError):
        configcat_client.products.get_product("3f1c2a4e-0000-4000-8000-000000000000")


@pytest.mark.anyio
async def test_async_fixture_under_anyio(configcat_async_client: AsyncConfigCatClient) -> None:
    me = await configcat_async_client.me.get_me()
    assert me.email == "demo@example.com"


@pytest.mark.asyncio
async def test_async_fixture_under_pytest_asyncio(
    configcat_async_client: AsyncConfigCatClient,
) -> None:
    orgs = await configcat_async_client.organizations.get_organizations()
    assert [o.name for o in orgs] == ["Demo Organization"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_served_mock_answers_the_client(tmp_path: Path) -> None:
    port = _free_port()
    exe = Path(sys.executable).parent / "configcat-mock"
    # `timeout` ends the server by itself should this test die before its teardown
    timeout = shutil.which("timeout") or "timeout"
    server = subprocess.Popen(  # noqa: S603
        [timeout, "120", str(exe), "serve", "--port", str(port), "--no-rate-limit"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        os.environ["CONFIGCAT_API_HOST"] = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        with ConfigCatClient("demo", "demo", max_retries=0) as cc:
            while True:
                try:
                    assert cc.me.get_me().email == "demo@example.com"
                    break
                except Exception:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.1)
        # the dashboard's templates and stylesheet came with the wheel
        page = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=True, timeout=10)
        assert page.status_code == 200
        assert "<h1>Flags</h1>" in page.text
        style = httpx.get(f"http://127.0.0.1:{port}/_dashboard/static/dashboard.css", timeout=10)
        assert style.status_code == 200
        assert "--brand" in style.text
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert "the packaged spec (pinned" in err
