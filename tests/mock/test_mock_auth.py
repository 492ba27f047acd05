"""Auth on every operation of the spec, and isolation between organizations."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from spec_paths import concrete_path
from world import OTHER_ORG, build_demo_world, two_org_seed

from configcat_mock import MockConfigCat
from configcat_mock.api.spec import Spec
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

SPEC = Spec.load()
OPERATIONS = sorted(SPEC.operations, key=lambda o: o.operation_id)


@pytest.fixture(scope="module")
def shared_mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False) as mock:
        yield mock


@pytest.mark.parametrize("op", OPERATIONS, ids=[o.operation_id for o in OPERATIONS])
@pytest.mark.parametrize(
    "auth", [None, ("demo", "not-the-password"), ("", "")], ids=["none", "wrong", "empty"]
)
def test_every_operation_needs_credentials(
    shared_mock: MockConfigCat, op: Any, auth: tuple[str, str] | None
) -> None:
    with httpx.Client(transport=shared_mock.transport, base_url="http://m", auth=auth) as http:
        response = http.request(op.method, concrete_path(SPEC, op), json={})
    assert response.status_code == 401, (op.operation_id, response.text)


@pytest.mark.parametrize("op", OPERATIONS, ids=[o.operation_id for o in OPERATIONS])
def test_every_operation_answers_with_credentials(shared_mock: MockConfigCat, op: Any) -> None:
    with httpx.Client(
        transport=shared_mock.transport, base_url="http://m", auth=("demo", "demo")
    ) as http:
        response = http.request(op.method, concrete_path(SPEC, op), json={})
    assert response.status_code not in (401, 405), (op.operation_id, response.text)
    assert response.status_code < 500
    assert shared_mock.app.internal_errors == []


BODYLESS_WITH_IDS = [
    o
    for o in OPERATIONS
    if o.body_schema is None and any(p.location == "path" for p in o.parameters)
]


def test_other_organizations_resources_answer_404() -> None:
    with MockConfigCat(rate_limits=False, seed=two_org_seed()) as mock:
        demo = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
        other = httpx.Client(transport=mock.transport, base_url="http://m", auth=("mallory", "pw"))
        ids = build_demo_world(demo)
        before = mock.dump()
        assert [o["organizationId"] for o in other.get("/v1/organizations").json()] == [OTHER_ORG]
        assert other.get("/v1/products").json() == []
        headers = {"X-CONFIGCAT-SDKKEY": ids["sdkKey"]}
        answered = {}
        for op in BODYLESS_WITH_IDS:
            response = other.request(op.method, concrete_path(SPEC, op, ids), headers=headers)
            answered[op.operation_id] = response.status_code
        # link details are looked up by the tracker's key: others just see none of ours
        assert answered.pop("get-integration-link-details") == 200
        assert other.get("/v1/integrationLink/trello/K/details").json()["details"] == []
        assert {k: v for k, v in answered.items() if v != 404} == {}
        assert len(answered) > 50
        # writes with valid bodies are refused the same way, and nothing changed
        assert other.put(f"/v1/products/{ids['productId']}", json={"name": "x"}).status_code == 404
        assert (
            other.post(
                f"/v1/products/{ids['productId']}/environments", json={"name": "x"}
            ).status_code
            == 404
        )
        assert (
            other.post(
                f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "x"}
            ).status_code
            == 404
        )
        after = mock.dump()
        assert before["tables"] == after["tables"]
        # the owner still sees everything
        assert demo.get(f"/v1/products/{ids['productId']}").status_code == 200


def test_unknown_ids_answer_404(shared_mock: MockConfigCat) -> None:
    with httpx.Client(
        transport=shared_mock.transport, base_url="http://m", auth=("demo", "demo")
    ) as http:
        assert http.get(f"/v1/configs/{uuid.uuid4()}").status_code == 404
        assert http.get("/v1/settings/987654").status_code == 404
        assert http.delete(f"/v1/segments/{uuid.uuid4()}").status_code == 404
