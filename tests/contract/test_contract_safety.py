"""The live-run guards: which operations each mode may send, sandbox naming, the sweeper."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import respx

from contract_tests.safety import (
    allowed,
    sandbox,
    sandbox_created_at,
    sandbox_name,
    sweep,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("method", "path", "read_only", "write"),
    [
        ("GET", "/v1/products", True, True),
        ("GET", "/v1/settings/{settingId}", True, True),
        ("POST", "/v1/products/{productId}/configs", False, True),
        ("PUT", "/v1/environments/{environmentId}", False, True),
        ("DELETE", "/v1/products/{productId}", False, True),
        # cannot be confined to the sandbox: a random integer id may name a real flag
        ("DELETE", "/v1/settings/{settingId}", False, False),
        ("PATCH", "/v1/environments/{environmentId}/settings/{settingId}/value", False, False),
        # organization-wide
        ("POST", "/v1/organizations/{organizationId}/products", False, False),
        ("DELETE", "/v1/organizations/{organizationId}/members/{userId}", False, False),
        ("POST", "/v1/code-references", False, False),
    ],
)
def test_allowed_operations(method: str, path: str, read_only: bool, write: bool) -> None:
    assert allowed(method, path, write=False) is read_only
    assert allowed(method, path, write=True) is write


def test_sandbox_names_round_trip() -> None:
    name = sandbox_name(NOW)
    assert name == "cc-contract-20261125T120000Z"
    assert sandbox_created_at(name) == NOW
    assert sandbox_created_at(name + "-scenario") == NOW
    assert sandbox_created_at("Checkout") is None
    assert sandbox_created_at("cc-contract-yesterday") is None


@respx.mock(base_url="http://api.test", assert_all_called=False)
def test_sweeper_deletes_only_old_sandboxes(respx_mock: respx.Router) -> None:
    old = sandbox_name(NOW - dt.timedelta(hours=7))
    fresh = sandbox_name(NOW - dt.timedelta(minutes=5))
    products = [
        {"productId": "p-old", "name": old},
        {"productId": "p-fresh", "name": fresh},
        {"productId": "p-real", "name": "Checkout"},
    ]
    respx_mock.get("/v1/products").respond(200, json=products)
    deleted = respx_mock.delete(url__regex=r"/v1/products/.*").respond(204)
    with httpx.Client(base_url="http://api.test") as http:
        swept = sweep(http, max_age=dt.timedelta(hours=6), now=NOW)
    assert swept == [old]
    assert [c.request.url.path for c in deleted.calls] == ["/v1/products/p-old"]


@respx.mock(base_url="http://api.test")
def test_sandbox_is_deleted_when_the_block_fails(respx_mock: respx.Router) -> None:
    respx_mock.get("/v1/organizations").respond(200, json=[{"organizationId": "o1"}])
    respx_mock.post("/v1/organizations/o1/products").respond(201, json={"productId": "p1"})
    respx_mock.post("/v1/products/p1/configs").respond(201, json={"configId": "c1"})
    respx_mock.post("/v1/products/p1/environments").respond(201, json={"environmentId": "e1"})
    deleted = respx_mock.delete("/v1/products/p1").respond(204)
    seen: list[dict[str, str]] = []

    def failing_run(http: httpx.Client) -> None:
        with sandbox(http) as box:
            seen.append(box.path_parameters())
            raise RuntimeError("boom")

    with (
        httpx.Client(base_url="http://api.test") as http,
        pytest.raises(RuntimeError, match="boom"),
    ):
        failing_run(http)
    assert seen == [{"productId": "p1", "configId": "c1", "environmentId": "e1"}]
    assert deleted.call_count == 1


@respx.mock(base_url="http://api.test")
def test_half_built_sandbox_is_removed(respx_mock: respx.Router) -> None:
    respx_mock.get("/v1/organizations").respond(200, json=[{"organizationId": "o1"}])
    respx_mock.post("/v1/organizations/o1/products").respond(201, json={"productId": "p1"})
    respx_mock.post("/v1/products/p1/configs").respond(400, json={"Name": ["too long"]})
    deleted = respx_mock.delete("/v1/products/p1").respond(204)
    with httpx.Client(base_url="http://api.test") as http, pytest.raises(RuntimeError, match="400"):
        sandbox(http).__enter__()
    assert deleted.call_count == 1


def test_live_session_waits_out_429_for_any_method() -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from configcat_mock.http.server import LoopbackServer
    from contract_tests.safety import retrying_session

    seen: list[str] = []

    async def endpoint(request: Request) -> JSONResponse:
        seen.append(request.method)
        if len(seen) % 2:
            return JSONResponse({"message": "slow down"}, 429, headers={"Retry-After": "0"})
        return JSONResponse({"ok": True}, 201)

    app = Starlette(routes=[Route("/v1/x", endpoint, methods=["POST"])])
    with LoopbackServer(app) as server, retrying_session() as session:
        response = session.post(server.url + "/v1/x", json={})
    assert response.status_code == 201
    assert seen == ["POST", "POST"]
