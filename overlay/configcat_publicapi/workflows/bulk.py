"""Bulk edits: set or toggle the served value of many flags, chosen by key pattern or tag.

The edit is a change of the document (the default value of a v2 formula, the value of a v1
flag; targeting rules are kept), planned like any other, so ``dry_run`` shows exactly what
would be written. Unlike :func:`~.plan.apply`, a bulk edit goes on past a failed write and
reports it: each flag is independent, and the summary says what changed and what failed.
Running it again retries only what is still different. The calls are in ``_async/bulk.py``
and its sync twin.
"""

from __future__ import annotations

import copy
import fnmatch
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from configcat_publicapi._exceptions import ConfigCatError
from configcat_publicapi.workflows.document import Document, DocumentError
from configcat_publicapi.workflows.guards import NothingMatchedError
from configcat_publicapi.workflows.plan import Change, Plan

TOGGLE = object()
"""``value=TOGGLE`` inverts a boolean flag's default value."""

_FIELD = {
    "boolean": "boolValue",
    "string": "stringValue",
    "int": "intValue",
    "double": "doubleValue",
}


@dataclass
class BulkResult:
    """The plan of a bulk edit, what was written and what failed (with its error)."""

    plan: Plan
    changed: list[Change] = field(default_factory=list)
    failed: list[tuple[Change, ConfigCatError]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON data: counts, what changed, what failed and why."""
        return {
            "planned": len(self.plan.changes),
            "changed": [c.to_json() for c in self.changed],
            "failed": [c.to_json() | {"error": str(e)} for c, e in self.failed],
        }


_TYPES: dict[str, tuple[str, tuple[type, ...]]] = {
    "boolean": ("an on/off (boolean)", (bool,)),
    "string": ("a text", (str,)),
    "int": ("a whole number", (int,)),
    "double": ("a number", (int, float)),
}


class ValueTypeError(DocumentError):
    """A value the chosen flag cannot serve: a text for an on/off flag, say."""

    def __init__(self, message: str) -> None:
        super().__init__("", message)


def _check_type(config: str, setting: dict[str, Any], value: Any) -> None:
    if value is TOGGLE:
        return
    words, types = _TYPES[setting["settingType"]]
    if isinstance(value, bool) != (setting["settingType"] == "boolean") or not isinstance(
        value, types
    ):
        raise ValueTypeError(
            f"flag {setting['key']} (config {config}) is {words} flag: it cannot serve"
            f" {json.dumps(value)}; choose the flags with --flag or --tag, or give a value of"
            " its type"
        )


def unmatched(
    doc: Document,
    *,
    keys: list[str] | None = None,
    tags: set[str] | None = None,
    configs: set[str] | None = None,
) -> None:
    """Raise :class:`NothingMatchedError` for the first filter that chooses no flag."""
    names = [c["name"] for c in doc["configs"]]
    for name in sorted(configs or ()):
        if name not in names:
            raise NothingMatchedError(
                "config", name, f"no config is named {name!r} (known: {', '.join(names)})"
            )
    settings = [s for c in doc["configs"] if configs is None or c["name"] in configs
                for s in c["settings"]]  # fmt: skip
    for pattern in keys or ():
        if not any(fnmatch.fnmatchcase(s["key"], pattern) for s in settings):
            raise NothingMatchedError("key", pattern, f"no flag key matches {pattern!r}")
    for tag in sorted(tags or ()):
        if not any(tag in s.get("tags", []) for s in settings):
            raise NothingMatchedError("tag", tag, f"no flag has the tag {tag!r}")
    if not any(_chosen(s, keys, tags) for s in settings):
        raise NothingMatchedError(
            "all", None, "no flag matches every filter given together (each matches some)"
        )


def _chosen(setting: dict[str, Any], keys: list[str] | None, tags: set[str] | None) -> bool:
    if keys is not None and not any(fnmatch.fnmatchcase(setting["key"], k) for k in keys):
        return False
    return tags is None or bool(tags & set(setting.get("tags", [])))


def _served(config: str, setting: dict[str, Any], current: Any, value: Any) -> Any:
    if value is TOGGLE:
        if setting["settingType"] != "boolean":
            raise ValueTypeError(
                f"flag {setting['key']} (config {config}) is not an on/off flag:"
                " only on/off (boolean) flags toggle"
            )
        return not current
    return value


def with_values(
    doc: Document,
    value: Any,
    *,
    environments: Iterable[str],
    keys: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    configs: Iterable[str] | None = None,
) -> Document:
    """A copy of ``doc`` in which the chosen flags serve ``value`` (or are toggled) by default."""
    out = copy.deepcopy(doc)
    envs = list(environments)
    known = {e["name"] for e in out.get("environments", [])}
    for env in envs:
        if env not in known:
            raise DocumentError("environments", f"environment {env!r} is not in the product")
    key_list = None if keys is None else list(keys)
    tag_set = None if tags is None else set(tags)
    config_set = None if configs is None else set(configs)
    unmatched(out, keys=key_list, tags=tag_set, configs=config_set)
    for config in out["configs"]:
        if config_set is not None and config["name"] not in config_set:
            continue
        for setting in config["settings"]:
            if not _chosen(setting, key_list, tag_set):
                continue
            name = _FIELD[setting["settingType"]]
            _check_type(config["name"], setting, value)
            for env in envs:
                current = setting.setdefault("values", {}).get(env)
                if current is None:
                    continue  # the flag has no value there to edit
                if config["evaluationVersion"] == "v2":
                    old = current["defaultValue"].get(name)
                    current["defaultValue"] = {name: _served(config["name"], setting, old, value)}
                else:
                    current["value"] = _served(config["name"], setting, current["value"], value)
    return out
