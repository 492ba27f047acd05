"""Comparator numbering of the SDK config JSON (config_v6) and how each takes its value.

The spec's ``UserComparator`` enum lists the operators in the order the SDKs number them, so a
name's index in :data:`USER_COMPARATORS` is its number in config_v6 (``c`` of a user
condition). v1 ``RolloutRuleComparator`` names map onto the same numbers; ``contains`` and
``doesNotContain`` become the "any of" operators with one item. The same value kinds tell the
management handlers which comparison value field a comparator needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

ValueKind = Literal["s", "d", "l"]
"""Which field of a config_v6 user condition holds the comparison value: text, number, list."""

USER_COMPARATORS: Final[tuple[str, ...]] = (
    "isOneOf",
    "isNotOneOf",
    "containsAnyOf",
    "doesNotContainAnyOf",
    "semVerIsOneOf",
    "semVerIsNotOneOf",
    "semVerLess",
    "semVerLessOrEquals",
    "semVerGreater",
    "semVerGreaterOrEquals",
    "numberEquals",
    "numberDoesNotEqual",
    "numberLess",
    "numberLessOrEquals",
    "numberGreater",
    "numberGreaterOrEquals",
    "sensitiveIsOneOf",
    "sensitiveIsNotOneOf",
    "dateTimeBefore",
    "dateTimeAfter",
    "sensitiveTextEquals",
    "sensitiveTextDoesNotEqual",
    "sensitiveTextStartsWithAnyOf",
    "sensitiveTextNotStartsWithAnyOf",
    "sensitiveTextEndsWithAnyOf",
    "sensitiveTextNotEndsWithAnyOf",
    "sensitiveArrayContainsAnyOf",
    "sensitiveArrayDoesNotContainAnyOf",
    "textEquals",
    "textDoesNotEqual",
    "textStartsWithAnyOf",
    "textNotStartsWithAnyOf",
    "textEndsWithAnyOf",
    "textNotEndsWithAnyOf",
    "arrayContainsAnyOf",
    "arrayDoesNotContainAnyOf",
)

USER_COMPARATOR_NUMBER: Final[dict[str, int]] = {n: i for i, n in enumerate(USER_COMPARATORS)}

_TEXT: Final = {6, 7, 8, 9, 20, 21, 28, 29}
_NUMBER: Final = {10, 11, 12, 13, 14, 15, 18, 19}


def value_kind(number: int) -> ValueKind:
    """The config_v6 field (``s``, ``d`` or ``l``) that carries comparator ``number``'s value."""
    if number in _TEXT:
        return "s"
    if number in _NUMBER:
        return "d"
    return "l"


def comparators_taking(kind: ValueKind, numbers: Mapping[str, int]) -> frozenset[str]:
    """The names in ``numbers`` whose comparison value goes in the config_v6 field ``kind``."""
    return frozenset(name for name, number in numbers.items() if value_kind(number) == kind)


HASHED: Final[frozenset[int]] = frozenset({16, 17, 20, 21, 26, 27})
"""Sensitive comparators whose items are hashed whole."""

HASHED_AFFIX: Final[frozenset[int]] = frozenset({22, 23, 24, 25})
"""Sensitive starts-with / ends-with comparators: items carry their UTF-8 byte length."""

ROLLOUT_RULE_COMPARATOR_NUMBER: Final[dict[str, int]] = {
    "isOneOf": 0,
    "isNotOneOf": 1,
    "contains": 2,
    "doesNotContain": 3,
    "semVerIsOneOf": 4,
    "semVerIsNotOneOf": 5,
    "semVerLess": 6,
    "semVerLessOrEquals": 7,
    "semVerGreater": 8,
    "semVerGreaterOrEquals": 9,
    "numberEquals": 10,
    "numberDoesNotEqual": 11,
    "numberLess": 12,
    "numberLessOrEquals": 13,
    "numberGreater": 14,
    "numberGreaterOrEquals": 15,
    "sensitiveIsOneOf": 16,
    "sensitiveIsNotOneOf": 17,
}
"""v1 (``RolloutRuleComparator``) names: the same numbers as their v2 counterparts."""

SEGMENT_COMPARATOR_NUMBER: Final[dict[str, int]] = {"isIn": 0, "isNotIn": 1}
PREREQUISITE_COMPARATOR_NUMBER: Final[dict[str, int]] = {"equals": 0, "doesNotEqual": 1}

SETTING_TYPE_NUMBER: Final[dict[str, int]] = {"boolean": 0, "string": 1, "int": 2, "double": 3}
VALUE_FIELD: Final[dict[str, str]] = {"boolean": "b", "string": "s", "int": "i", "double": "d"}
"""Field of a config_v6 value object (``v``) per setting type."""
