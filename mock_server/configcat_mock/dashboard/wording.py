"""A flag's value in words: its targeting rules, segments and percentage options.

Both evaluation versions are read in the v2 shape (a v1 value is converted the way the v2
endpoints read it), so one description covers both. Every function returns plain text; the
templates escape it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs

from configcat_mock.api.formulas import v1_as_v2
from configcat_mock.state import records
from configcat_mock.state.backend import Backend

_VALUE_FIELDS = ("boolValue", "stringValue", "intValue", "doubleValue")

# comparator names whose words are not their camel-case split
_COMPARATOR_WORDS = {
    "semVerIsOneOf": "is one of (semver)",
    "semVerIsNotOneOf": "is not one of (semver)",
    "semVerLess": "< (semver)",
    "semVerLessOrEquals": "<= (semver)",
    "semVerGreater": "> (semver)",
    "semVerGreaterOrEquals": ">= (semver)",
    "numberEquals": "= (number)",
    "numberDoesNotEqual": "!= (number)",
    "numberLess": "< (number)",
    "numberLessOrEquals": "<= (number)",
    "numberGreater": "> (number)",
    "numberGreaterOrEquals": ">= (number)",
    "dateTimeBefore": "is before (date, Unix seconds)",
    "dateTimeAfter": "is after (date, Unix seconds)",
    "isIn": "is in",
    "isNotIn": "is not in",
    "equals": "equals",
    "doesNotEqual": "does not equal",
}


def comparator_words(name: str) -> str:
    """``sensitiveTextStartsWithAnyOf`` -> ``text starts with any of (hashed)``."""
    if name in _COMPARATOR_WORDS:
        return _COMPARATOR_WORDS[name]
    hashed = name.startswith("sensitive")
    if hashed:
        name = name[len("sensitive") :]
    words = " ".join(part.lower() for part in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name))
    return f"{words} (hashed)" if hashed else words


def value_text(value: Any) -> str:
    """A flag value as the dashboard shows it: JSON literals for booleans and text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "(none)"
    return str(value)


def model_value(model: Any) -> Any:
    """The value a v2 ``ValueModel`` holds (the first field that is set)."""
    if not isinstance(model, dict):
        return None
    for field in _VALUE_FIELDS:
        if model.get(field) is not None:
            return model[field]
    return None


def default_value(value: records.SettingValue) -> Any:
    """The value served when no rule matches."""
    if "defaultValue" in value.formula:
        return model_value(value.formula["defaultValue"])
    return value.formula.get("value")


def rule_count(value: records.SettingValue) -> int:
    """Targeting rules, with percentage options counted as one rule (as in v2)."""
    formula = value.formula
    if "defaultValue" in formula:
        return len(formula.get("targetingRules") or [])
    return len(formula.get("rolloutRules") or []) + bool(formula.get("rolloutPercentageItems"))


@attrs.frozen
class Described:
    """A value in sentences: one per rule in order, then what is served otherwise."""

    rules: list[str]
    otherwise: str
    segments: list[str]  # the segments the rules name, each with its condition


def describe(backend: Backend, setting: records.Setting, value: records.SettingValue) -> Described:
    formula = value.formula
    if "defaultValue" not in formula:
        formula = v1_as_v2(setting.setting_type, formula)
    split_by = formula.get("percentageEvaluationAttribute") or "Identifier"
    named_segments: dict[str, str] = {}
    rules = []
    for number, rule in enumerate(formula.get("targetingRules") or [], start=1):
        conditions = [
            _condition(backend, condition, named_segments)
            for condition in rule.get("conditions") or []
        ]
        options = rule.get("percentageOptions") or []
        if options:
            parts = ", ".join(
                f"{option.get('percentage')}% {value_text(model_value(option.get('value')))}"
                for option in options
            )
            serve = f"split by {split_by}: {parts}"
        else:
            serve = f"serve {value_text(model_value(rule.get('value')))}"
        if conditions:
            rules.append(f"{number}. If {' and '.join(conditions)}, {serve}.")
        else:
            rules.append(f"{number}. For everyone else, {serve}.")
    otherwise = "Otherwise" if rules else "Everyone"
    served = value_text(model_value(formula.get("defaultValue")))
    return Described(
        rules=rules,
        otherwise=f"{otherwise}: serve {served}.",
        segments=[f"{name}: {text}" for name, text in sorted(named_segments.items())],
    )


def segment_text(segment: records.Segment) -> str:
    return (
        f"{segment.comparison_attribute} {comparator_words(segment.comparator)} "
        f"{segment.comparison_value}"
    )


def _condition(backend: Backend, condition: dict[str, Any], segments: dict[str, str]) -> str:
    if user := condition.get("userCondition"):
        return (
            f"{user.get('comparisonAttribute')} {comparator_words(user.get('comparator') or '')} "
            f"{_comparison_value(user.get('comparisonValue'))}"
        )
    if segment_condition := condition.get("segmentCondition"):
        segment = backend.segments.get(segment_condition.get("segmentId"))
        name = (
            segment.name if segment else f"(deleted segment {segment_condition.get('segmentId')})"
        )
        if segment is not None:
            segments[segment.name] = segment_text(segment)
        comparator = comparator_words(segment_condition.get("comparator") or "isIn")
        return f"the user {comparator} segment {name}"
    if prerequisite := condition.get("prerequisiteFlagCondition"):
        other = backend.settings.get(prerequisite.get("prerequisiteSettingId"))
        key = other.key if other else f"(deleted flag {prerequisite.get('prerequisiteSettingId')})"
        wanted = value_text(model_value(prerequisite.get("prerequisiteComparisonValue")))
        return f"flag {key} {comparator_words(prerequisite.get('comparator') or '')} {wanted}"
    return "(an empty condition)"


def _comparison_value(compared: Any) -> str:
    if not isinstance(compared, dict):
        return value_text(compared)
    if compared.get("listValue") is not None:
        items = [str(item.get("value")) for item in compared["listValue"] if isinstance(item, dict)]
        return "[" + ", ".join(items) + "]"
    if compared.get("doubleValue") is not None:
        return str(compared["doubleValue"])
    return value_text(compared.get("stringValue"))
