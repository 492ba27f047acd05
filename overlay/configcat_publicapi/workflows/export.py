"""Export: a product (or some of its configs) read through the client into a document.

Ids become names and keys on the way out: a segment condition names its segment, a
prerequisite condition the flag's key, a value the predefined variation's name, a flag its
tags' names, and values are keyed by environment name. The reader also keeps the ids it saw
(:class:`Snapshot`), which is what :mod:`.plan` needs to turn a document into calls.

A predefined variation without a name is exported under its value's text, since the document
refers to variations by name. Two tags or configs of one name stop the read
(:mod:`.guards`): no document could say which one is meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from configcat_publicapi.workflows.document import FORMAT, VERSION, Document, scoped
from configcat_publicapi.workflows.guards import unique_names
from configcat_publicapi.workflows.preferences import exported

if TYPE_CHECKING:
    from configcat_publicapi._client import ConfigCatClient

_LITERALS = ("boolValue", "stringValue", "intValue", "doubleValue")


@dataclass
class SettingIds:
    setting_id: int
    variations: dict[str, str] = field(default_factory=dict)
    """variation name -> predefinedVariationId"""


@dataclass
class ConfigIds:
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


def _d(model: Any) -> dict[str, Any]:
    out: dict[str, Any] = model.to_dict()
    return out


def _text(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {n: row[n] for n in names if row.get(n) not in (None, "")}


def literal(model: Mapping[str, Any]) -> dict[str, Any]:
    for name in _LITERALS:
        if model.get(name) is not None:
            return {name: model[name]}
    return {}


def variation_name(variation: Mapping[str, Any]) -> str:
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
                    "listValue": [_text(item, "value", "hint") for item in cv["listValue"]]
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


def snapshot(
    cc: ConfigCatClient, product_id: str | UUID, *, configs: Iterable[str] | None = None
) -> Snapshot:
    """Read a product (only the configs named in ``configs``, if given) with its ids."""
    pid = UUID(str(product_id))
    product = _d(cc.products.get_product(pid))
    doc: Document = {
        "format": FORMAT,
        "version": VERSION,
        "product": _text(product, "name", "description"),
    }
    snap = Snapshot(str(pid), doc)
    envs = sorted((_d(e) for e in cc.environments.get_environments(pid)), key=_order)
    doc["environments"] = [_text(e, "name", "color", "description") for e in envs]
    snap.environments = {e["name"]: str(e["environmentId"]) for e in envs}
    prefs = _d(cc.products.get_product_preferences(pid))
    doc["preferences"] = exported(prefs, {v: k for k, v in snap.environments.items()})
    tags = [_d(t) for t in cc.tags.get_tags(pid)]
    unique_names(str(pid), "tag", tags, "tagId")
    doc["tags"] = [_text(t, "name", "color") for t in tags]
    snap.tags = {t["name"]: int(t["tagId"]) for t in tags}
    segments = [_d(cc.segments.get_segment(s.segment_id)) for s in cc.segments.get_segments(pid)]
    doc["segments"] = [
        _text(s, "name", "description", "comparisonAttribute", "comparator")
        | {"comparisonValue": s.get("comparisonValue") or ""}
        for s in segments
    ]
    snap.segments = {s["name"]: str(s["segmentId"]) for s in segments}
    chosen = None if configs is None else list(configs)
    wanted = None if chosen is None else set(chosen)
    doc["configs"] = []
    all_configs = sorted((_d(c) for c in cc.configs.get_configs(pid)), key=_order)
    unique_names(str(pid), "config", all_configs, "configId")
    for config in all_configs:
        if wanted is not None and config["name"] not in wanted:
            continue
        doc["configs"].append(_config(cc, snap, config, envs))
    if chosen is not None:
        snap.document = scoped(doc, chosen)
    return snap


def _order(row: Mapping[str, Any]) -> tuple[int, str]:
    return (int(row.get("order") or 0), str(row.get("name", "")))


def _config(
    cc: ConfigCatClient, snap: Snapshot, config: Mapping[str, Any], envs: list[dict[str, Any]]
) -> dict[str, Any]:
    cid = UUID(str(config["configId"]))
    version = str(config.get("evaluationVersion") or "v1")
    ids = ConfigIds(str(cid), version)
    snap.configs[config["name"]] = ids
    settings = sorted((_d(s) for s in cc.settings.get_settings(cid)), key=_order)
    names = _Names(snap, settings)
    out_settings: dict[str, dict[str, Any]] = {}
    for s in settings:
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
    for env in envs:
        eid = UUID(str(env["environmentId"]))
        if version == "v2":
            formulas = _d(cc.setting_values_v2.get_setting_values_v2(cid, eid))
            for f in formulas["settingFormulas"]:
                out_settings[f["setting"]["key"]]["values"][env["name"]] = names.formula(f)
        else:
            values = _d(cc.setting_values.get_setting_values(cid, eid))
            for v in values["settingValues"]:
                out_settings[v["setting"]["key"]]["values"][env["name"]] = names.v1(v)
    return {
        **_text(config, "name", "description"),
        "evaluationVersion": version,
        "settings": list(out_settings.values()),
    }


def export(
    cc: ConfigCatClient, product_id: str | UUID, *, configs: Iterable[str] | None = None
) -> Document:
    """The product ``product_id`` (or only its configs named in ``configs``) as a document."""
    return snapshot(cc, product_id, configs=configs).document
