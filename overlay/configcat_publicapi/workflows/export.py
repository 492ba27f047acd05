"""Export: a product (or some of its configs) as a document, built from what the client read.

Ids become names and keys on the way out: a segment condition names its segment, a
prerequisite condition the flag's key, a value the predefined variation's name, a flag its
tags' names, and values are keyed by environment name. The reader also keeps the ids it saw
(:class:`Snapshot`), which is what :mod:`.plan` needs to turn a document into calls.
The reading itself (``snapshot``, ``export``) is in ``_async/export.py`` and its derived
sync twin; this module only builds, so both share it.

A predefined variation without a name is exported under its value's text, since the document
refers to variations by name. Two tags or configs of one name stop the read
(:mod:`.guards`): no document could say which one is meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from configcat_publicapi.workflows.document import FORMAT, VERSION, Document, scoped
from configcat_publicapi.workflows.guards import unique_names
from configcat_publicapi.workflows.preferences import exported

_LITERALS = ("boolValue", "stringValue", "intValue", "doubleValue")


@dataclass
class SettingIds:
    """A flag's id in the target, and its predefined variations' ids by name."""

    setting_id: int
    variations: dict[str, str] = field(default_factory=dict)
    """variation name -> predefinedVariationId"""


@dataclass
class ConfigIds:
    """A config's id and evaluation version in the target, and its flags' ids by key."""

    config_id: str
    version: str
    settings: dict[str, SettingIds] = field(default_factory=dict)
    """flag key -> ids"""


@dataclass
class Snapshot:
    """A product as a document, with the ids behind each name."""

    product_id: str
    document: Document
    environments: dict[str, str] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    segments: dict[str, str] = field(default_factory=dict)
    configs: dict[str, ConfigIds] = field(default_factory=dict)


def _text(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {n: row[n] for n in names if row.get(n) not in (None, "")}


def literal(model: Mapping[str, Any]) -> dict[str, Any]:
    """The one typed field of a value model that is set (``{"boolValue": True}``), or ``{}``."""
    for name in _LITERALS:
        if model.get(name) is not None:
            return {name: model[name]}
    return {}


def variation_name(variation: Mapping[str, Any]) -> str:
    """The name a predefined variation is referred to by: its name, else its value's text."""
    name = variation.get("name")
    if name:
        return str(name)
    return str(next(iter(literal(variation["value"]).values()), ""))


def map_rules(
    rules: Iterable[Mapping[str, Any]],
    value: Callable[[Mapping[str, Any]], dict[str, Any]],
    condition: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Targeting rules with each value and condition mapped (ids to names, or back)."""
    out = []
    for rule in rules:
        r: dict[str, Any] = {"conditions": [condition(c) for c in rule["conditions"]]}
        if rule.get("percentageOptions"):
            r["percentageOptions"] = [
                {"percentage": o["percentage"], "value": value(o["value"])}
                for o in rule["percentageOptions"]
            ]
        else:
            r["value"] = value(rule["value"])
        out.append(r)
    return out


class _Names:
    def __init__(self, snap: Snapshot, settings: Iterable[Mapping[str, Any]]) -> None:
        self.segments = {v: k for k, v in snap.segments.items()}
        self.keys: dict[int, str] = {}
        self.variations: dict[str, str] = {}
        for s in settings:
            self.keys[int(s["settingId"])] = str(s["key"])
            for v in s.get("predefinedVariations") or []:
                self.variations[str(v["predefinedVariationId"])] = variation_name(v)

    def value(self, model: Mapping[str, Any]) -> dict[str, Any]:
        vid = model.get("predefinedVariationId")
        if vid is not None:
            return {"predefinedVariation": self.variations[str(vid)]}
        return literal(model)

    def condition(self, cond: Mapping[str, Any]) -> dict[str, Any]:
        if cond.get("userCondition"):
            u = cond["userCondition"]
            cv = u["comparisonValue"]
            if cv.get("listValue") is not None:
                value: dict[str, Any] = {
                    "listValue": [
                        {"value": item["value"]} | _text(item, "hint") for item in cv["listValue"]
                    ]
                }
            elif cv.get("doubleValue") is not None:
                value = {"doubleValue": cv["doubleValue"]}
            else:
                value = {"stringValue": cv.get("stringValue") or ""}
            return {
                "userCondition": {
                    "comparisonAttribute": u["comparisonAttribute"],
                    "comparator": u["comparator"],
                    "comparisonValue": value,
                }
            }
        if cond.get("segmentCondition"):
            s = cond["segmentCondition"]
            return {
                "segmentCondition": {
                    "segment": self.segments[str(s["segmentId"])],
                    "comparator": s["comparator"],
                }
            }
        p = cond["prerequisiteFlagCondition"]
        return {
            "prerequisiteFlagCondition": {
                "prerequisiteKey": self.keys[int(p["prerequisiteSettingId"])],
                "comparator": p["comparator"],
                "prerequisiteComparisonValue": self.value(p["prerequisiteComparisonValue"]),
            }
        }

    def formula(self, f: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"defaultValue": self.value(f["defaultValue"])}
        if f.get("percentageEvaluationAttribute"):
            out["percentageEvaluationAttribute"] = f["percentageEvaluationAttribute"]
        rules = map_rules(f.get("targetingRules") or [], self.value, self.condition)
        if rules:
            out["targetingRules"] = rules
        return out

    def v1(self, v: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"value": v["value"]}
        rules = []
        for rule in v.get("rolloutRules") or []:
            if rule.get("segmentId"):
                rules.append(
                    {
                        "segment": self.segments[str(rule["segmentId"])],
                        "segmentComparator": rule["segmentComparator"],
                        "value": rule["value"],
                    }
                )
            else:
                rules.append(
                    {
                        "comparisonAttribute": rule["comparisonAttribute"],
                        "comparator": rule["comparator"],
                        "comparisonValue": rule.get("comparisonValue") or "",
                        "value": rule["value"],
                    }
                )
        if rules:
            out["rolloutRules"] = rules
        items = v.get("rolloutPercentageItems") or []
        if items:
            out["rolloutPercentageItems"] = [
                {"percentage": i["percentage"], "value": i["value"]} for i in items
            ]
        return out


def by_order(row: Mapping[str, Any]) -> tuple[int, str]:
    """Sort key of the service's rows: their ``order``, then their name."""
    return (int(row.get("order") or 0), str(row.get("name", "")))


def config_version(config: Mapping[str, Any]) -> str:
    """A config's evaluation version as the service gives it ("v1" when it says none)."""
    return str(config.get("evaluationVersion") or "v1")


def as_dict(model: Any) -> dict[str, Any]:
    """A generated model as the service's JSON."""
    out: dict[str, Any] = model.to_dict()
    return out


def start_snapshot(product_id: UUID, product: Mapping[str, Any]) -> Snapshot:
    """A snapshot holding only the product's own fields."""
    doc: Document = {
        "format": FORMAT,
        "version": VERSION,
        "product": _text(product, "name", "description"),
        # the keys in the order a reader expects them; each add_* below fills its own
        "environments": [],
        "preferences": {},
        "tags": [],
        "segments": [],
        "configs": [],
    }
    return Snapshot(str(product_id), doc)


def add_environments(snap: Snapshot, envs: Iterable[Mapping[str, Any]]) -> None:
    """Record the environments (given in their order) by name."""
    rows = list(envs)
    snap.document["environments"] = [_text(e, "name", "color", "description") for e in rows]
    snap.environments = {e["name"]: str(e["environmentId"]) for e in rows}


def add_preferences(snap: Snapshot, preferences: Mapping[str, Any]) -> None:
    """Record the product's preferences, environments by name (after :func:`add_environments`)."""
    names = {v: k for k, v in snap.environments.items()}
    snap.document["preferences"] = exported(preferences, names)


def add_tags(snap: Snapshot, tags: Iterable[Mapping[str, Any]]) -> None:
    """Record the product's tags by name, refusing two of one name."""
    rows = list(tags)
    unique_names(snap.product_id, "tag", rows, "tagId")
    snap.document["tags"] = [_text(t, "name", "color") for t in rows]
    snap.tags = {t["name"]: int(t["tagId"]) for t in rows}


def add_segments(snap: Snapshot, segments: Iterable[Mapping[str, Any]]) -> None:
    """Record the segments (each as read one by one: the list holds no rule)."""
    rows = list(segments)
    snap.document["segments"] = [
        _text(s, "name", "description", "comparisonAttribute", "comparator")
        | {"comparisonValue": s.get("comparisonValue") or ""}
        for s in rows
    ]
    snap.segments = {s["name"]: str(s["segmentId"]) for s in rows}


def chosen_configs(
    snap: Snapshot, configs: Iterable[Mapping[str, Any]], names: list[str] | None
) -> list[Mapping[str, Any]]:
    """The product's configs in their order, only those named in ``names`` if given."""
    rows = sorted(configs, key=by_order)
    unique_names(snap.product_id, "config", rows, "configId")
    if names is None:
        return rows
    wanted = set(names)
    return [c for c in rows if c["name"] in wanted]


def finish_snapshot(snap: Snapshot, names: list[str] | None) -> Snapshot:
    """Record the scope of a snapshot of chosen configs (see :func:`.document.scoped`)."""
    if names is not None:
        snap.document = scoped(snap.document, names)
    return snap


def add_config(
    snap: Snapshot,
    config: Mapping[str, Any],
    settings: Iterable[Mapping[str, Any]],
    values: Mapping[str, Iterable[Mapping[str, Any]]],
) -> None:
    """Add a config: its flags and, per environment name, the values the service gave.

    ``values`` holds the ``settingFormulas`` of a v2 config or the ``settingValues`` of a v1
    config, keyed by environment name, in the order of the environments.
    """
    version = config_version(config)
    ids = ConfigIds(str(config["configId"]), version)
    snap.configs[config["name"]] = ids
    rows = sorted(settings, key=by_order)
    names = _Names(snap, rows)
    out_settings: dict[str, dict[str, Any]] = {}
    for s in rows:
        row = _text(s, "key", "name", "hint") | {"settingType": s["settingType"]}
        if s.get("isJson"):
            row["isJson"] = True
        tag_names = sorted(t["name"] for t in s.get("tags") or [])
        if tag_names:
            row["tags"] = tag_names
        variations = s.get("predefinedVariations") or []
        if variations:
            row["predefinedVariations"] = [
                {"name": variation_name(v), **_text(v, "hint"), "value": literal(v["value"])}
                for v in variations
            ]
        row["values"] = {}
        out_settings[s["key"]] = row
        ids.settings[s["key"]] = SettingIds(
            int(s["settingId"]),
            {variation_name(v): str(v["predefinedVariationId"]) for v in variations},
        )
    for env, items in values.items():
        for item in items:
            if version == "v2":
                out_settings[item["setting"]["key"]]["values"][env] = names.formula(item)
            else:
                out_settings[item["setting"]["key"]]["values"][env] = names.v1(item)
    snap.document["configs"].append(
        {
            **_text(config, "name", "description"),
            "evaluationVersion": version,
            "settings": list(out_settings.values()),
        }
    )
