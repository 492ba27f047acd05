"""Webhooks and their signing keys."""

from __future__ import annotations

from typing import Any

import attrs

from configcat_mock.state.records.changes import noted


@attrs.define(on_setattr=noted)
class Webhook:
    webhook_id: int
    config_id: str
    environment_id: str
    url: str
    http_method: str = "get"
    content: str | None = None
    headers: list[dict[str, Any]] = attrs.field(factory=list)
    """``WebhookHeaderModel`` objects; secure values are answered masked."""
