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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from configcat_publicapi._exceptions import ConfigCatError
from configcat_publicapi.workflows.document import Document, DocumentError
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


def _chosen(setting: dict[str, Any], keys: list[str] | None, tags: set[str] | None) -> bool:
    if keys is not None and not any(fnmatch.fnmatchcase(setting["key"], k) for k in keys):
        return False
    return tags is None or bool(tags & set(setting.get("tags", [])))


def _served(setting: dict[str, Any], current: Any, value: Any, at: str) -> Any:
    if value is TOGGLE:
        if setting["settingType"] != "boolean":
            raise DocumentError(at, f"flag {setting['key']!r} is not a boolean: it cannot toggle")
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
    for ci, config in enumerate(out["configs"]):
        if config_set is not None and config["name"] not in config_set:
            continue
        for si, setting in enumerate(config["settings"]):
            if not _chosen(setting, key_list, tag_set):
                continue
            name = _FIELD[setting["settingType"]]
            for env in envs:
                at = f"configs[{ci}].settings[{si}].values.{env}"
                current = setting.setdefault("values", {}).get(env)
                if current is None:
                    continue  # the flag has no value there to edit
                if config["evaluationVersion"] == "v2":
                    old = current["defaultValue"].get(name)
                    current["defaultValue"] = {name: _served(setting, old, value, at)}
                else:
                    current["value"] = _served(setting, current["value"], value, at)
    return out
