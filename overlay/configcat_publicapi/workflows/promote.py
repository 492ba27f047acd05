"""Promote and diff: environments compared, and values copied from one to another.

Both work on documents, so they inherit the document's references by name and key:
promoting a flag copies its formula (rules, segment and prerequisite conditions, percentage
options) as the document states it, and :func:`plan` maps every name to the target's ids or
refuses the document with the path of what cannot be mapped. Nothing is guessed.

``promote`` plans first and applies only when ``dry_run`` is false, so the diff is always
what was (or would be) written. The calls are in ``_async/promote.py`` and its sync twin.
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from configcat_publicapi.workflows.document import Document, DocumentError
from configcat_publicapi.workflows.guards import NothingMatchedError
from configcat_publicapi.workflows.plan import Change, Plan, canonical


@dataclass(frozen=True)
class ValueDiff:
    """A flag whose value differs between two sides (``None``: the side has no such flag)."""

    config: str
    key: str
    left: Any
    right: Any

    def to_json(self) -> dict[str, Any]:
        """The difference as plain JSON data."""
        return {"config": self.config, "key": self.key, "left": self.left, "right": self.right}


def _config(doc: Document, name: str | None, where: str) -> dict[str, Any]:
    configs = doc["configs"]
    if name is None:
        if len(configs) != 1:
            names = [c["name"] for c in configs]
            raise DocumentError(where, f"name a config: the product has {names}")
        chosen: dict[str, Any] = configs[0]
        return chosen
    for config in configs:
        if config["name"] == name:
            found: dict[str, Any] = config
            return found
    raise DocumentError(where, f"config {name!r} is not in the product")


def _envs(doc: Document, *names: str) -> None:
    known = {e["name"] for e in doc.get("environments", [])}
    for name in names:
        if name not in known:
            raise DocumentError("environments", f"environment {name!r} is not in the product")


def diff_environments(
    doc: Document,
    left: str,
    right: str,
    *,
    config: str | None = None,
    right_config: str | None = None,
    right_doc: Document | None = None,
) -> list[ValueDiff]:
    """The flags whose values differ between environment ``left`` and ``right``.

    ``right_doc`` and ``right_config`` compare with another product or config (flags paired
    by key); a flag that only one side holds is listed with ``None`` on the other side.
    """
    other = right_doc if right_doc is not None else doc
    _envs(doc, left)
    _envs(other, right)
    a = _config(doc, config, "configs")
    b = _config(other, right_config if right_config is not None else a["name"], "configs")
    right_flags = {s["key"]: s for s in b["settings"]}
    out: list[ValueDiff] = []
    seen: set[str] = set()
    for setting in a["settings"]:
        seen.add(setting["key"])
        lv = setting.get("values", {}).get(left)
        match = right_flags.get(setting["key"])
        rv = None if match is None else match.get("values", {}).get(right)
        if canonical(lv) != canonical(rv):
            out.append(ValueDiff(a["name"], setting["key"], lv, rv))
    for key, setting in right_flags.items():
        if key not in seen:
            out.append(ValueDiff(b["name"], key, None, setting.get("values", {}).get(right)))
    return out


def promoted(
    doc: Document,
    source: str,
    target: str,
    *,
    keys: Iterable[str] | None = None,
    config: str | None = None,
    target_config: str | None = None,
) -> Document:
    """A copy of ``doc`` whose ``target`` values are those of ``source`` for the chosen flags.

    ``keys`` are flag keys or shell patterns (``checkout_*``); all flags when ``None``.
    ``target_config`` promotes into another config of the product, pairing flags by key.
    """
    out = copy.deepcopy(doc)
    _envs(out, source, target)
    src = _config(out, config, "configs")
    dst = _config(out, target_config if target_config is not None else src["name"], "configs")
    if src["evaluationVersion"] != dst["evaluationVersion"]:
        raise DocumentError(
            "configs", f"{src['name']!r} and {dst['name']!r} have other evaluation versions"
        )
    patterns = None if keys is None else list(keys)
    for pattern in patterns or ():
        if not any(fnmatch.fnmatchcase(s["key"], pattern) for s in src["settings"]):
            raise NothingMatchedError(
                "key", pattern, f"no flag key of config {src['name']!r} matches {pattern!r}"
            )
    by_key = {s["key"]: s for s in dst["settings"]}
    for setting in src["settings"]:
        key = setting["key"]
        if patterns is not None and not any(fnmatch.fnmatchcase(key, p) for p in patterns):
            continue
        if key not in by_key:
            raise DocumentError("configs", f"flag {key!r} is not in config {dst['name']!r}")
        value = setting.get("values", {}).get(source)
        if value is not None:
            by_key[key].setdefault("values", {})[target] = copy.deepcopy(value)
    return out


def comparable(source: Document, target: Document) -> tuple[Document, list[Change]]:
    """``source`` without what cannot be planned onto ``target``, and those differences.

    A config whose evaluation version differs, or a flag whose type differs, cannot change in
    place, so a plan refuses it; a comparison shows it instead, as a change of that field.
    """
    out = copy.deepcopy(source)
    theirs = {c["name"]: c for c in target.get("configs", [])}
    found: list[Change] = []
    for ci, config in enumerate(out["configs"]):
        other = theirs.get(config["name"])
        if other is None:
            continue
        at = f"configs[{ci}]"
        if other["evaluationVersion"] != config["evaluationVersion"]:
            found.append(Change("update", "config", at, config["name"], other, config))
            config["skip"] = True
            continue
        their_settings = {s["key"]: s for s in other["settings"]}
        kept = []
        for si, setting in enumerate(config["settings"]):
            match = their_settings.get(setting["key"])
            if match is not None and match["settingType"] != setting["settingType"]:
                found.append(
                    Change(
                        "update",
                        "setting",
                        f"{at}.settings[{si}]",
                        setting["key"],
                        match,
                        setting,
                        config=config["name"],
                    )
                )
            else:
                kept.append(setting)
        config["settings"] = kept
    out["configs"] = [c for c in out["configs"] if not c.pop("skip", False)]
    return out, found


def with_structural(plan: Plan, found: list[Change]) -> Plan:
    """``plan`` (of a :func:`comparable` source) with the structural differences put back.

    The deletes the plan holds only because :func:`comparable` left an item out are dropped.
    """
    configs = {c.name for c in found if c.kind == "config"}
    flags = {(c.config, c.name) for c in found if c.kind == "setting"}
    changes = [
        c
        for c in plan.changes
        if not (c.action == "delete" and c.kind == "config" and c.name in configs)
        and not (c.action == "delete" and c.kind == "setting" and (c.config, c.name) in flags)
    ]
    plan.changes = found + changes
    return plan
