"""Read one config+environment out of the backend as a :class:`ConfigSource`.

The only module of the package that knows the backend's tables; call it with the backend's
lock held.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from configcat_mock.delivery.hashing import config_salt
from configcat_mock.delivery.sources import ConfigSource, FlagSource, SegmentSource
from configcat_mock.state.backend import Backend


def config_source(backend: Backend, config_id: str, environment_id: str) -> ConfigSource | None:
    """``None`` when the config or the environment no longer exists."""
    config = backend.configs.get(config_id)
    env = backend.environments.get(environment_id)
    if config is None or env is None or env.product_id != config.product_id:
        return None
    tags = {t.tag_id: t.name for t in backend.tags.where(product_id=config.product_id)}
    values = backend.setting_values.rows
    imported = config.imported if config.imported else None
    if imported is not None and imported.get("environmentId") != environment_id:
        imported = None
    raw_flags: dict[str, Any] = imported.get("flags", {}) if imported else {}
    flags = tuple(
        FlagSource(
            setting_id=s.setting_id,
            key=s.key,
            setting_type=s.setting_type,
            formula=v.formula if (v := values.get((s.setting_id, environment_id))) else None,
            predefined_variations=tuple(s.predefined_variations),
            tags=tuple(tags[t] for t in s.tag_ids if t in tags),
            order=s.order,
            stamp=v.version_id if v else None,
            imported=_as_imported(raw_flags.get(str(s.setting_id)), v),
        )
        for s in backend.settings.where(config_id=config_id)
    )
    segments = tuple(
        SegmentSource(
            segment_id=g.segment_id,
            name=g.name,
            comparison_attribute=g.comparison_attribute,
            comparator=g.comparator,
            comparison_value=g.comparison_value,
        )
        for g in sorted(
            backend.segments.where(product_id=config.product_id),
            key=lambda g: (g.created_at, g.segment_id),
        )
    )
    salt = imported.get("salt") if imported else None
    return ConfigSource(
        config_id=config.config_id,
        environment_id=env.environment_id,
        environment_name=env.name,
        evaluation_version=config.evaluation_version,
        salt=salt if isinstance(salt, str) else config_salt(config.config_id),
        flags=flags,
        segments=segments,
        imported_segments=_imported_segments(imported, segments) if imported else None,
    )


def _as_imported(raw: Any, value: Any) -> Mapping[str, Any] | None:
    """The imported JSON of a flag whose value is still the version it was imported with."""
    if isinstance(raw, dict) and value is not None and raw.get("stamp") == value.version_id:
        flag: Mapping[str, Any] = raw["json"]
        return flag
    return None


def _imported_segments(
    imported: Mapping[str, Any], segments: tuple[SegmentSource, ...]
) -> tuple[Mapping[str, Any], ...] | None:
    """The imported segments, while the product's are exactly the ones imported, unchanged."""
    models = imported.get("segmentModels") or []
    now = [
        {
            "name": g.name,
            "comparisonAttribute": g.comparison_attribute,
            "comparator": g.comparator,
            "comparisonValue": g.comparison_value,
        }
        for g in segments
    ]
    then = [
        {k: m.get(k) for k in ("name", "comparisonAttribute", "comparator", "comparisonValue")}
        for m in models
    ]
    ids = [g.segment_id for g in segments]
    if ids != list(imported.get("segmentIds") or []) or now != then:
        return None
    return tuple(imported.get("segments") or [])


def locate_sdk_key(backend: Backend, sdk_key: str) -> tuple[str, str] | None:
    """The ``(config_id, environment_id)`` of a primary or secondary SDK key."""
    row = backend.sdk_keys.first("sdk_key", sdk_key)
    return (row.config_id, row.environment_id) if row is not None else None
