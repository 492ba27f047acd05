"""Plan and apply: what it takes to make a product equal to a document, and doing it.

The plan is computed from the document and a fresh :class:`~.export.Snapshot` of the target
every time, never stored: so an apply that was interrupted (Ctrl-C, a crash, an error that
could not be retried) is resumed by running it again, and a second run after a complete one
plans nothing. Creates go through :class:`~configcat_publicapi.SafeCreates`, so a create whose
answer was lost is looked up before it is sent again: no duplicates. Value writes are PUTs
(idempotent, retried by the client). Pacing is the client's rate limiter; nothing here sleeps.

Order: environments, tags, segments, configs, then each flag (created or changed, its
predefined variations) followed by its values, so that creates and value writes, which the
service limits apart, share the time; a value whose prerequisite flag comes later waits until
every flag of the config is there. Then the product's preferences, after every value, since a
reason or an approval they turn on would otherwise stop the apply's own value writes; the
target's requirements as they stand are checked before the first write. Then, only with
``prune=True``, deletes in the reverse order of dependency (flags, configs, segments, tags,
environments). Deletes are never planned unless asked for. A partial document (one with a
``scope``, see :func:`~.document.covers`) prunes only flags of the configs it holds.

What cannot be changed in place (a config's evaluation version, a flag's type) is refused
before any write with the document path of the item.

Environments (like tags, segments and configs) are matched by name: an environment renamed in
the document is a new environment, with new SDK keys, and the old one is deleted with its
values only with ``prune=True``. Renaming one keeps its SDK keys only when done in the product
itself, before the apply. A plan that creates environments while the target has others the
document does not name says so in :attr:`Plan.notes`.

This module computes; the calls are made by ``_async/apply.py`` and its derived sync twin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from configcat_publicapi.workflows import preferences
from configcat_publicapi.workflows.document import (
    Document,
    DocumentError,
    check_document,
    covers,
)
from configcat_publicapi.workflows.export import SettingIds, Snapshot, map_rules

Progress = Callable[[int, int, "Change"], None]
"""Called after each change: (number done, total, the change)."""


@dataclass(frozen=True)
class Change:
    """One write of a plan. ``path`` is the document path, ``after`` the document's item."""

    action: str  # create | update | delete
    kind: str  # environment | tag | segment | config | setting | variations | value
    path: str
    name: str
    before: Any = None
    after: Any = None
    config: str | None = None
    environment: str | None = None

    def describe(self) -> str:
        """One line for people: ``update value isBeta in Staging (configs[0]...)``."""
        where = f" in {self.environment}" if self.environment else ""
        return f"{self.action} {self.kind} {self.name}{where} ({self.path})"

    def to_json(self) -> dict[str, Any]:
        """The change as plain JSON data, without the fields it does not use."""
        out = {k: v for k, v in self.__dict__.items() if v is not None}
        return out


@dataclass
class Plan:
    """The changes that make ``product_id`` equal to the document, in the order applied."""

    product_id: str
    document: Document
    changes: list[Change] = field(default_factory=list)
    needs_reason: list[str] = field(default_factory=list)
    """Environments whose planned value writes the target requires a reason for."""
    needs_approval: list[str] = field(default_factory=list)
    """Environments whose planned value writes the target requires an approval for."""
    notes: list[str] = field(default_factory=list)
    """What the changes mean beyond themselves (an environment that looks renamed)."""

    def __bool__(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        """How many creates, updates and deletes the plan holds."""
        out = {"create": 0, "update": 0, "delete": 0}
        for c in self.changes:
            out[c.action] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        """The plan as plain JSON data: the product, the counts and every change."""
        out: dict[str, Any] = {"productId": self.product_id, "summary": self.counts()}
        if self.needs_reason:
            out["needsReason"] = self.needs_reason
        if self.needs_approval:
            out["needsApproval"] = self.needs_approval
        if self.notes:
            out["notes"] = self.notes
        return out | {"changes": [c.to_json() for c in self.changes]}


def canonical(item: Any) -> Any:
    """``item`` without empty or null fields, for comparing a document with a snapshot."""
    if isinstance(item, Mapping):
        return {
            k: canonical(v)
            for k, v in item.items()
            if v is not None and v != "" and v != [] and k != "values"
        }
    if isinstance(item, list):
        return [canonical(v) for v in item]
    return item


def _by_name(rows: Iterable[Mapping[str, Any]], key: str = "name") -> dict[str, Any]:
    return {r[key]: r for r in rows}


def _same(a: Any, b: Any) -> bool:
    return bool(canonical(a) == canonical(b))


def _diff_list(
    changes: list[Change], kind: str, where: str, want: list[Any], have: list[Any], prune: bool
) -> None:
    current = _by_name(have)
    for i, item in enumerate(want):
        old = current.get(item["name"])
        if old is None:
            # environments are listed by their order: keep the document's
            made = item | {"order": i} if kind == "environment" else item
            changes.append(Change("create", kind, f"{where}[{i}]", item["name"], after=made))
        elif not _same(old, item):
            changes.append(
                Change("update", kind, f"{where}[{i}]", item["name"], before=old, after=item)
            )
    if prune:
        names = {item["name"] for item in want}
        for old in have:
            if old["name"] not in names:
                changes.append(Change("delete", kind, where, old["name"], before=old))


def _renamed(changes: list[Change], have: list[Any], want: list[Any], prune: bool) -> list[str]:
    """A note when environments are created while others of the target go unnamed.

    Environments are matched by name, so a rename in the document is a new environment (with
    new SDK keys) and, with prune, a delete of the old one with its values.
    """
    made = [c.name for c in changes if c.kind == "environment" and c.action == "create"]
    names = {e["name"] for e in want}
    gone = [e["name"] for e in have if e["name"] not in names]
    if not (made and gone):
        return []
    fate = "deleted, with their values and SDK keys" if prune else "kept (prune deletes them)"
    return [
        f"environments are matched by name: {', '.join(made)} will be created with new SDK"
        f" keys, and {', '.join(gone)}, which the document does not name, {fate}; a renamed"
        f" environment is a create and a delete"
    ]


def _in_place(path: str, what: str, name: str, have: str, want: str) -> None:
    """Refuse what the service cannot change in place (a config's version, a flag's type)."""
    if have != want:
        raise DocumentError(
            path, f"{what} {name!r} is {have} in the target: it cannot become {want} in place"
        )


def prerequisite_keys(value: Mapping[str, Any]) -> set[str]:
    """The keys of the flags a v2 formula's prerequisite conditions name."""
    return {
        cond["prerequisiteFlagCondition"]["prerequisiteKey"]
        for rule in value.get("targetingRules", [])
        for cond in rule["conditions"]
        if "prerequisiteFlagCondition" in cond
    }


def _meta(setting: Mapping[str, Any]) -> dict[str, Any]:
    """What a flag's replace writes, as compared: ``isJson`` is false when not given."""
    return {k: setting.get(k) for k in ("name", "hint", "tags")} | {
        "isJson": bool(setting.get("isJson"))
    }


def plan_against(snap: Snapshot, document: Document, *, prune: bool = False) -> Plan:
    """What ``apply`` would do to the product read as ``snap``; :class:`DocumentError` early."""
    doc = check_document(document)
    have = snap.document
    out = Plan(snap.product_id, doc)
    ch = out.changes
    whole = covers(doc) is None
    shared_prune = prune and whole  # a partial document prunes only flags of its configs
    # the target keeps its own name: a document may be applied to another product
    have_text, want_text = have["product"].get("description"), doc["product"].get("description")
    if whole and (have_text or "") != (want_text or ""):
        ch.append(
            Change(
                "update",
                "product",
                "product",
                have["product"]["name"],
                have["product"],
                doc["product"],
            )
        )
    envs = doc.get("environments", [])
    _diff_list(ch, "environment", "environments", envs, have["environments"], shared_prune)
    out.notes += _renamed(ch, have["environments"], envs, shared_prune)
    _diff_list(ch, "tag", "tags", doc.get("tags", []), have["tags"], shared_prune)
    _diff_list(ch, "segment", "segments", doc.get("segments", []), have["segments"], shared_prune)
    have_configs = _by_name(have["configs"])
    values: list[Change] = []
    deletes: list[Change] = []
    for ci, config in enumerate(doc["configs"]):
        at = f"configs[{ci}]"
        old = have_configs.get(config["name"])
        if old is None:
            ch.append(Change("create", "config", at, config["name"], after=config | {"order": ci}))
            old = {"settings": []}
        else:
            _in_place(f"{at}.evaluationVersion", "config", config["name"],
                      old["evaluationVersion"], config["evaluationVersion"])  # fmt: skip
            if old.get("description") != config.get("description"):
                ch.append(Change("update", "config", at, config["name"], old, config))
        old_settings = _by_name(old["settings"], "key")
        ready: set[str] = set()  # flags of this config already made as the document says
        for si, setting in enumerate(config["settings"]):
            sat = f"{at}.settings[{si}]"
            prev = old_settings.get(setting["key"])
            named = {"config": config["name"]}
            if prev is None:
                new = setting | {"order": si}
                ch.append(Change("create", "setting", sat, setting["key"], after=new, **named))
                prev = {"values": {}}
            else:
                _in_place(f"{sat}.settingType", "flag", setting["key"],
                          prev["settingType"], setting["settingType"])  # fmt: skip
                if not _same(_meta(prev), _meta(setting)):
                    new = setting | {"order": si}
                    ch.append(Change("update", "setting", sat, setting["key"], prev, new, **named))
                pv, sv = prev.get("predefinedVariations"), setting.get("predefinedVariations")
                if not _same(pv, sv):
                    ch.append(
                        Change(
                            "update",
                            "variations",
                            f"{sat}.predefinedVariations",
                            setting["key"],
                            pv,
                            sv,
                            **named,
                        )
                    )
            ready.add(setting["key"])
            for env, value in setting.get("values", {}).items():
                before = prev["values"].get(env)
                if before is None or not _same(before, value):
                    # right after its flag, unless it needs a flag made later: then the
                    # endpoints of creates and value writes share the time (their limits
                    # are apart), and otherwise after every flag
                    (ch if prerequisite_keys(value) <= ready else values).append(
                        Change(
                            "update",
                            "value",
                            f"{sat}.values.{env}",
                            setting["key"],
                            before,
                            value,
                            config=config["name"],
                            environment=env,
                        )
                    )
        if prune:
            keys = {s["key"] for s in config["settings"]}
            for s in old["settings"]:
                if s["key"] not in keys:
                    deletes.append(
                        Change(
                            "delete",
                            "setting",
                            f"{at}.settings",
                            s["key"],
                            before=s,
                            config=config["name"],
                        )
                    )
    if shared_prune:
        names = {c["name"] for c in doc["configs"]}
        for c in have["configs"]:
            if c["name"] not in names:
                deletes.append(Change("delete", "config", "configs", c["name"], before=c))
    # the preferences after every value (see .preferences), then deletes of what values may
    # still refer to
    have_prefs = have.get("preferences", {})
    wanted = doc.get("preferences") if whole else None
    delta = {} if wanted is None else preferences.changed(wanted, have_prefs)
    prefs = [] if not delta else [
        Change("update", "preferences", "preferences", have["product"]["name"], have_prefs, delta)
    ]  # fmt: skip
    kept = [c for c in ch if c.action != "delete"]
    late = [c for c in ch if c.action == "delete"]
    order = {"environment": 4, "tag": 3, "segment": 2}
    late.sort(key=lambda c: order.get(c.kind, 0))
    out.changes = kept + values + prefs + deletes + late
    versions = {c["name"]: c["evaluationVersion"] for c in doc["configs"]}
    out.needs_reason, out.needs_approval = preferences.gated(
        have_prefs,
        ((str(c.environment), versions[str(c.config)]) for c in out.changes if c.kind == "value"),
    )
    return out


class TargetIds:
    """Document references turned back into the target's ids."""

    def __init__(self, snap: Snapshot, config: Any, key: str) -> None:
        self.snap = snap
        self.config = config
        self.setting = config.settings[key]

    def value(self, v: Mapping[str, Any], setting: SettingIds | None = None) -> dict[str, Any]:
        """A document's value as the API's: a predefined variation's name becomes its id."""
        if "predefinedVariation" in v:
            s = setting or self.setting
            return {"predefinedVariationId": s.variations[v["predefinedVariation"]]}
        return dict(v)

    def condition(self, cond: Mapping[str, Any]) -> dict[str, Any]:
        """A document's condition as the API's, segment and prerequisite names mapped to ids."""
        if "segmentCondition" in cond:
            s = cond["segmentCondition"]
            return {
                "segmentCondition": {
                    "segmentId": self.snap.segments[s["segment"]],
                    "comparator": s["comparator"],
                }
            }
        if "prerequisiteFlagCondition" in cond:
            p = cond["prerequisiteFlagCondition"]
            other = self.config.settings[p["prerequisiteKey"]]
            return {
                "prerequisiteFlagCondition": {
                    "prerequisiteSettingId": other.setting_id,
                    "comparator": p["comparator"],
                    "prerequisiteComparisonValue": self.value(
                        p["prerequisiteComparisonValue"], other
                    ),
                }
            }
        return dict(cond)

    def formula(self, f: Mapping[str, Any]) -> dict[str, Any]:
        """A document's v2 formula as the API's value model."""
        rules = map_rules(f.get("targetingRules", []), self.value, self.condition)
        out: dict[str, Any] = {
            "defaultValue": self.value(f["defaultValue"]),
            "targetingRules": rules,
        }
        if f.get("percentageEvaluationAttribute"):
            out["percentageEvaluationAttribute"] = f["percentageEvaluationAttribute"]
        return out

    def v1(self, v: Mapping[str, Any]) -> dict[str, Any]:
        """A document's v1 value as the API's, with its rollout and percentage rules."""
        rules = []
        for rule in v.get("rolloutRules", []):
            if "segment" in rule:
                rules.append(
                    {
                        "segmentId": self.snap.segments[rule["segment"]],
                        "segmentComparator": rule["segmentComparator"],
                        "value": rule["value"],
                    }
                )
            else:
                rules.append(dict(rule))
        return {
            "value": v["value"],
            "rolloutRules": rules,
            "rolloutPercentageItems": list(v.get("rolloutPercentageItems", [])),
        }


@dataclass
class ApplyResult:
    """What an apply did: the changes in the order made."""

    product_id: str
    done: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """What was applied as plain JSON data."""
        return {"productId": self.product_id, "applied": [c.to_json() for c in self.done]}
