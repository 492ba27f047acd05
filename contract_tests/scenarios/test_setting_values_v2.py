"""Flag values, v2 model: targeting rules with user, segment and prerequisite conditions,
percentage options, invalid formulas, JSON Patch with version checks, dependencies that stop
a delete, by SDK key, the whole config."""

from __future__ import annotations

from typing import Any

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient
from configcat_publicapi.patch import JsonPatch
from configcat_publicapi_client.models import (
    UpdateEvaluationFormulaModel,
    UpdateEvaluationFormulasModel,
)
from contract_tests.scenarios import support
from contract_tests.scenarios.support import flag, sandbox_config


def _formula(body: dict[str, Any]) -> UpdateEvaluationFormulaModel:
    return UpdateEvaluationFormulaModel.from_dict(body)


def test_values_v2(cc: ConfigCatClient, organization_id: str) -> None:
    values = cc.setting_values_v2
    with sandbox_config(cc, organization_id, "v2") as (pid, eid, cid):
        segment = support.segment(cc, pid, "Staff", "isOneOf", "a@b.c").segment_id
        base = flag(cc, cid, "base")
        sid = flag(cc, cid, "banner", "string")
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
                        {"segmentCondition": {"segmentId": str(segment), "comparator": "isIn"}}
                    ],
                    "value": {"stringValue": "staff"},
                },
                {
                    "conditions": [
                        {
                            "prerequisiteFlagCondition": {
                                "prerequisiteSettingId": base,
                                "comparator": "equals",
                                "prerequisiteComparisonValue": {"boolValue": True},
                            }
                        }
                    ],
                    "value": {"stringValue": "pre"},
                },
                {
                    "percentageOptions": [
                        {"percentage": 30, "value": {"stringValue": "a"}},
                        {"percentage": 70, "value": {"stringValue": "b"}},
                    ]
                },
            ],
            "percentageEvaluationAttribute": "Identifier",
        }
        got = values.replace_setting_value_v2(eid, sid, body=_formula(formula))
        rules = got.targeting_rules
        assert got.default_value.string_value == "off"
        condition = rules[0].conditions[0].user_condition
        assert condition is not None and condition.comparison_value.list_value is not None
        assert condition.comparison_value.list_value[0].value == "HU"
        segment_condition = rules[1].conditions[0].segment_condition
        assert segment_condition is not None and segment_condition.segment_id == segment
        prerequisite = rules[2].conditions[0].prerequisite_flag_condition
        assert prerequisite is not None and prerequisite.prerequisite_setting_id == base
        assert [o.percentage for o in rules[3].percentage_options] == [30, 70]
        assert got.percentage_evaluation_attribute == "Identifier"
        assert values.get_setting_value_v2(eid, base).setting_ids_where_prerequisite == [sid]
        version = got.last_version_id
        for bad in (
            {"defaultValue": {"boolValue": True}},
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {
                        "value": {"stringValue": "y"},
                        "percentageOptions": [{"percentage": 100, "value": {"stringValue": "z"}}],
                    }
                ],
            },
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {"percentageOptions": [{"percentage": 50, "value": {"stringValue": "z"}}]}
                ],
            },
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {
                        "conditions": [
                            {
                                "prerequisiteFlagCondition": {
                                    "prerequisiteSettingId": sid,
                                    "comparator": "equals",
                                    "prerequisiteComparisonValue": {"stringValue": "x"},
                                }
                            }
                        ],
                        "value": {"stringValue": "y"},
                    }
                ],
            },
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {
                        "conditions": [
                            {
                                "userCondition": {
                                    "comparisonAttribute": "Age",
                                    "comparator": "numberGreater",
                                    "comparisonValue": {"stringValue": "x"},
                                }
                            }
                        ],
                        "value": {"stringValue": "y"},
                    }
                ],
            },
        ):
            with pytest.raises(BadRequestError):
                values.replace_setting_value_v2(eid, sid, body=_formula(bad))
        # patch, no-op patch (204), stale version
        on = JsonPatch().replace("/defaultValue/stringValue", "on").build()
        patched = values.update_setting_value_v2(eid, sid, body=on)
        assert patched is not None and patched.default_value.string_value == "on"
        assert patched.last_version_id != version
        assert values.update_setting_value_v2.raw(eid, sid, body=on).status_code == 204
        stale = JsonPatch().replace("/defaultValue/stringValue", "x").build()
        with pytest.raises(BadRequestError):
            values.update_setting_value_v2(eid, sid, latest_version_id=version, body=stale)
        # the base flag cannot go while it is a prerequisite; the segment neither
        with pytest.raises(BadRequestError):
            cc.settings.delete_setting(base)
        with pytest.raises(BadRequestError):
            cc.segments.delete_segment(segment)
        # by SDK key and the whole config
        scope = cc.for_config_environment(cid, eid)
        assert scope.get_value_v2("banner").default_value.string_value == "on"
        scope.replace_value_v2("base", _formula({"defaultValue": {"boolValue": True}}))
        listed = values.get_setting_values_v2(cid, eid)
        assert [f.setting.key for f in listed.setting_formulas] == ["banner", "base"], "by name"
        posted = values.post_setting_values_v2(
            cid,
            eid,
            body=UpdateEvaluationFormulasModel.from_dict(
                {"updateFormulas": [{"settingId": sid, "defaultValue": {"stringValue": "bulk"}}]}
            ),
        )
        by_id = {f.setting.setting_id: f for f in posted.setting_formulas}
        assert by_id[sid].default_value.string_value == "bulk"
        assert by_id[sid].targeting_rules == []
        assert by_id[base].default_value.bool_value is True
        with pytest.raises(BadRequestError):  # v2 configs take no v1 calls
            cc.setting_values.get_setting_value(eid, sid)
