"""Permission groups bind members who are not organization admins, when enforcement is on."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEFAULT_SEED, DEMO_ORGANIZATION_ID

ORG = DEMO_ORGANIZATION_ID


def _seed() -> dict[str, Any]:
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["tables"]["users"].append(
        {
            "user_id": "bob",
            "email": "bob@x.y",
            "full_name": "Bob",
            "username": "bob",
            "password": "pw",
        }
    )
    seed["tables"]["memberships"].append({"organization_id": ORG, "user_id": "bob"})
    return seed


def _world(admin: httpx.Client) -> dict[str, Any]:
    def post(path: str, body: Any) -> Any:
        response = admin.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json() if response.content else None

    pid = post(f"/v1/organizations/{ORG}/products", {"name": "P"})["productId"]
    prod = post(f"/v1/products/{pid}/environments", {"name": "Prod"})["environmentId"]
    dev = post(f"/v1/products/{pid}/environments", {"name": "Dev"})["environmentId"]
    cid = post(f"/v1/products/{pid}/configs", {"name": "C"})["configId"]
    sid = post(f"/v1/configs/{cid}/settings", {"key": "f", "name": "F", "settingType": "boolean"})[
        "settingId"
    ]
    tag = post(f"/v1/products/{pid}/tags", {"name": "t"})["tagId"]
    group = post(
        f"/v1/products/{pid}/permissions",
        {
            "name": "Editors",
            "canCreateOrUpdateSetting": True,
            "canDeleteSetting": False,
            "canDeleteTag": False,
            "accessType": "custom",
            "newEnvironmentAccessType": "none",
            "environmentAccesses": [
                {"environmentId": prod, "environmentAccessType": "readOnly"},
                {"environmentId": dev, "environmentAccessType": "full"},
            ],
        },
    )["permissionGroupId"]
    post(f"/v1/organizations/{ORG}/members/bob", {"permissionGroupIds": [group]})
    other = post(f"/v1/organizations/{ORG}/products", {"name": "Unshared"})["productId"]
    keys = admin.get(f"/v1/configs/{cid}/environments/{prod}").json()
    return {
        "pid": pid,
        "prod": prod,
        "dev": dev,
        "cid": cid,
        "sid": sid,
        "tag": tag,
        "other": other,
        "prod_key": keys["primary"],
    }


def _clients(mock: MockConfigCat) -> tuple[httpx.Client, httpx.Client]:
    def client(user: str, password: str) -> httpx.Client:
        return httpx.Client(transport=mock.transport, base_url="http://m", auth=(user, password))

    return client("demo", "demo"), client("bob", "pw")


@pytest.fixture
def enforced() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False, seed=_seed(), enforce_permissions=True) as mock:
        yield mock


PATCH_TRUE = [{"op": "replace", "path": "/value", "value": True}]


def test_the_group_decides_what_a_member_may_change(enforced: MockConfigCat) -> None:
    admin, bob = _clients(enforced)
    w = _world(admin)
    created = bob.post(
        f"/v1/configs/{w['cid']}/settings", json={"key": "g", "name": "G", "settingType": "int"}
    )
    assert created.status_code == 201, created.text
    refused = bob.delete(f"/v1/settings/{w['sid']}")
    assert refused.status_code == 403
    assert "canDeleteSetting" in refused.json()["message"]
    assert bob.delete(f"/v1/tags/{w['tag']}").status_code == 403
    assert bob.post(f"/v1/products/{w['pid']}/configs", json={"name": "X"}).status_code == 403
    # reads stay open, and refused writes changed nothing
    assert [s["key"] for s in bob.get(f"/v1/configs/{w['cid']}/settings").json()] == ["f", "g"]
    assert admin.get(f"/v1/tags/{w['tag']}").status_code == 200
    assert enforced.app.internal_errors == []


def test_values_need_full_access_to_the_environment(enforced: MockConfigCat) -> None:
    admin, bob = _clients(enforced)
    w = _world(admin)
    value = f"/v1/environments/{{}}/settings/{w['sid']}/value"
    assert bob.patch(value.format(w["dev"]), json=PATCH_TRUE).status_code == 200
    assert bob.patch(value.format(w["prod"]), json=PATCH_TRUE).status_code == 403
    by_key = bob.put(
        "/v1/settings/f/value", json={"value": True}, headers={"X-CONFIGCAT-SDKKEY": w["prod_key"]}
    )
    assert by_key.status_code == 403
    bulk = bob.post(
        f"/v1/configs/{w['cid']}/environments/{w['prod']}/values",
        json={"settingValues": [{"settingId": w["sid"], "value": True}]},
    )
    assert bulk.status_code == 403
    assert admin.get(value.format(w["prod"])).json()["value"] is False
    assert admin.patch(value.format(w["prod"]), json=PATCH_TRUE).status_code == 200


def test_without_a_seat_in_the_product_writes_are_refused(enforced: MockConfigCat) -> None:
    admin, bob = _clients(enforced)
    w = _world(admin)
    answer = bob.post(f"/v1/products/{w['other']}/environments", json={"name": "E"})
    assert answer.status_code == 403
    assert "not a member" in answer.json()["message"]
    assert bob.get(f"/v1/products/{w['other']}/environments").status_code == 200


def test_an_admin_is_not_bound_by_a_group(enforced: MockConfigCat) -> None:
    admin, bob = _clients(enforced)
    w = _world(admin)
    promote = admin.post(f"/v1/organizations/{ORG}/members/bob", json={"isAdmin": True})
    assert promote.status_code == 200, promote.text
    assert bob.delete(f"/v1/settings/{w['sid']}").status_code == 204


def test_off_by_default() -> None:
    with MockConfigCat(rate_limits=False, seed=_seed()) as mock:
        admin, bob = _clients(mock)
        w = _world(admin)
        assert bob.delete(f"/v1/settings/{w['sid']}").status_code == 204


def test_unknown_targets_answer_404_not_403(enforced: MockConfigCat) -> None:
    admin, bob = _clients(enforced)
    w = _world(admin)
    assert bob.put("/v1/settings/f/value", json={"value": True}).status_code == 404
    assert bob.delete("/v1/settings/987654").status_code == 404
    assert (
        bob.post(
            "/v1/products/00000000-0000-4000-8000-000000000000/configs", json={"name": "X"}
        ).status_code
        == 404
    )
    assert bob.delete(f"/v1/settings/{w['sid']}").status_code == 403
