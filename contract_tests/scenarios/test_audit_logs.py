"""Audit logs: newest first, filters, the paged v2 lists page by page and through the
overlay's pagination, the organization's log narrowed to a product."""

from __future__ import annotations

from uuid import UUID

from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client.models import CreateTagModel
from contract_tests.scenarios.support import sandbox_config


def test_audit_logs(cc: ConfigCatClient, organization_id: str) -> None:
    logs = cc.audit_logs
    with sandbox_config(cc, organization_id) as (pid, eid, _):
        for i in range(3):
            cc.tags.create_tag(pid, body=CreateTagModel(name=f"t{i}"))
        entries = logs.get_auditlogs(pid)
        kinds = [e.audit_log_type_enum for e in entries]
        assert kinds[:3] == ["tagAdded"] * 3, "newest first"
        assert {"productCreated", "environmentCreated", "configCreated"} <= set(kinds)
        only_env = logs.get_auditlogs(pid, environment_id=eid)
        assert [e.audit_log_type_enum for e in only_env] == ["environmentCreated"]
        page1 = logs.get_auditlogs_v2(pid, page_size=2)
        assert page1.data is not None and page1.paging is not None
        assert len(page1.data) == 2
        assert (page1.paging.total_count, page1.paging.has_next) == (len(entries), True)
        last = logs.get_auditlogs_v2(pid, page_size=2, page_number=page1.paging.total_pages)
        assert last.paging is not None and last.paging.has_next is False
        every = list(logs.get_auditlogs_v2.paginate(pid, page_size=2))
        assert [e.audit_log_id for e in every] == [e.audit_log_id for e in entries]
        org_logs = logs.get_organization_auditlogs_v2(UUID(organization_id), product_id=pid)
        assert org_logs.paging is not None and org_logs.paging.total_count == len(entries)
