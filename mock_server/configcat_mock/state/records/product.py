"""Products and what hangs directly off them: environments, configs, tags, segments, SDK keys."""

from __future__ import annotations

from typing import Any

import attrs

from configcat_mock.state.records.changes import noted


@attrs.define(on_setattr=noted)
class Product:
    product_id: str
    organization_id: str
    name: str
    description: str | None = None
    order: int = 0
    reason_required: bool = False
    approve_required: bool = False
    preferences: dict[str, Any] = attrs.field(factory=dict)
    webhook_signing_keys: list[str] = attrs.field(factory=list)


@attrs.define(on_setattr=noted)
class Environment:
    environment_id: str
    product_id: str
    name: str
    color: str | None = None
    description: str | None = None
    order: int = 0
    reason_required: bool = False
    approve_required: bool = False


@attrs.define(on_setattr=noted)
class Config:
    config_id: str
    product_id: str
    name: str
    description: str | None = None
    order: int = 0
    evaluation_version: str = "v1"
    migrated_config_id: str | None = None
    imported: dict[str, Any] | None = None
    """What an imported config JSON holds beyond the management API's models (see
    :mod:`configcat_mock.testkit.config_import`): served as it came while unchanged."""


@attrs.define(on_setattr=noted)
class Tag:
    tag_id: int
    product_id: str
    name: str
    color: str | None = None


@attrs.define(on_setattr=noted)
class Segment:
    segment_id: str
    product_id: str
    name: str
    comparison_attribute: str
    comparator: str
    comparison_value: str
    description: str | None = None
    created_at: str = ""
    updated_at: str = ""
    creator_email: str | None = None
    creator_full_name: str | None = None
    last_updater_email: str | None = None
    last_updater_full_name: str | None = None


@attrs.define(on_setattr=noted)
class SdkKey:
    """The SDK keys of one config in one environment."""

    config_id: str
    environment_id: str
    primary: str
    secondary: str | None = None
