"""Code references uploaded by the ConfigCat CLI scanner."""

from __future__ import annotations

import uuid
from typing import Any

from configcat_mock.api.context import Call
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest
from configcat_mock.state import records
from configcat_mock.state.backend import utcnow

_NAMESPACE = uuid.UUID("7a0c7a3e-5d1b-4c55-9a8e-0c0f1c6a2b11")


def _lines(raw: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"lineText": x.get("lineText"), "lineNumber": x["lineNumber"]} for x in raw or []]


@handles("upload-code-references")
def upload_code_references(call: Call) -> Any:
    backend = call.backend
    body = call.body
    config = backend.config(body["configId"], call.user)
    known = {s.setting_id for s in backend.settings.where(config_id=config.config_id)}
    refs = []
    for i, flag in enumerate(body.get("flagReferences") or []):
        if flag["settingId"] not in known:
            raise BadRequest(f"flagReferences[{i}].settingId", "Unknown setting in this config.")
        refs.append(
            {
                "settingId": flag["settingId"],
                "references": [
                    {
                        "file": r["file"],
                        "fileUrl": r.get("fileUrl"),
                        "preLines": _lines(r.get("preLines")),
                        "postLines": _lines(r.get("postLines")),
                        "referenceLine": _lines([r["referenceLine"]])[0],
                    }
                    for r in flag.get("references") or []
                ],
            }
        )
    repository, branch = body["repository"], body["branch"]
    backend.code_reports.add(
        records.CodeReport(
            config.config_id,
            repository,
            branch,
            body.get("commitUrl"),
            body.get("commitHash"),
            body.get("uploader"),
            utcnow(),
            refs,
        )
    )
    active = body.get("activeBranches")
    if active:
        keep = {*active, branch}
        backend.code_reports.drop(
            lambda r: (
                r.config_id == config.config_id
                and r.repository == repository
                and r.branch not in keep
            )
        )
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "codeReferencesUploaded",
        repository,
        config_id=config.config_id,
    )
    return None


@handles("get-code-references")
def get_code_references(call: Call) -> Any:
    backend = call.backend
    setting = backend.setting(call.path["settingId"], call.user)
    out = []
    for report in backend.code_reports.where(config_id=setting.config_id):
        lines = [
            ref
            for flag in report.flag_references
            if flag["settingId"] == setting.setting_id
            for ref in flag["references"]
        ]
        if not lines:
            continue
        key = f"{report.config_id}/{report.repository}/{report.branch}"
        out.append(
            {
                "branch": report.branch,
                "references": lines,
                "commitUrl": report.commit_url,
                "commitHash": report.commit_hash,
                "syncedAt": report.updated_at,
                "repository": report.repository,
                "codeReferenceId": str(uuid.uuid5(_NAMESPACE, key)),
                "uploader": report.uploader,
            }
        )
    return out


@handles("delete-code-reference-reports")
def delete_code_reference_reports(call: Call) -> Any:
    backend = call.backend
    body = call.body
    config = backend.config(body["configId"], call.user)
    repository, branch, setting_id = body["repository"], body.get("branch"), body.get("settingId")
    for report in backend.code_reports.where(config_id=config.config_id, repository=repository):
        if branch and report.branch != branch:
            continue
        if setting_id is not None:
            report.flag_references = [
                f for f in report.flag_references if f["settingId"] != setting_id
            ]
        else:
            backend.code_reports.remove((report.config_id, report.repository, report.branch))
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "codeReferenceDeleted",
        repository,
        config_id=config.config_id,
    )
    return None
