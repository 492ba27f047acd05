"""Tags (a delete unties its flags) and segments (names unique ignoring case, partial updates,
usage counts)."""

from __future__ import annotations

import uuid

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi_client.models import (
    CreateTagModel,
    UpdateSegmentModel,
    UpdateTagModel,
)
from contract_tests.scenarios.support import flag, sandbox_config, sandbox_product, segment


def test_tag_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    with sandbox_config(cc, organization_id) as (pid, _, cid):
        tid = cc.tags.create_tag(pid, body=CreateTagModel(name="ops")).tag_id
        assert isinstance(tid, int)
        assert cc.tags.update_tag(tid, body=UpdateTagModel(color="red")).color == "red"
        assert [t.name for t in cc.tags.get_tags(pid)] == ["ops"]
        sid = flag(cc, cid, "f", tags=[tid])
        assert [s.setting_id for s in cc.tags.get_settings_by_tag(tid)] == [sid]
        cc.tags.delete_tag(tid)
        with pytest.raises(NotFoundError):
            cc.tags.get_tag(tid)
        assert cc.settings.get_setting(sid).tags == []


def test_segment_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    with sandbox_product(cc, organization_id) as product:
        pid = product.product_id
        seg = segment(cc, pid, "Beta", "contains", "@x")
        assert isinstance(seg.segment_id, uuid.UUID)
        with pytest.raises(BadRequestError):
            segment(cc, pid, "BETA", "contains", "b")
        got = cc.segments.update_segment(seg.segment_id, body=UpdateSegmentModel(description="d"))
        assert (got.description, got.name) == ("d", "Beta")
        assert cc.segments.get_segment(seg.segment_id).comparator == "contains"
        assert [s.usage for s in cc.segments.get_segments(pid)] == [0]
        cc.segments.delete_segment(seg.segment_id)
        with pytest.raises(NotFoundError):
            cc.segments.get_segment(seg.segment_id)
