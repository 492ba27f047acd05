"""Changes in words: rules, comparators, fields before → after, plurals."""

from __future__ import annotations

import pytest

from configcat_publicapi.workflows.describe import (
    FieldChange,
    comparator_words,
    describe,
    plural,
    rule_text,
)
from configcat_publicapi.workflows.plan import Change


def _ends_with(suffix: str) -> dict[str, object]:
    return {
        "userCondition": {
            "comparisonAttribute": "Email",
            "comparator": "textEndsWithAnyOf",
            "comparisonValue": {"listValue": [{"value": suffix}]},
        }
    }


def test_a_rule_reads_as_a_sentence() -> None:
    rule = {"conditions": [_ends_with("@example.com")], "value": {"intValue": 50}}
    assert rule_text(rule) == "when Email ends with @example.com then 50"
    split = {
        "conditions": [
            _ends_with("@example.com"),
            {"segmentCondition": {"segment": "Beta testers", "comparator": "isNotIn"}},
        ],
        "percentageOptions": [
            {"percentage": 30, "value": {"boolValue": True}},
            {"percentage": 70, "value": {"predefinedVariation": "Off"}},
        ],
    }
    assert rule_text(split) == (
        "when Email ends with @example.com and user is not in segment Beta testers"
        " then 30% true, 70% variation Off"
    )


@pytest.mark.parametrize(
    ("comparator", "words"),
    [
        ("textEquals", "is"),
        ("sensitiveTextEquals", "is (confidential)"),
        ("isOneOf", "is one of"),
        ("numberGreaterOrEquals", ">="),
        ("numberDoesNotEqual", "!="),
        ("semVerLess", "< (semver)"),
        ("dateTimeAfter", "is after (Unix time)"),
        ("arrayDoesNotContainAnyOf", "does not contain"),
        ("textNotStartsWithAnyOf", "does not start with"),
        ("someFutureComparator", "some future comparator"),
    ],
)
def test_comparators_in_words(comparator: str, words: str) -> None:
    assert comparator_words(comparator) == words


def test_a_value_change_lists_only_what_changed() -> None:
    before = {
        "defaultValue": {"boolValue": False},
        "targetingRules": [{"conditions": [_ends_with("@a.com")], "value": {"boolValue": True}}],
    }
    after = {
        "defaultValue": {"boolValue": True},
        "targetingRules": [{"conditions": [_ends_with("@a.com")], "value": {"boolValue": True}}],
        "percentageEvaluationAttribute": "Country",
    }
    change = Change("update", "value", "p", "isBeta", before, after, "Main", "Staging")
    described = describe(change)
    assert (described.sign, described.title) == ("~", "value of isBeta in Staging (config Main)")
    assert described.fields == [
        FieldChange("default", "false", "true"),
        FieldChange("percentage attribute", None, "Country"),
    ]


def test_plurals() -> None:
    assert [plural(n, "change") for n in (0, 1, 2)] == ["0 changes", "1 change", "2 changes"]
    assert plural(1, "flag differs", "flags differ") == "1 flag differs"
