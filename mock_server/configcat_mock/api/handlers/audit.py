"""Audit logs (v1 lists, v2 pages) and zombie (stale) flags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import paging
from configcat_mock.api.operations import handles
from configcat_mock.state import records as m

Selected = tuple[int, Callable[[int, int | None], list[m.AuditLog]]]
"""How many entries a query selects, and a window of them by offset and limit."""


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def view(a: m.AuditLog) -> dict[str, Any]:
    return {
        "auditLogId": a.audit_log_id,
        "auditLogDateTime": a.created_at,
        "auditLogTypeEnum": a.type,
        "truncated": False,
        "modelVersion": 1,
        "auditLogType": a.type,
        "userEmail": a.user_email,
        "userName": a.user_name,
        "where": a.where,
        "why": a.why,
        "actionTarget": a.action_target,
        "details": a.details,
    }


def _select(c: Call, organization_id: str, product_id: str | None) -> Selected:
    q = c.query
    checks = [
        (field, q[name])
        for name, field in (
            ("configId", "config_id"),
            ("environmentId", "environment_id"),
            ("auditLogType", "type"),
        )
        if q.get(name) is not None
    ]

    def keep(a: m.AuditLog) -> bool:
        return all(getattr(a, field) == value for field, value in checks)

    return c.backend.audit_logs.select(
        organization_id,
        product_id,
        since=_aware(q["fromUtcDateTime"]) if "fromUtcDateTime" in q else None,
        until=_aware(q["toUtcDateTime"]) if "toUtcDateTime" in q else None,
        keep=keep if checks else None,
    )


def _product_logs(c: Call) -> Selected:
    product = c.backend.product(c.path["productId"], c.user)
    return _select(c, product.organization_id, product.product_id)


def _org_logs(c: Call) -> Selected:
    org = c.backend.organization(c.path["organizationId"], c.user)
    return _select(c, org.organization_id, c.query.get("productId"))


def _listed(found: Selected) -> Any:
    return [view(a) for a in found[1](0, None)]


def _paged(c: Call, found: Selected) -> Any:
    total, window = found
    number, size = c.query.get("pageNumber", 1), c.query.get("pageSize", 100)
    start = (number - 1) * size
    # a start before the first entry slices like a list would (what the service's paging of
    # a list gives); otherwise only the page is read
    data = window(start, size) if start >= 0 else window(0, None)[start : start + size]
    return {"paging": paging(total, number, size), "data": [view(a) for a in data]}


@handles("get-auditlogs")
def get_auditlogs(c: Call) -> Any:
    return _listed(_product_logs(c))


@handles("get-auditlogs-v2")
def get_auditlogs_v2(c: Call) -> Any:
    return _paged(c, _product_logs(c))


@handles("get-organization-auditlogs")
def get_organization_auditlogs(c: Call) -> Any:
    return _listed(_org_logs(c))


@handles("get-organization-auditlogs-v2")
def get_organization_auditlogs_v2(c: Call) -> Any:
    return _paged(c, _org_logs(c))


@handles("get-staleflags")
def get_staleflags(c: Call) -> Any:
    """Flags whose value has not changed for ``staleFlagAgeDays`` (default 7) days."""
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    q = c.query
    cutoff = datetime.now(UTC) - timedelta(days=q.get("staleFlagAgeDays", 7))
    ignored_envs = set(q.get("ignoredEnvironmentIds") or [])
    ignored_tags = set(q.get("ignoredTagIds") or [])
    need_all = q.get("staleFlagStaleInEnvironmentsType") == "staleInAllEnvironments"
    envs = [
        e
        for e in views.ordered(b.environments.where(product_id=product.product_id))
        if e.environment_id not in ignored_envs
    ]
    referenced = {ref.get("settingId") for r in b.code_reports for ref in r.flag_references}
    # "Config has code references uploaded": any report for the config, whichever flags it
    # names and whether or not they are stale
    uploaded = {r.config_id for r in b.code_reports}
    configs = []
    for config in views.ordered(b.configs.where(product_id=product.product_id)):
        settings = []
        for s in views.ordered(b.settings.where(config_id=config.config_id)):
            if ignored_tags.intersection(s.tag_ids):
                continue
            values = []
            for env in envs:
                value = b.setting_values.get((s.setting_id, env.environment_id))
                updated = value.updated_at if value else None
                stale = (
                    _when(updated) if updated else _when(s.created_at or "1970-01-01T00:00:00Z")
                ) < cutoff
                values.append(
                    {"environmentId": env.environment_id, "updatedAt": updated, "isStale": stale}
                )
            flags = [v["isStale"] for v in values]
            if flags and (all(flags) if need_all else any(flags)):
                settings.append(
                    {
                        "settingId": s.setting_id,
                        "name": s.name,
                        "key": s.key,
                        "hint": s.hint,
                        "hasCodeReferences": s.setting_id in referenced,
                        "tags": [
                            {"tagId": t, "settingTagId": s.setting_id * 100_000 + t}
                            for t in s.tag_ids
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
