"""Audit logs (v1 lists, v2 pages) and zombie (stale) flags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import paging
from configcat_mock.api.operations import handles
from configcat_mock.state import records

Selected = tuple[int, Callable[[int, int | None], list[records.AuditLog]]]
"""How many entries a query selects, and a window of them by offset and limit."""


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def view(entry: records.AuditLog) -> dict[str, Any]:
    return {
        "auditLogId": entry.audit_log_id,
        "auditLogDateTime": entry.created_at,
        "auditLogTypeEnum": entry.type,
        "truncated": False,
        "modelVersion": 1,
        "auditLogType": entry.type,
        "userEmail": entry.user_email,
        "userName": entry.user_name,
        "where": entry.where,
        "why": entry.why,
        "actionTarget": entry.action_target,
        "details": entry.details,
    }


def _select(call: Call, organization_id: str, product_id: str | None) -> Selected:
    query = call.query
    checks = [
        (field, query[name])
        for name, field in (
            ("configId", "config_id"),
            ("environmentId", "environment_id"),
            ("auditLogType", "type"),
        )
        if query.get(name) is not None
    ]

    def keep(entry: records.AuditLog) -> bool:
        return all(getattr(entry, field) == value for field, value in checks)

    return call.backend.audit_logs.select(
        organization_id,
        product_id,
        since=_aware(query["fromUtcDateTime"]) if "fromUtcDateTime" in query else None,
        until=_aware(query["toUtcDateTime"]) if "toUtcDateTime" in query else None,
        keep=keep if checks else None,
    )


def _product_logs(call: Call) -> Selected:
    product = call.backend.product(call.path["productId"], call.user)
    return _select(call, product.organization_id, product.product_id)


def _org_logs(call: Call) -> Selected:
    org = call.backend.organization(call.path["organizationId"], call.user)
    return _select(call, org.organization_id, call.query.get("productId"))


def _listed(found: Selected) -> Any:
    return [view(a) for a in found[1](0, None)]


def _paged(call: Call, found: Selected) -> Any:
    total, window = found
    number, size = call.query.get("pageNumber", 1), call.query.get("pageSize", 100)
    start = (number - 1) * size
    # a start before the first entry slices like a list would (what the service's paging of
    # a list gives); otherwise only the page is read
    data = window(start, size) if start >= 0 else window(0, None)[start : start + size]
    return {"paging": paging(total, number, size), "data": [view(a) for a in data]}


@handles("get-auditlogs")
def get_auditlogs(call: Call) -> Any:
    return _listed(_product_logs(call))


@handles("get-auditlogs-v2")
def get_auditlogs_v2(call: Call) -> Any:
    return _paged(call, _product_logs(call))


@handles("get-organization-auditlogs")
def get_organization_auditlogs(call: Call) -> Any:
    return _listed(_org_logs(call))


@handles("get-organization-auditlogs-v2")
def get_organization_auditlogs_v2(call: Call) -> Any:
    return _paged(call, _org_logs(call))


@handles("get-staleflags")
def get_staleflags(call: Call) -> Any:
    """Flags whose value has not changed for ``staleFlagAgeDays`` (default 7) days."""
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    query = call.query
    cutoff = datetime.now(UTC) - timedelta(days=query.get("staleFlagAgeDays", 7))
    ignored_envs = set(query.get("ignoredEnvironmentIds") or [])
    ignored_tags = set(query.get("ignoredTagIds") or [])
    need_all = query.get("staleFlagStaleInEnvironmentsType") == "staleInAllEnvironments"
    envs = [
        e
        for e in views.ordered(backend.environments.where(product_id=product.product_id))
        if e.environment_id not in ignored_envs
    ]
    referenced = {ref.get("settingId") for r in backend.code_reports for ref in r.flag_references}
    # "Config has code references uploaded": any report for the config, whichever flags it
    # names and whether or not they are stale
    uploaded = {r.config_id for r in backend.code_reports}
    configs = []
    for config in views.ordered(backend.configs.where(product_id=product.product_id)):
        settings = []
        for setting in views.ordered(backend.settings.where(config_id=config.config_id)):
            if ignored_tags.intersection(setting.tag_ids):
                continue
            values = []
            for env in envs:
                value = backend.setting_values.get((setting.setting_id, env.environment_id))
                updated = value.updated_at if value else None
                stale = (
                    _when(updated)
                    if updated
                    else _when(setting.created_at or "1970-01-01T00:00:00Z")
                ) < cutoff
                values.append(
                    {"environmentId": env.environment_id, "updatedAt": updated, "isStale": stale}
                )
            flags = [v["isStale"] for v in values]
            if flags and (all(flags) if need_all else any(flags)):
                settings.append(
                    {
                        "settingId": setting.setting_id,
                        "name": setting.name,
                        "key": setting.key,
                        "hint": setting.hint,
                        "hasCodeReferences": setting.setting_id in referenced,
                        "tags": [
                            {"tagId": t, "settingTagId": setting.setting_id * 100_000 + t}
                            for t in setting.tag_ids
                        ],
                        "settingValues": values,
                    }
                )
        configs.append(
            {
                "configId": config.config_id,
                "name": config.name,
                "evaluationVersion": config.evaluation_version,
                "hasCodeReferences": config.config_id in uploaded,
                "settings": settings,
            }
        )
    return {
        "productId": product.product_id,
        "name": product.name,
        "configs": configs,
        "environments": [{"environmentId": e.environment_id, "name": e.name} for e in envs],
    }
