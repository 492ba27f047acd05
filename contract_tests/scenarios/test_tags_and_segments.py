"""Tags on flags and segments used by targeting rules."""

from __future__ import annotations

from typing import Any

from contract_tests.scenarios.conftest import Api


def test_tags_and_segments(api: Api, product: dict[str, Any]) -> None:
    pid = product["productId"]
    config = api.post(f"/v1/products/{pid}/configs", {"name": "Tags"}, expect=201)
    tag = api.post(f"/v1/products/{pid}/tags", {"name": "client", "color": "panther"}, expect=201)
    flag = api.post(
        f"/v1/configs/{config['configId']}/settings",
        {"key": "darkMode", "name": "Dark mode", "settingType": "boolean", "tags": [tag["tagId"]]},
        expect=201,
    )
    tagged = api.get(f"/v1/tags/{tag['tagId']}/settings")
    assert [s["settingId"] for s in tagged] == [flag["settingId"]]
    renamed = api.put(f"/v1/tags/{tag['tagId']}", {"name": "web", "color": "salmon"})
    assert renamed["name"] == "web"

    segment = api.post(
        f"/v1/products/{pid}/segments",
        {
            "name": "Beta users",
            "comparisonAttribute": "Email",
            "comparator": "contains",
            "comparisonValue": "@example.com",
        },
        expect=201,
    )
    assert [s["segmentId"] for s in api.get(f"/v1/products/{pid}/segments")] == [
        segment["segmentId"]
    ]
    api.put(
        f"/v1/segments/{segment['segmentId']}",
        {
            "name": "Beta",
            "comparisonAttribute": "Email",
            "comparator": "contains",
            "comparisonValue": "@beta.example.com",
        },
    )
    assert api.get(f"/v1/segments/{segment['segmentId']}")["name"] == "Beta"
    api.delete(f"/v1/segments/{segment['segmentId']}", expect=204)
    api.delete(f"/v1/tags/{tag['tagId']}", expect=204)
    api.get(f"/v1/tags/{tag['tagId']}", expect=404)
