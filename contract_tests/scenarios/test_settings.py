"""Feature flags and settings: keys, tags, replace and JSON Patch, predefined variations,
delete and the deleted-settings list."""

from __future__ import annotations

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi.patch import JsonPatch, SettingPatch
from configcat_publicapi_client.models import (
    CreateSettingInitialValues,
    CreateTagModel,
    ReplaceSettingModel,
    SettingType,
    UpdatePredefinedVariationsRequest,
)
from contract_tests.scenarios.support import sandbox_config


def test_setting_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    flags = cc.settings
    with sandbox_config(cc, organization_id) as (pid, eid, cid):
        tag = cc.tags.create_tag(pid, body=CreateTagModel(name="beta", color="blue"))
        body = {
            "key": "newCheckout",
            "name": "New checkout",
            "settingType": "boolean",
            "hint": "h",
            "tags": [tag.tag_id],
            "initialValues": [{"environmentId": str(eid), "value": True}],
        }
        created = flags.create_setting(cid, body=CreateSettingInitialValues.from_dict(body))
        sid = created.setting_id
        assert isinstance(sid, int)
        assert [t.tag_id for t in created.tags] == [tag.tag_id]
        assert cc.setting_values.get_setting_value(eid, sid).value is True
        # keys: pattern, length, unique ignoring case; tags and initial values are checked
        refused = [
            {**body, "key": bad, "initialValues": []}
            for bad in ("1abc", "with space", "a" * 256, "NEWCHECKOUT", "ä")
        ]
        refused.append({**body, "key": "x", "tags": [999_999]})
        refused.append(
            {**body, "key": "x", "initialValues": [{"environmentId": str(eid), "value": "yes"}]}
        )
        for bad_body in refused:
            with pytest.raises(BadRequestError) as error:
                flags.create_setting(cid, body=CreateSettingInitialValues.from_dict(bad_body))
            assert error.value.field_errors, error.value
        text = flags.create_setting(
            cid,
            body=CreateSettingInitialValues(
                key="banner_text-1", name="Banner", setting_type=SettingType.STRING, order=1
            ),
        )
        assert [s.key for s in flags.get_settings(cid)] == ["newCheckout", "banner_text-1"]
        got = flags.replace_setting(
            sid, body=ReplaceSettingModel(name="Checkout", hint=None, tags=[])
        )
        assert (got.name, got.hint, got.tags) == ("Checkout", None, [])
        patched = flags.update_setting(
            sid, body=SettingPatch().name("Checkout v2").add_tag(tag.tag_id).build()
        )
        assert patched.name == "Checkout v2"
        assert [t.tag_id for t in patched.tags] == [tag.tag_id]
        with pytest.raises(BadRequestError):
            flags.update_setting(sid, body=JsonPatch().remove("/nope").build())
        assert flags.get_setting(sid).name == "Checkout v2"
        # predefined variations
        variations = UpdatePredefinedVariationsRequest.from_dict(
            {
                "predefinedVariations": [
                    {"value": {"stringValue": "A"}, "name": "a"},
                    {"value": {"stringValue": "B"}},
                ]
            }
        )
        assert (
            len(
                flags.update_predefined_variations(
                    text.setting_id, body=variations
                ).predefined_variations
            )
            == 2
        )
        listed = flags.get_predefined_variations(text.setting_id)
        assert [v.value.string_value for v in listed.predefined_variations] == ["A", "B"]
        wrong_type = UpdatePredefinedVariationsRequest.from_dict(
            {"predefinedVariations": [{"value": {"intValue": 1}}]}
        )
        with pytest.raises(BadRequestError):
            flags.update_predefined_variations(text.setting_id, body=wrong_type)
        # delete; the deleted settings list; ids are not reused
        flags.delete_setting(sid)
        with pytest.raises(NotFoundError):
            flags.get_setting(sid)
        with pytest.raises(NotFoundError):
            cc.setting_values.get_setting_value(eid, sid)
        assert [d.key for d in cc.audit_logs.get_deleted_settings(cid)] == ["newCheckout"]
        again = flags.create_setting(
            cid, body=CreateSettingInitialValues.from_dict({**body, "tags": []})
        )
        assert again.setting_id != sid
