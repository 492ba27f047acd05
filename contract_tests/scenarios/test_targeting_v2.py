"""Config v2 targeting rules: user, segment and prerequisite conditions, percentage options."""

from __future__ import annotations

from typing import Any

from contract_tests.scenarios.conftest import Api


def test_v2_targeting_rules(api: Api, product: dict[str, Any]) -> None:
    pid = product["productId"]
    env = api.post(f"/v1/products/{pid}/environments", {"name": "Prod"}, expect=201)
    eid = env["environmentId"]
    config = api.post(
        f"/v1/products/{pid}/configs", {"name": "V2", "evaluationVersion": "v2"}, expect=201
    )
    cid = config["configId"]
    segment = api.post(
        f"/v1/products/{pid}/segments",
        {
            "name": "Staff",
            "comparisonAttribute": "Email",
            "comparator": "contains",
            "comparisonValue": "@corp.example",
        },
        expect=201,
    )
    base = api.post(
        f"/v1/configs/{cid}/settings",
        {"key": "base", "name": "Base", "settingType": "boolean"},
        expect=201,
    )
    flag = api.post(
        f"/v1/configs/{cid}/settings",
        {"key": "banner", "name": "Banner", "settingType": "string"},
        expect=201,
    )
    formula = {
        "defaultValue": {"stringValue": "off"},
        "targetingRules": [
            {
                "conditions": [
                    {
                        "userCondition": {
                            "comparisonAttribute": "Country",
                            "comparator": "isOneOf",
                            "comparisonValue": {"listValue": [{"value": "HU"}]},
                        }
                    }
                ],
                "value": {"stringValue": "hu"},
            },
            {
                "conditions": [
                    {"segmentCondition": {"segmentId": segment["segmentId"], "comparator": "isIn"}}
                ],
                "value": {"stringValue": "staff"},
            },
            {
                "conditions": [
                    {
                        "prerequisiteFlagCondition": {
                            "prerequisiteSettingId": base["settingId"],
                            "comparator": "equals",
                            "prerequisiteComparisonValue": {"boolValue": True},
                        }
                    }
                ],
                "value": {"stringValue": "pre"},
            },
            {
                "conditions": [],
                "percentageOptions": [
                    {"percentage": 30, "value": {"stringValue": "a"}},
                    {"percentage": 70, "value": {"stringValue": "b"}},
                ],
            },
        ],
        "percentageEvaluationAttribute": "Identifier",
    }
    api.put(f"/v2/environments/{eid}/settings/{flag['settingId']}/value", formula)
    got = api.get(f"/v2/environments/{eid}/settings/{flag['settingId']}/value")
    rules = got["targetingRules"]
    assert len(rules) == 4
    assert rules[0]["conditions"][0]["userCondition"]["comparator"] == "isOneOf"
    assert rules[1]["conditions"][0]["segmentCondition"]["segmentId"] == segment["segmentId"]
    assert (
        rules[2]["conditions"][0]["prerequisiteFlagCondition"]["prerequisiteSettingId"]
        == (base["settingId"])
    )
    assert [o["percentage"] for o in rules[3]["percentageOptions"]] == [30, 70]
    assert got["defaultValue"]["stringValue"] == "off"
    values = api.get(f"/v2/configs/{cid}/environments/{eid}/values")
    assert {s["setting"]["key"] for s in values["settingFormulas"]} == {"base", "banner"}
