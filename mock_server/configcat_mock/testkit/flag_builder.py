"""The flag builder: flags, targeting rules, segments and prerequisites written in Python,
and the setting values they become in the fake's management API (v1 or v2 shape).

    Flag(10, rules=[when(user("Email").text_ends_with_any_of("@example.com")).then(20)],
         percentages=[(50, 5), (50, 15)])

User conditions cover every comparator of the spec (:meth:`UserAttribute.compare` or the
named shortcuts); segments (``segment("Beta").is_in()``) and prerequisite flags
(``flag("other").equals(True)``) are v2 only. :mod:`configcat_mock.testkit.flag_server` serves
what is built here; :mod:`configcat_mock.flags` is where users import both from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs

from configcat_mock.state.comparators import (
    ROLLOUT_RULE_COMPARATOR_NUMBER,
    USER_COMPARATOR_NUMBER,
    value_kind,
)

FlagValue = bool | str | int | float
ConfigVersion = Literal["v1", "v2"]

#: v1 rollout-rule comparators by the number they share with their v2 counterparts
_V1_BY_NUMBER = {number: name for name, number in ROLLOUT_RULE_COMPARATOR_NUMBER.items()}


def _number(comparator: str) -> int:
    try:
        return USER_COMPARATOR_NUMBER[comparator]
    except KeyError:
        raise ValueError(f"{comparator!r} is not a user comparator") from None


def setting_type(value: FlagValue) -> str:
    """The ConfigCat setting type of a Python value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    raise TypeError(f"a flag's value is a bool, str, int or float, not {type(value).__name__}")


def value_model(value: FlagValue, kind: str) -> dict[str, Any]:
    """A value as the API's value model for a flag of type ``kind``; refuses another type."""
    if setting_type(value) != kind and not (kind == "double" and setting_type(value) == "int"):
        raise TypeError(f"{value!r} is not a {kind} value")
    field = {"boolean": "boolValue", "string": "stringValue", "int": "intValue"}.get(
        kind, "doubleValue"
    )
    return {field: float(value) if kind == "double" else value}


# -- conditions ------------------------------------------------------------------------------


@attrs.frozen
class UserCondition:
    """A condition on a user attribute: ``user("Email").contains_any_of("@example.com")``."""

    attribute: str
    comparator: str
    value: tuple[str, ...] | str | float

    def v2(self) -> dict[str, Any]:
        """The condition as a v2 config's user condition."""
        if isinstance(self.value, tuple):
            compared: dict[str, Any] = {"listValue": [{"value": v} for v in self.value]}
        elif isinstance(self.value, float):
            compared = {"doubleValue": self.value}
        else:
            compared = {"stringValue": self.value}
        cond = {"comparisonAttribute": self.attribute, "comparator": self.comparator}
        return {"userCondition": {**cond, "comparisonValue": compared}}

    def v1(self, where: str) -> dict[str, Any]:
        """The condition as a v1 rollout rule; refuses a comparator v1 configs lack."""
        v1_name = _V1_BY_NUMBER.get(_number(self.comparator))
        if v1_name is None:
            raise ValueError(f"{where}: {self.comparator} has no counterpart in a v1 config")
        value = ",".join(self.value) if isinstance(self.value, tuple) else str(self.value)
        if isinstance(self.value, float) and self.value.is_integer():
            value = str(int(self.value))
        return {
            "comparisonAttribute": self.attribute,
            "comparator": v1_name,
            "comparisonValue": value,
        }


@attrs.frozen
class SegmentCondition:
    """A condition on a segment: ``segment("Beta").is_in()``."""

    name: str
    comparator: Literal["isIn", "isNotIn"]


@attrs.frozen
class PrerequisiteCondition:
    """A condition on another flag's value: ``flag("isBeta").equals(True)`` (v2 only)."""

    key: str
    comparator: Literal["equals", "doesNotEqual"]
    value: FlagValue


Condition = UserCondition | SegmentCondition | PrerequisiteCondition


@attrs.frozen
class UserAttribute:
    """``user("Email")``: conditions on one attribute of the SDK's user object."""

    name: str

    def compare(self, comparator: str, value: Sequence[str] | str | float) -> UserCondition:
        """Any comparator of the spec's ``UserComparator``: list comparators take a list (or
        one text), number and date comparators a number, the rest one text."""
        kind = value_kind(_number(comparator))
        if kind == "l":
            items = [value] if isinstance(value, str | int | float) else list(value)
            return UserCondition(self.name, comparator, tuple(str(v) for v in items))
        if kind == "d":
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise TypeError(f"{comparator} compares with a number, not {value!r}")
            return UserCondition(self.name, comparator, float(value))
        if not isinstance(value, str):
            raise TypeError(f"{comparator} compares with one text, not {value!r}")
        return UserCondition(self.name, comparator, value)

    def is_one_of(self, *values: str) -> UserCondition:
        """The attribute is one of ``values`` (exact, case-sensitive)."""
        return self.compare("isOneOf", values)

    def is_not_one_of(self, *values: str) -> UserCondition:
        """The attribute is none of ``values``."""
        return self.compare("isNotOneOf", values)

    def contains_any_of(self, *values: str) -> UserCondition:
        """The attribute contains one of ``values``."""
        return self.compare("containsAnyOf", values)

    def text_equals(self, value: str) -> UserCondition:
        """The attribute equals ``value``."""
        return self.compare("textEquals", value)

    def text_starts_with_any_of(self, *values: str) -> UserCondition:
        """The attribute starts with one of ``values``."""
        return self.compare("textStartsWithAnyOf", values)

    def text_ends_with_any_of(self, *values: str) -> UserCondition:
        """The attribute ends with one of ``values``."""
        return self.compare("textEndsWithAnyOf", values)

    def array_contains_any_of(self, *values: str) -> UserCondition:
        """The attribute, a list, contains one of ``values``."""
        return self.compare("arrayContainsAnyOf", values)

    def number_equals(self, value: float) -> UserCondition:
        """The attribute, a number, equals ``value``."""
        return self.compare("numberEquals", float(value))

    def number_less(self, value: float) -> UserCondition:
        """The attribute, a number, is less than ``value``."""
        return self.compare("numberLess", float(value))

    def number_greater(self, value: float) -> UserCondition:
        """The attribute, a number, is greater than ``value``."""
        return self.compare("numberGreater", float(value))

    def semver_less(self, version: str) -> UserCondition:
        """The attribute, a semantic version, is lower than ``version``."""
        return self.compare("semVerLess", version)

    def semver_greater(self, version: str) -> UserCondition:
        """The attribute, a semantic version, is higher than ``version``."""
        return self.compare("semVerGreater", version)

    def date_time_before(self, unix_seconds: float) -> UserCondition:
        """The attribute, a time in Unix seconds, is before ``unix_seconds``."""
        return self.compare("dateTimeBefore", float(unix_seconds))

    def date_time_after(self, unix_seconds: float) -> UserCondition:
        """The attribute, a time in Unix seconds, is after ``unix_seconds``."""
        return self.compare("dateTimeAfter", float(unix_seconds))


@attrs.frozen
class SegmentRef:
    """A segment named in a rule; defined by the flag set's ``segments={...}``."""

    name: str

    def is_in(self) -> SegmentCondition:
        """The user is in the segment."""
        return SegmentCondition(self.name, "isIn")

    def is_not_in(self) -> SegmentCondition:
        """The user is not in the segment."""
        return SegmentCondition(self.name, "isNotIn")


@attrs.frozen
class FlagRef:
    """Another flag of the same flag set, named in a rule as a prerequisite."""

    key: str

    def equals(self, value: FlagValue) -> PrerequisiteCondition:
        """The other flag evaluates to ``value``."""
        return PrerequisiteCondition(self.key, "equals", value)

    def does_not_equal(self, value: FlagValue) -> PrerequisiteCondition:
        """The other flag evaluates to anything but ``value``."""
        return PrerequisiteCondition(self.key, "doesNotEqual", value)


def user(attribute: str) -> UserAttribute:
    """A user attribute to compare: ``user("Country").is_one_of("HU")``."""
    return UserAttribute(attribute)


def segment(name: str) -> SegmentRef:
    """A segment to test membership of: ``segment("Beta").is_in()``."""
    return SegmentRef(name)


def flag(key: str) -> FlagRef:
    """A prerequisite flag: ``flag("isBeta").equals(True)``."""
    return FlagRef(key)


# -- rules and flags ---------------------------------------------------------------------------

Percentages = Sequence[tuple[int, FlagValue]]


@attrs.frozen
class Rule:
    """A targeting rule: its conditions (all must hold), and a value or percentage options."""

    conditions: tuple[Condition, ...]
    value: FlagValue | None = None
    percentages: tuple[tuple[int, FlagValue], ...] = ()


@attrs.frozen
class When:
    """``when(cond, ...)``: a rule under construction; finish it with ``then`` or ``split``."""

    conditions: tuple[Condition, ...]

    def then(self, value: FlagValue) -> Rule:
        """Serve ``value`` when the conditions hold."""
        return Rule(self.conditions, value=value)

    def split(self, percentages: Percentages) -> Rule:
        """Split the users the conditions hold for: ``[(percent, value), ...]``."""
        return Rule(self.conditions, percentages=tuple(percentages))


def when(*conditions: Condition) -> When:
    """Start a rule whose conditions must all hold: ``when(cond, ...).then(value)``."""
    if not conditions:
        raise ValueError("a rule needs at least one condition")
    return When(conditions)


@attrs.frozen
class Flag:
    """A flag's default value, targeting rules and percentage options."""

    default: FlagValue
    rules: Sequence[Rule] = ()
    percentages: Percentages = ()
    percentage_attribute: str | None = None


FlagSpec = FlagValue | Flag


def as_flag(spec: FlagSpec) -> Flag:
    """A plain value as a ``Flag`` with that default; a ``Flag`` as it is."""
    return spec if isinstance(spec, Flag) else Flag(spec)
