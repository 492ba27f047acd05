"""Change requests: open one, comment, edit, a conflicting change meanwhile, close."""

from __future__ import annotations

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient
from configcat_publicapi_client.models import (
    AddChangeRequestCommentModel,
    CreateChangeRequestModel,
    UpdateChangeRequestCommentModel,
    UpdateChangeRequestModel,
    UpdateEvaluationFormulaModel,
)
from contract_tests.scenarios.support import flag, sandbox_config


def test_change_request_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    crs = cc.change_requests
    with sandbox_config(cc, organization_id, "v2") as (pid, eid, cid):
        sid = flag(cc, cid, "f")
        body = CreateChangeRequestModel.from_dict(
            {
                "title": "Turn on",
                "bypassApproval": False,
                "proposedChanges": [
                    {"proposedChange": {"settingId": sid, "defaultValue": {"boolValue": True}}}
                ],
            }
        )
        cr = crs.create_change_request(cid, eid, body=body)
        crid = cr.change_request_id
        assert cr.change_request_status == "open"
        assert cr.setting_values[0].proposed_evaluation_formula.default_value.bool_value is True
        assert cc.setting_values_v2.get_setting_value_v2(eid, sid).change_request_count == 1
        listed = crs.get_change_requests(pid).change_requests.data
        assert listed is not None
        assert [c.change_request_id for c in listed] == [crid]
        proposed = crs.get_change_request_proposed_changes(crid)
        assert proposed.proposed_changes[0].default_value.bool_value is True
        comment = crs.add_change_request_comment(
            crid, body=AddChangeRequestCommentModel(body="lgtm?")
        )
        edited = crs.update_change_request_comment(
            comment.change_request_comment_id, body=UpdateChangeRequestCommentModel(body="edited")
        )
        assert edited.edited_at is not None
        got = crs.update_change_request(
            crid, body=UpdateChangeRequestModel(title="Turn on now", reason="r")
        )
        assert (got.title, got.reason) == ("Turn on now", "r")
        # a change to the value meanwhile is a conflict
        cc.setting_values_v2.replace_setting_value_v2(
            eid,
            sid,
            body=UpdateEvaluationFormulaModel.from_dict({"defaultValue": {"boolValue": False}}),
        )
        assert crs.get_change_request(crid).setting_values[0].has_conflict is True
        crs.delete_change_request_comment(comment.change_request_comment_id)
        assert crs.close_change_request(crid).change_request_status == "closed"
        with pytest.raises(BadRequestError):
            crs.close_change_request(crid)
        assert cc.setting_values_v2.get_setting_value_v2(eid, sid).change_request_count == 0
