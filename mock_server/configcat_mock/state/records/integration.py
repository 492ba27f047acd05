"""Integrations, integration links on setting values, and proxy profiles."""

from __future__ import annotations

from typing import Any

import attrs

from configcat_mock.state.records.changes import noted


@attrs.define(on_setattr=noted)
class Integration:
    integration_id: str
    product_id: str
    integration_type: str
    name: str
    parameters: dict[str, str | None] = attrs.field(factory=dict)
    environment_ids: list[str] = attrs.field(factory=list)
    config_ids: list[str] = attrs.field(factory=list)


@attrs.define(on_setattr=noted)
class IntegrationLink:
    environment_id: str
    setting_id: int
    link_type: str
    key: str
    description: str | None = None
    url: str | None = None


@attrs.define(on_setattr=noted)
class ProxyProfile:
    proxy_profile_id: str
    organization_id: str
    name: str
    description: str | None = None
    connection_preferences: dict[str, Any] = attrs.field(factory=dict)
    selection_rules: list[dict[str, Any]] = attrs.field(factory=list)
    sdk_keys: list[dict[str, Any]] = attrs.field(factory=list)
    """Explicit ``{"configId", "environmentId", "selected"}`` choices, applied after the rules."""
    secret: str = ""
    last_accessed_at: str | None = None
