"""Code references: upload a report, read it per flag, delete a repository's reports; a flag
created just now is not stale."""

from __future__ import annotations

from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client.models import CodeReferenceRequest, DeleteRepositoryReportsRequest
from contract_tests.scenarios.support import flag, sandbox_config


def test_code_references_and_stale_flags(cc: ConfigCatClient, organization_id: str) -> None:
    refs = cc.code_references
    with sandbox_config(cc, organization_id) as (pid, eid, cid):
        sid = flag(cc, cid, "old")
        report = {
            "configId": str(cid),
            "repository": "shop",
            "branch": "main",
            "activeBranches": ["main"],
            "flagReferences": [
                {
                    "settingId": sid,
                    "references": [
                        {
                            "file": "app.py",
                            "referenceLine": {
                                "lineNumber": 7,
                                "lineText": "client.get_value('old')",
                            },
                        }
                    ],
                }
            ],
        }
        refs.upload_code_references(body=CodeReferenceRequest.from_dict(report))
        found = refs.get_code_references(sid)
        assert [(r.repository, r.branch) for r in found] == [("shop", "main")]
        references = found[0].references
        assert references is not None and references[0].reference_line.line_number == 7
        refs.delete_code_reference_reports(
            body=DeleteRepositoryReportsRequest(config_id=cid, repository="shop")
        )
        assert refs.get_code_references(sid) == []
        stale = cc.stale_flags.get_staleflags(pid)
        assert stale.product_id == pid
        assert [e.environment_id for e in stale.environments] == [eid]
        assert stale.configs[0].settings == [], "a flag created just now is not stale"
