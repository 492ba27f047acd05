"""Changes in words: what a person reviewing a plan reads, field by field, before → after.

A change's ``before`` and ``after`` are document items; each is turned into labelled lines
(``default``, ``rule 1``, ``name``...) and the two sets compared, so an edit of one targeting
rule shows that rule only. Rules, segments and percentage options read as sentences
(``when Email ends with @example.com then 50``). Used by the command for ``plan``, ``show``
and ``diff`` alike; no colour here (the command adds it on a terminal).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from configcat_publicapi.workflows.plan import Change

SIGNS = {"create": "+", "update": "~", "delete": "-"}

_OPERATORS = {
    "equals": "is",
    "doesNotEqual": "is not",
    "isOneOf": "is one of",
    "isNotOneOf": "is not one of",
    "contains": "contains",
    "doesNotContain": "does not contain",
    "containsAnyOf": "contains",
    "doesNotContainAnyOf": "does not contain",
    "startsWithAnyOf": "starts with",
    "notStartsWithAnyOf": "does not start with",
    "endsWithAnyOf": "ends with",
    "notEndsWithAnyOf": "does not end with",
    "greater": ">",
    "greaterOrEquals": ">=",
    "less": "<",
    "lessOrEquals": "<=",
    "after": "is after",
    "before": "is before",
    "isIn": "is in",
    "isNotIn": "is not in",
}
_NUMBER = {"equals": "=", "doesNotEqual": "!="}
_KINDS = ("text", "semVer", "number", "dateTime", "array")


def comparator_words(comparator: str) -> str:
    """``textEndsWithAnyOf`` → ``ends with``; ``semVerLess`` → ``< (semver)``."""
    rest, notes = comparator, []
    if rest.startswith("sensitive"):
        rest = rest[len("sensitive") :]
        rest = rest[:1].lower() + rest[1:]
        notes.append("confidential")
    kind = next((k for k in _KINDS if rest.startswith(k) and rest != k), "")
    if kind:
        rest = rest[len(kind) :]
    rest = rest[:1].lower() + rest[1:]
    if kind == "number" and rest in _NUMBER:
        words = _NUMBER[rest]
    elif rest in _OPERATORS:
        words = _OPERATORS[rest]
    else:  # a comparator added upstream: its words from its name
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", rest).lower()
    if kind == "semVer":
        notes.append("semver")
    elif kind == "dateTime":
        notes.append("Unix time")
    return words + (f" ({', '.join(notes)})" if notes else "")


def value_text(value: Any) -> str:
    """A served value as a person writes it: ``true``, ``42``, ``"dark"``, a variation."""
    if isinstance(value, Mapping):
        if "predefinedVariation" in value:
            return f"variation {value['predefinedVariation']}"
        for name in ("boolValue", "stringValue", "intValue", "doubleValue"):
            if name in value:
                return value_text(value[name])
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _comparison(value: Mapping[str, Any]) -> str:
    if value.get("listValue") is not None:
        return ", ".join(str(item.get("value", "")) for item in value["listValue"])
    if value.get("doubleValue") is not None:
        return json.dumps(value["doubleValue"])
    return str(value.get("stringValue", ""))


def condition_text(condition: Mapping[str, Any]) -> str:
    """One condition of a targeting rule, in words."""
    if "userCondition" in condition:
        user = condition["userCondition"]
        return (
            f"{user['comparisonAttribute']} {comparator_words(user['comparator'])} "
            f"{_comparison(user.get('comparisonValue') or {})}"
        )
    if "segmentCondition" in condition:
        segment = condition["segmentCondition"]
        return f"user {comparator_words(segment['comparator'])} segment {segment['segment']}"
    if "prerequisiteFlagCondition" in condition:
        flag = condition["prerequisiteFlagCondition"]
        return (
            f"flag {flag['prerequisiteKey']} {comparator_words(flag['comparator'])} "
            f"{value_text(flag['prerequisiteComparisonValue'])}"
        )
    return json.dumps(condition, ensure_ascii=False, sort_keys=True)


def _percentages(options: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(f"{o['percentage']}% {value_text(o['value'])}" for o in options)


def rule_text(rule: Mapping[str, Any]) -> str:
    """A v2 targeting rule: ``when A and B then X`` (or ``then 50% X, 50% Y``)."""
    conditions = " and ".join(condition_text(c) for c in rule.get("conditions", []))
    when = f"when {conditions} " if conditions else ""
    if rule.get("percentageOptions"):
        return f"{when}then {_percentages(rule['percentageOptions'])}"
    return f"{when}then {value_text(rule.get('value'))}"


def _v1_rule(rule: Mapping[str, Any]) -> str:
    if "segment" in rule:
        return (
            f"when user {comparator_words(rule['segmentComparator'])} segment "
            f"{rule['segment']} then {value_text(rule['value'])}"
        )
    return (
        f"when {rule['comparisonAttribute']} {comparator_words(rule['comparator'])} "
        f"{rule.get('comparisonValue', '')} then {value_text(rule['value'])}"
    )


def value_fields(value: Mapping[str, Any] | None) -> dict[str, str]:
    """A flag's value in one environment (a v2 formula or a v1 value) as labelled lines."""
    if not value:
        return {}
    out: dict[str, str] = {}
    if "defaultValue" in value:
        out["default"] = value_text(value["defaultValue"])
        if value.get("percentageEvaluationAttribute"):
            out["percentage attribute"] = str(value["percentageEvaluationAttribute"])
        for number, rule in enumerate(value.get("targetingRules") or [], 1):
            out[f"rule {number}"] = rule_text(rule)
        return out
    out["value"] = value_text(value.get("value"))
    for number, rule in enumerate(value.get("rolloutRules") or [], 1):
        out[f"rule {number}"] = _v1_rule(rule)
    if value.get("rolloutPercentageItems"):
        out["percentages"] = _percentages(value["rolloutPercentageItems"])
    return out


def _setting_fields(setting: Mapping[str, Any]) -> dict[str, str]:
    kind = str(setting.get("settingType", ""))
    if setting.get("isJson"):
        kind += " (JSON)"
    out = {"name": value_text(setting.get("name", "")), "type": kind}
    if setting.get("hint"):
        out["hint"] = value_text(setting["hint"])
    if setting.get("tags"):
        out["tags"] = ", ".join(setting["tags"])
    return out


def _segment_fields(segment: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    if segment.get("description"):
        out["description"] = value_text(segment["description"])
    out["condition"] = (
        f"{segment.get('comparisonAttribute', '')} "
        f"{comparator_words(str(segment.get('comparator', '')))} "
        f"{segment.get('comparisonValue', '')}"
    )
    return out


def _variation_fields(rows: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    out = {}
    for row in rows or []:
        text = value_text(row.get("value"))
        if row.get("hint"):
            text += f" ({row['hint']})"
        out[f"variation {row['name']}"] = text
    return out


def _flat(item: Any, prefix: str = "") -> dict[str, str]:
    """Any other item: its scalar fields by dotted label."""
    if isinstance(item, Mapping):
        out: dict[str, str] = {}
        for key, value in item.items():
            if key in ("order", "settings", "values") or value in (None, "", [], {}):
                continue
            out |= _flat(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}")
        return out
    if isinstance(item, list):
        return {prefix: ", ".join(value_text(v) for v in item)}
    return {prefix: value_text(item)} if prefix else {}


def fields(kind: str, item: Any) -> dict[str, str]:
    """An item of the given kind (a change's ``before`` or ``after``) as labelled lines."""
    if item is None:
        return {}
    if kind == "value":
        return value_fields(item)
    if kind == "setting":
        return _setting_fields(item)
    if kind == "segment":
        return _segment_fields(item)
    if kind == "variations":
        return _variation_fields(item)
    if kind == "config":
        out = _flat({k: v for k, v in item.items() if k != "evaluationVersion"})
        if item.get("evaluationVersion"):
            out["evaluation version"] = str(item["evaluationVersion"])
        return out
    return _flat(item)


@dataclass(frozen=True)
class FieldChange:
    """One labelled line: ``before`` only (removed), ``after`` only (added), or both."""

    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Described:
    """A change as the command prints it: sign, title, and the fields that differ."""

    sign: str
    title: str
    fields: list[FieldChange]


def title(change: Change) -> str:
    """``flag isBeta in Staging (config Main)``: the item a change is about."""
    in_config = f" (config {change.config})" if change.config else ""
    if change.kind == "value":
        return f"value of {change.name} in {change.environment}{in_config}"
    if change.kind == "setting":
        return f"flag {change.name}{in_config}"
    if change.kind == "variations":
        return f"predefined variations of {change.name}{in_config}"
    if change.kind == "preferences":
        return f"preferences of product {change.name}"
    return f"{change.kind} {change.name}"


def compare(before: Mapping[str, str], after: Mapping[str, str]) -> list[FieldChange]:
    """The labelled lines that differ, in the order of ``after`` then those removed."""
    out = [
        FieldChange(label, before.get(label), text)
        for label, text in after.items()
        if before.get(label) != text
    ]
    out += [FieldChange(label, text, None) for label, text in before.items() if label not in after]
    return out


def describe(change: Change) -> Described:
    """A change in words, with every field that changes (all fields of a create or delete)."""
    if change.kind == "preferences":  # ``after`` holds only what changes
        before = _flat(change.before or {})
        after = _flat(change.after or {})
        return Described(
            SIGNS[change.action],
            title(change),
            [FieldChange(k, before.get(k), v) for k, v in after.items()],
        )
    before = fields(change.kind, change.before) if change.action != "create" else {}
    after = fields(change.kind, change.after) if change.action != "delete" else {}
    # a value written where there was none (a new flag's) is an addition
    sign = "+" if change.action == "update" and change.before is None else SIGNS[change.action]
    return Described(sign, title(change), compare(before, after))


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 change``, ``2 changes``; ``many`` for words that do not take an s."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def summary(counts: Mapping[str, int]) -> str:
    """The plan's last line: ``2 to create, 1 to change, 0 to delete``."""
    return (
        f"{counts.get('create', 0)} to create, {counts.get('update', 0)} to change, "
        f"{counts.get('delete', 0)} to delete"
    )
