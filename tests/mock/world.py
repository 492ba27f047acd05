"""A small world of every resource kind, and a seed with a second user in a second organization."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import httpx

from configcat_mock.state.seed import DEFAULT_SEED, DEMO_ORGANIZATION_ID

if TYPE_CHECKING:
    from configcat_mock import MockConfigCat

OTHER_ORG = "5d7f3a1e-1111-4a4a-8b8b-222233334444"


def http(mock: MockConfigCat) -> httpx.Client:
    """An httpx client on ``mock``'s in-process transport, as the demo user."""
    return httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))


def two_org_seed() -> dict[str, Any]:
    """The default seed plus ``mallory`` / ``pw``, admin of another organization."""
    seed = copy.deepcopy(DEFAULT_SEED)
    tables = seed["tables"]
    tables["users"].append(
        {
            "user_id": "mallory",
            "email": "m@example.org",
            "full_name": "Mallory",
            "username": "mallory",
            "password": "pw",
        }
    )
    tables["organizations"].append({"organization_id": OTHER_ORG, "name": "Other"})
    tables["memberships"].append(
        {"organization_id": OTHER_ORG, "user_id": "mallory", "is_admin": True}
    )
    return seed


def build_demo_world(http: httpx.Client) -> dict[str, Any]:
    """One resource of each kind in the demo organization; their ids by path parameter."""

    def post(path: str, body: Any, status: int = 201) -> Any:
        r = http.post(path, json=body)
        assert r.status_code == status, (path, r.text)
        return r.json() if r.content else None

    pid = post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", {"name": "P"})["productId"]
    eid = post(f"/v1/products/{pid}/environments", {"name": "E"})["environmentId"]
    cid = post(f"/v1/products/{pid}/configs", {"name": "C", "evaluationVersion": "v2"})["configId"]
    sid = post(f"/v1/configs/{cid}/settings", {"key": "f", "name": "F", "settingType": "boolean"})[
        "settingId"
    ]
    gid = http.get(f"/v1/products/{pid}/permissions").json()[0]["permissionGroupId"]
    post(f"/v1/products/{pid}/members/invite", {"emails": ["x@y.z"], "permissionGroupId": gid}, 200)
    cr = post(
        f"/v2/configs/{cid}/environments/{eid}/change-requests",
        {
            "title": "t",
            "bypassApproval": True,
            "proposedChanges": [
                {"proposedChange": {"settingId": sid, "defaultValue": {"boolValue": True}}}
            ],
        },
    )
    comment = post(f"/v2/change-requests/{cr['changeRequestId']}/comments", {"body": "b"}, 200)
    post(f"/v1/environments/{eid}/settings/{sid}/integrationLinks/trello/K", {"url": "u"}, 200)
    return {
        "organizationId": DEMO_ORGANIZATION_ID,
        "productId": pid,
        "environmentId": eid,
        "configId": cid,
        "settingId": sid,
        "settingKeyOrId": "f",
        "permissionGroupId": gid,
        "tagId": post(f"/v1/products/{pid}/tags", {"name": "t"})["tagId"],
        "segmentId": post(
            f"/v1/products/{pid}/segments",
            {
                "name": "s",
                "comparisonAttribute": "a",
                "comparator": "isOneOf",
                "comparisonValue": "v",
            },
        )["segmentId"],
        "webhookId": post(
            f"/v1/configs/{cid}/environments/{eid}/webhooks", {"url": "https://example.com"}
        )["webhookId"],
        "integrationId": post(
            f"/v1/products/{pid}/integrations",
            {
                "integrationType": "slack",
                "name": "i",
                "parameters": {},
                "environmentIds": [],
                "configIds": [],
            },
        )["integrationId"],
        "proxyProfileId": post(
            f"/v1/organizations/{DEMO_ORGANIZATION_ID}/proxy-profiles", {"name": "pp"}
        )["proxyProfileId"],
        "changeRequestId": cr["changeRequestId"],
        "commentId": comment["changeRequestCommentId"],
        "invitationId": http.get(f"/v1/products/{pid}/invitations").json()[0]["invitationId"],
        "userId": "demo-user",
        "integrationLinkType": "trello",
        "key": "K",
        "sdkKey": http.get(f"/v1/configs/{cid}/environments/{eid}").json()["primary"],
    }
