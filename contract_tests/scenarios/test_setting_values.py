"""Flag values, v1 model: rollout rules with segments, percentages, bad values, JSON Patch
(and the 204 of a patch that changes nothing), by SDK key, the whole config, a required reason."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi.patch import SettingValuePatch
from configcat_publicapi_client.models import (
    AuditLogType,
    UpdateEvaluationFormulaModel,
    UpdatePreferencesRequest,
    UpdateSettingValueModel,
    UpdateSettingValuesWithIdModel,
)
from contract_tests.scenarios import support
from contract_tests.scenarios.support import flag, sandbox_config

VALUE_CHANGED = AuditLogType("settingValueChanged")


def _value(body: dict[str, Any]) -> UpdateSettingValueModel:
    return UpdateSettingValueModel.from_dict(body)


def test_values_v1(cc: ConfigCatClient, organization_id: str) -> None:
    values = cc.setting_values
    with sandbox_config(cc, organization_id, "v1") as (pid, eid, cid):
        segment = support.segment(cc, pid, "Beta", "contains", "@example.com")
        sid = flag(cc, cid, "limit", "int")
        assert values.get_setting_value(eid, sid).value == 0
        body = {
            "value": 10,
            "rolloutRules": [
                {
                    "comparisonAttribute": "Email",
                    "comparator": "contains",
                    "comparisonValue": "@corp.com",
                    "value": 100,
                },
                {"segmentComparator": "isIn", "segmentId": str(segment.segment_id), "value": 50},
            ],
            "rolloutPercentageItems": [
                {"percentage": 30, "value": 20},
                {"percentage": 70, "value": 10},
            ],
        }
        got = values.replace_setting_value(eid, sid, body=_value(body))
        assert got.value == 10
        assert [r.value for r in got.rollout_rules] == [100, 50]
        assert got.rollout_rules[1].segment_id == segment.segment_id
        assert [i.percentage for i in got.rollout_percentage_items] == [30, 70]
        assert got.last_updater_user_email
        for bad in (
            {"value": "ten"},
            {"value": 1.5},
            {**body, "rolloutPercentageItems": [{"percentage": 30, "value": 1}]},
            {
                "value": 1,
                "rolloutRules": [
                    {"segmentComparator": "isIn", "segmentId": str(uuid.uuid4()), "value": 1}
                ],
            },
        ):
            with pytest.raises(BadRequestError):
                values.replace_setting_value(eid, sid, body=_value(bad))
        # JSON Patch; a patch that changes nothing answers 204
        patched = values.update_setting_value(eid, sid, body=SettingValuePatch().value(11).build())
        assert patched is not None and patched.value == 11
        assert patched.rollout_rules == got.rollout_rules
        same = values.update_setting_value.raw(eid, sid, body=SettingValuePatch().value(11).build())
        assert same.status_code == 204
        with pytest.raises(BadRequestError):
            values.update_setting_value(eid, sid, body=SettingValuePatch().value(True).build())
        # by SDK key: the flag by key or by id
        scope = cc.for_config_environment(cid, eid)
        assert scope.get_value("limit").value == 11
        assert scope.get_value(sid).value == 11
        with pytest.raises(NotFoundError):
            scope.get_value("nope")
        with pytest.raises(NotFoundError):
            cc.sdk_key_values.get_setting_value_by_sdkkey("limit")
        updated = scope.update_value("limit", SettingValuePatch().value(12))
        assert updated is not None and updated.value == 12
        # the whole config
        listed = values.get_setting_values(cid, eid)
        assert [v.value for v in listed.setting_values] == [12]
        posted = values.post_setting_values(
            cid,
            eid,
            body=UpdateSettingValuesWithIdModel.from_dict(
                {"settingValues": [{"settingId": sid, "value": 13}]}
            ),
        )
        assert posted.setting_values[0].value == 13
        assert posted.setting_values[0].rollout_rules == []
        # v1 configs read through v2, but take no v2 writes
        assert cc.setting_values_v2.get_setting_value_v2(eid, sid).default_value.int_value == 13
        with pytest.raises(BadRequestError):
            cc.setting_values_v2.replace_setting_value_v2(
                eid,
                sid,
                body=UpdateEvaluationFormulaModel.from_dict({"defaultValue": {"intValue": 1}}),
            )


def test_reason_required(cc: ConfigCatClient, organization_id: str) -> None:
    with sandbox_config(cc, organization_id) as (pid, eid, cid):
        sid = flag(cc, cid, "f")
        cc.products.update_product_preferences(
            pid,
            body=UpdatePreferencesRequest.from_dict(
                {
                    "reasonRequiredEnvironments": [
                        {"environmentId": str(eid), "reasonRequired": True}
                    ]
                }
            ),
        )
        on = UpdateSettingValueModel(value=True)
        with pytest.raises(BadRequestError):
            cc.setting_values.replace_setting_value(eid, sid, body=on)
        assert (
            cc.setting_values.replace_setting_value(eid, sid, body=on, reason="launch").value
            is True
        )
        entries = cc.audit_logs.get_auditlogs(pid, audit_log_type=VALUE_CHANGED)
        assert [e.why for e in entries] == ["launch"]
        # a client made with a reason sends it on every call that takes one
        with cc.with_options(reason="weekly") as reasoned:
            off = UpdateSettingValueModel(value=False)
            assert reasoned.setting_values.replace_setting_value(eid, sid, body=off).value is False
        entries = cc.audit_logs.get_auditlogs(pid, audit_log_type=VALUE_CHANGED)
        assert [e.why for e in entries] == ["weekly", "launch"]
