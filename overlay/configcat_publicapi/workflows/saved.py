"""Saved plans: the changes reviewed now, applied later exactly, or not at all.

A saved plan (``plan --out FILE``, ``promote --out FILE``, ``bulk --out FILE``) is a JSON
file in the shape of ``plan.schema.json`` beside this module (format ``configcat-plan``,
version 1; described in the docs' "Saved plan format"). It holds the document the plan was
computed from, the plan's changes, and a fingerprint of the target product as it was read:
one hash per item (an environment, a tag, a segment, a config, a flag with its values, the
preferences) and one over them all. Applying it reads the target again: when any item's hash
differs, :class:`PlanOutdatedError` names the items that moved and nothing is written; when
none differs, the plan is computed again from the saved document and must equal the saved
changes (a different version of this package that plans otherwise is refused too), and then
exactly those changes are made.

Hashes cover the document as exported (names, keys, values), not the service's ids: the
changes refer to items by name and are mapped to the ids read at apply time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from configcat_publicapi._exceptions import ConfigCatError
from configcat_publicapi._version import __version__
from configcat_publicapi.workflows.document import Document, DocumentError
from configcat_publicapi.workflows.plan import Change, Plan

PLAN_FORMAT = "configcat-plan"
PLAN_VERSION = 1
PLAN_SCHEMA_FILE = "plan.schema.json"
COMMANDS = ("plan", "promote", "bulk")


class PlanOutdatedError(ConfigCatError):
    """The target product changed since the plan was saved; ``moved`` names what changed."""

    def __init__(self, product_id: str, moved: list[str]) -> None:
        self.product_id = product_id
        self.moved = moved
        shown = "; ".join(moved[:10]) + (f"; and {len(moved) - 10} more" if len(moved) > 10 else "")
        super().__init__(
            f"product {product_id} changed since the plan was saved ({shown}):"
            " nothing was written; make a new plan"
        )


@cache
def _plan_schema() -> Mapping[str, Any]:
    text = (
        resources.files("configcat_publicapi.workflows")
        .joinpath(PLAN_SCHEMA_FILE)
        .read_text(encoding="utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def plan_schema() -> dict[str, Any]:
    """The saved plan's JSON Schema (draft 2020-12), as published in the package."""
    return dict(_plan_schema())


def _hash(item: Any) -> str:
    text = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint_items(document: Document) -> dict[str, str]:
    """One short hash per item of a product document, labelled as a person names it."""
    items: dict[str, str] = {"product": _hash(document.get("product", {}))[:16]}
    items["preferences"] = _hash(document.get("preferences", {}))[:16]
    for kind, rows in (
        ("environment", document.get("environments", [])),
        ("tag", document.get("tags", [])),
        ("segment", document.get("segments", [])),
    ):
        for order, row in enumerate(rows):
            items[f"{kind} {row['name']}"] = _hash([order, row])[:16]
    for order, config in enumerate(document.get("configs", [])):
        own = {k: v for k, v in config.items() if k != "settings"}
        items[f"config {config['name']}"] = _hash([order, own])[:16]
        for position, setting in enumerate(config.get("settings", [])):
            label = f"flag {setting['key']} (config {config['name']})"
            items[label] = _hash([position, setting])[:16]
    return items


def fingerprint(items: Mapping[str, str]) -> str:
    """The hash over every item's hash."""
    return "sha256:" + _hash(dict(items))


def moved(saved: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """The items that differ between two fingerprints, in words."""
    out = [f"{label} changed" for label in saved if label in now and now[label] != saved[label]]
    out += [f"{label} was deleted" for label in saved if label not in now]
    out += [f"{label} was added" for label in now if label not in saved]
    return out


@dataclass
class SavedPlan:
    """A plan with what it was computed from; ``to_json`` is the file's content."""

    command: str
    product_id: str
    document: Document
    plan: Plan
    items: dict[str, str]
    prune: bool = False
    created_at: str = ""

    @classmethod
    def make(cls, command: str, target: Document, plan: Plan, *, prune: bool = False) -> SavedPlan:
        """Save ``plan``, computed from ``plan.document`` against ``target`` (as read)."""
        return cls(
            command,
            plan.product_id,
            plan.document,
            plan,
            fingerprint_items(target),
            prune,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "version": PLAN_VERSION,
            "command": self.command,
            "createdAt": self.created_at,
            "createdBy": f"configcat-publicapi {__version__}",
            "productId": self.product_id,
            "prune": self.prune,
            "target": {"fingerprint": fingerprint(self.items), "items": self.items},
            "plan": self.plan.to_json(),
            "document": self.document,
        }

    @classmethod
    def from_json(cls, data: Any) -> SavedPlan:
        """Read a saved plan; :class:`DocumentError` (with the path) when it is not one."""
        check_saved(data)
        plan_json = data["plan"]
        fields = ("action", "kind", "path", "name", "before", "after", "config", "environment")
        changes = [Change(**{k: c.get(k) for k in fields}) for c in plan_json["changes"]]
        plan = Plan(
            data["productId"],
            data["document"],
            changes,
            needs_reason=list(plan_json.get("needsReason", [])),
            needs_approval=list(plan_json.get("needsApproval", [])),
            notes=list(plan_json.get("notes", [])),
        )
        return cls(
            data["command"],
            data["productId"],
            data["document"],
            plan,
            dict(data["target"]["items"]),
            bool(data["prune"]),
            str(data.get("createdAt", "")),
        )

    def check_target(self, target: Document) -> None:
        """Refuse (:class:`PlanOutdatedError`) when ``target``, read now, moved since."""
        now = fingerprint_items(target)
        if now != self.items:
            raise PlanOutdatedError(self.product_id, moved(self.items, now))

    def check_changes(self, replanned: Plan) -> None:
        """Refuse when the saved document, planned again now, gives other changes."""
        if [c.to_json() for c in replanned.changes] != [c.to_json() for c in self.plan.changes]:
            raise PlanOutdatedError(
                self.product_id,
                [f"this version of configcat-publicapi ({__version__}) plans other changes"],
            )


def is_saved_plan(data: Any) -> bool:
    """Whether parsed JSON claims to be a saved plan (a product document does not)."""
    return isinstance(data, Mapping) and data.get("format") == PLAN_FORMAT


def check_saved(data: Any) -> None:
    """Raise :class:`DocumentError` naming the first place ``data`` is not a saved plan."""
    if not is_saved_plan(data):
        raise DocumentError("format", f"not a saved plan: 'format' is not {PLAN_FORMAT!r}")
    if data.get("version") != PLAN_VERSION:
        raise DocumentError(
            "version",
            f"a saved plan of version {data.get('version')!r}; this version of"
            f" configcat-publicapi ({__version__}) reads version {PLAN_VERSION}",
        )
    from configcat_publicapi.workflows.document import _path

    try:
        import jsonschema  # type: ignore[import-untyped]
        import jsonschema.exceptions  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - the extra is installed in development
        from configcat_publicapi.workflows.document import EXTRA_HINT

        raise ImportError(f"reading a saved plan needs jsonschema: {EXTRA_HINT}") from exc
    errors = list(jsonschema.Draft202012Validator(_plan_schema()).iter_errors(data))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        raise DocumentError(_path(best.absolute_path), best.message)


def read_saved(path: str | Path) -> SavedPlan:
    """A saved plan from its file."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError("", f"not a saved plan (not JSON: {exc})") from exc
    return SavedPlan.from_json(data)


def write_saved(saved: SavedPlan, path: str | Path) -> None:
    """Write a saved plan as indented JSON."""
    text = json.dumps(saved.to_json(), indent=2, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")
