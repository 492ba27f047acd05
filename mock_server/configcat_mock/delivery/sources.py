"""What a config+environment's delivery documents are built from, as plain frozen records.

Values keep the spec's shapes (``formula`` is a v1 ``SettingValueModel``-like or a v2
``SettingFormulaModel``-like mapping), so the builders are pure functions of these records and
can be tested without a backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs


@attrs.frozen
class FlagSource:
    """One feature flag or setting and its value in the environment being built."""

    setting_id: int
    key: str
    setting_type: str
    """``boolean``, ``string``, ``int`` or ``double`` (the spec's ``SettingType``)."""
    formula: Mapping[str, Any] | None
    """v1: ``value``, ``rolloutRules``, ``rolloutPercentageItems``; v2: ``defaultValue``,
    ``targetingRules``, ``percentageEvaluationAttribute``. ``None``: no value stored."""
    predefined_variations: tuple[Mapping[str, Any], ...] = ()
    tags: tuple[str, ...] = ()
    """Tag names."""
    order: int = 0
    stamp: str | None = None
    """The stored value's version id: a flag built for a stamp can be reused while the
    settings of its config stay as they were (``None``: build every time)."""
    imported: Mapping[str, Any] | None = None
    """The flag's config_v6 JSON as imported, served as it is (see
    :mod:`configcat_mock.testkit.config_import`); ``None``: built from ``formula``."""


@attrs.frozen
class SegmentSource:
    """A segment of the product: one condition in ``RolloutRuleComparator`` terms."""

    segment_id: str
    name: str
    comparison_attribute: str
    comparator: str
    comparison_value: str


@attrs.frozen
class ConfigSource:
    """Everything one config+environment serves."""

    config_id: str
    environment_id: str
    environment_name: str
    evaluation_version: str
    salt: str
    flags: tuple[FlagSource, ...]
    segments: tuple[SegmentSource, ...] = ()
    imported_segments: tuple[Mapping[str, Any], ...] | None = None
    """The config_v6 segments as imported, served in place of ``segments`` (the product's
    segments are still the imported ones); ``None``: built from ``segments``."""
