"""Audit log entries, written by every change."""

from __future__ import annotations

import attrs

from configcat_mock.state.records.changes import noted


@attrs.define(on_setattr=noted)
class AuditLog:
    audit_log_id: int
    organization_id: str
    product_id: str | None
    type: str
    created_at: str
    user_email: str | None
    user_name: str
    action_target: str
    details: str = ""
    why: str | None = None
    config_id: str | None = None
    environment_id: str | None = None
    where: str = ""
