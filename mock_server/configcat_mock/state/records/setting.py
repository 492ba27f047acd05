"""Feature flags / settings, their values per environment, deleted settings, code references."""

from __future__ import annotations

from typing import Any

import attrs

from configcat_mock.state.records.changes import noted


@attrs.define(on_setattr=noted)
class Setting:
    setting_id: int
    config_id: str
    key: str
    name: str
    setting_type: str
    hint: str | None = None
    order: int = 0
    is_json: bool = False
    created_at: str = ""
    creator_email: str | None = None
    creator_full_name: str | None = None
    tag_ids: list[int] = attrs.field(factory=list)
    predefined_variations: list[dict[str, Any]] = attrs.field(factory=list)
    """``PredefinedVariationModel`` objects, in spec shape."""


@attrs.define(on_setattr=noted)
class SettingValue:
    """The value of one setting in one environment.

    ``formula`` is in the spec's response shape for the config's evaluation version: v1 keeps
    ``value``, ``rolloutRules`` (``RolloutRuleModel``) and ``rolloutPercentageItems``; v2 keeps
    ``defaultValue`` (``ValueModel``), ``targetingRules`` (``TargetingRuleModel``: user, segment
    and prerequisite conditions, percentage options) and ``percentageEvaluationAttribute``.
    """

    setting_id: int
    environment_id: str
    formula: dict[str, Any]
    version_id: str
    updated_at: str | None = None
    last_updater_email: str | None = None
    last_updater_full_name: str | None = None


@attrs.define(on_setattr=noted)
class DeletedSetting:
    config_id: str
    setting_id: int
    key: str
    name: str
    setting_type: str
    hint: str | None = None
    deleted_at: str = ""


@attrs.define(on_setattr=noted)
class CodeReport:
    """One uploaded code-reference report: a repository + branch and the references in it."""

    config_id: str
    repository: str
    branch: str
    commit_url: str | None
    commit_hash: str | None
    uploader: str | None
    updated_at: str
    flag_references: list[dict[str, Any]] = attrs.field(factory=list)
