"""Scenario fixtures: an overlay client bound to the target and a throw-away product."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from configcat_publicapi import ConfigCatClient
from contract_tests.safety import delete_product, sandbox_name
from contract_tests.targets import Target


class Api:
    """JSON calls through the overlay client's transport that fail loudly on a bad status."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def call(
        self, method: str, path: str, expect: int | tuple[int, ...] = (200, 201, 204), **kw: Any
    ) -> Any:
        response = self.http.request(method, path, **kw)
        wanted = (expect,) if isinstance(expect, int) else expect
        assert response.status_code in wanted, (
            f"{method} {path} answered {response.status_code}, wanted {wanted}: "
            f"{response.text[:300]}"
        )
        return response.json() if response.content else None

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, json=body, **kw)

    def put(self, path: str, body: Any, **kw: Any) -> Any:
        return self.call("PUT", path, json=body, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> Any:
        return self.call("PATCH", path, json=body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.call("DELETE", path, **kw)


@pytest.fixture(scope="session")
def client(target: Target) -> Iterator[ConfigCatClient]:
    if target.is_live and not target.write:
        pytest.skip("live target is read-only; scenarios write: set CONTRACT_WRITE=1 to run them")
    transport = target.mock.transport if target.app is not None else None
    with ConfigCatClient(
        target.username, target.password, base_url=target.base_url, transport=transport
    ) as cc:
        yield cc


@pytest.fixture
def api(client: ConfigCatClient) -> Api:
    return Api(client.http)


@pytest.fixture
def organization_id(api: Api) -> str:
    orgs = api.get("/v1/organizations")
    assert orgs, "the credentials see no organization"
    return str(orgs[0]["organizationId"])


@pytest.fixture
def product(api: Api, organization_id: str) -> Iterator[dict[str, Any]]:
    """A product named like a sandbox (the sweeper finds it if a run dies), deleted after."""
    created = api.post(
        f"/v1/organizations/{organization_id}/products",
        {"name": sandbox_name() + "-scenario", "description": "contract scenario"},
        expect=201,
    )
    try:
        yield created
    finally:
        delete_product(api.http, created["productId"])
