"""The mock's framework: auth, routing, validation errors, spec discovery, transports."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from configcat_mock import MockConfigCat, SpecNotFoundError
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi_client.api.products import create_product, get_products
from configcat_publicapi_client.models import CreateProductRequest


def test_generated_client_round_trip(configcat_client: ConfigCatClient) -> None:
    created = create_product.sync_detailed(
        DEMO_ORGANIZATION_ID, client=configcat_client.api, body=CreateProductRequest(name="Shop")
    )
    assert created.status_code == 201
    listed = get_products.sync_detailed(client=configcat_client.api)
    assert listed.status_code == 200
    assert [p.name for p in listed.parsed or []] == ["Shop"]


async def test_async_transport(configcat_async_client: AsyncConfigCatClient) -> None:
    response = await get_products.asyncio_detailed(client=configcat_async_client.api)
    assert response.status_code == 200
    assert response.parsed == []


@pytest.mark.parametrize(
    "auth",
    [None, ("demo", "wrong"), ("nobody", "demo")],
    ids=["missing", "wrong-password", "unknown-user"],
)
def test_bad_credentials_answer_401(
    configcat_mock: MockConfigCat, auth: tuple[str, str] | None
) -> None:
    with httpx.Client(transport=configcat_mock.transport, base_url="http://m", auth=auth) as http:
        response = http.get("/v1/products")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


def test_garbage_authorization_header(configcat_mock: MockConfigCat) -> None:
    with httpx.Client(transport=configcat_mock.transport, base_url="http://m") as http:
        response = http.get("/v1/products", headers={"Authorization": "Basic !!!not-base64"})
    assert response.status_code == 401


def test_unknown_route_and_method(configcat_client: ConfigCatClient) -> None:
    assert configcat_client.http.get("/v1/nothing-here").status_code == 404
    refused = configcat_client.http.delete("/v1/products")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET"
    assert configcat_client.http.request("TRACE", "/v1/products/x").status_code == 405


def test_malformed_json_is_400(configcat_client: ConfigCatClient) -> None:
    response = configcat_client.http.post(
        f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products",
        content=b'{"name": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["body"]


def test_schema_violation_names_the_field(configcat_client: ConfigCatClient) -> None:
    response = configcat_client.http.post(
        f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "", "order": "x"}
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"name", "order"}
    assert all(isinstance(v, list) and v for v in body.values())


@pytest.mark.parametrize("bad", ["not-a-uuid", "1", "%00"])
def test_bad_path_parameter_is_400(configcat_client: ConfigCatClient, bad: str) -> None:
    response = configcat_client.http.get(f"/v1/products/{bad}")
    assert response.status_code == 400
    assert "productId" in response.json()


def test_unknown_id_is_404(configcat_client: ConfigCatClient) -> None:
    response = configcat_client.http.get("/v1/products/3f1c2a4e-0000-4000-8000-000000000000")
    assert response.status_code == 404


def test_missing_spec_override_names_both_overrides(tmp_path: Path) -> None:
    with pytest.raises(SpecNotFoundError) as err:
        MockConfigCat(spec_path=tmp_path / "absent.json")
    assert "absent.json given by --spec / spec_path= does not exist" in str(err.value)
    assert "--spec FILE" in str(err.value) and "CONFIGCAT_MOCK_SPEC" in str(err.value)


def test_spec_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONFIGCAT_MOCK_SPEC", str(tmp_path / "nope.json"))
    with pytest.raises(SpecNotFoundError) as err:
        MockConfigCat()
    assert "nope.json given by CONFIGCAT_MOCK_SPEC does not exist" in str(err.value)
    assert "--spec FILE" in str(err.value)


def test_import_does_not_read_the_spec(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = "import configcat_mock, configcat_mock.http.app, configcat_mock.cli; print('ok')"
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"CONFIGCAT_MOCK_SPEC": str(tmp_path / "missing.json"), "PATH": ""},
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_control_health_lists_every_operation(configcat_client: ConfigCatClient) -> None:
    health = configcat_client.http.get("/_mock/health").json()
    assert health["operations"] == 123
    assert health["unimplemented"] == []


def test_responses_are_compact_json(configcat_client: ConfigCatClient) -> None:
    response = configcat_client.http.get("/v1/products")
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.content) == []


@pytest.mark.configcat_mock(rate_limits=True, id_seed=5)
def test_marker_passes_options_to_the_fixture(configcat_mock: MockConfigCat) -> None:
    assert configcat_mock.app.limiter.limits.enabled
    assert configcat_mock.backend.id_seed == 5


async def test_sync_client_inside_a_running_loop(configcat_client: ConfigCatClient) -> None:
    response = configcat_client.http.get("/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "demo@example.com"


def test_same_id_seed_same_ids() -> None:
    ids = []
    for _ in range(2):
        with (
            MockConfigCat(rate_limits=False, id_seed=9) as mock,
            httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h,
        ):
            created = h.post(
                f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "A"}
            )
            ids.append(created.json()["productId"])
    assert ids[0] == ids[1]
