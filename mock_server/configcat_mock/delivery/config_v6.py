"""Build the SDK config JSON (``config_v6.json``) of a config+environment.

Pure functions of :class:`~configcat_mock.delivery.sources.ConfigSource`. Output layout::

    {"p": {"u": base_url, "r": 0, "s": salt},
     "s": [{"n": segment name, "r": [user condition]}],
     "f": {key: {"t": type, "a": attr?, "r": [rule], "p": [option], "v": value, "i": id}}}

A rule is ``{"c": [condition], "s": {"v": value, "i": id}}`` or ``{"c": [...], "p": [option]}``;
a condition is ``{"u": {"a", "c", "s"|"d"|"l"}}``, ``{"s": {"s": segment index, "c"}}`` or
``{"p": {"f": flag key, "c", "v"}}``; an option is ``{"p": percentage, "v", "i"}``. v1 rollout
rules become one-condition rules, v1 percentage items the flag's options. Conditions whose
value cannot be served (a number that does not parse, a deleted segment or prerequisite) drop
their rule rather than make SDKs fail the whole flag.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from configcat_mock.delivery.hashing import sensitive_affix_hash, sensitive_hash
from configcat_mock.delivery.sources import ConfigSource, FlagSource, SegmentSource
from configcat_mock.state import comparators as cmp

Json = dict[str, Any]

_TYPE_DEFAULT: dict[str, Any] = {"boolean": False, "string": "", "int": 0, "double": 0.0}
_V2_VALUE_FIELD = {
    "boolean": "boolValue",
    "string": "stringValue",
    "int": "intValue",
    "double": "doubleValue",
}


class _Unservable(ValueError):
    """A rule or condition that cannot be written in config_v6 (dropped, see module doc)."""


# -- values -----------------------------------------------------------------------------------


def coerce_value(setting_type: str, raw: Any) -> Any:
    """A stored value as the Python value of ``setting_type`` (v1 values are loosely typed)."""
    if raw is None:
        return _TYPE_DEFAULT.get(setting_type)
    if setting_type == "boolean":
        return raw if isinstance(raw, bool) else str(raw).strip().lower() == "true"
    if setting_type == "string":
        return raw if isinstance(raw, str) else json.dumps(raw)
    try:
        number = float(str(raw).replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return _TYPE_DEFAULT.get(setting_type)
    return int(number) if setting_type == "int" else number


def v2_value(flag: FlagSource, model: Mapping[str, Any] | None) -> Any:
    """The served value of a ``ValueModel``, resolving a predefined variation id."""
    if not model:
        return _TYPE_DEFAULT.get(flag.setting_type)
    variation_id = model.get("predefinedVariationId")
    if variation_id is not None:
        for variation in flag.predefined_variations:
            if variation.get("predefinedVariationId") == variation_id:
                model = variation.get("value") or {}
                break
    return coerce_value(flag.setting_type, model.get(_V2_VALUE_FIELD.get(flag.setting_type, "")))


def default_value(flag: FlagSource, evaluation_version: str) -> Any:
    """The value served when no rule matches: v1 ``value``, v2 ``defaultValue``."""
    formula = flag.formula or {}
    if evaluation_version == "v2":
        return v2_value(flag, formula.get("defaultValue"))
    return coerce_value(flag.setting_type, formula.get("value"))


def value_object(setting_type: str, value: Any) -> Json:
    """``{"b": true}``, ``{"s": "text"}``, ``{"i": 3}`` or ``{"d": 1.5}``."""
    return {cmp.VALUE_FIELD.get(setting_type, "s"): value}


@functools.lru_cache(maxsize=65536, typed=True)
def variation_id(key: str, value: Any) -> str:
    """A stable 8-hex variation id per flag key and served value."""
    raw = f"{key}\x00{json.dumps(value)}".encode()
    return hashlib.sha256(raw).hexdigest()[:8]


def _served(flag: FlagSource, value: Any) -> Json:
    return {"v": value_object(flag.setting_type, value), "i": variation_id(flag.key, value)}


# -- conditions -------------------------------------------------------------------------------


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _parse_number(raw: Any) -> float:
    try:
        if isinstance(raw, str):
            return float(raw.strip().replace(",", "."))
        if isinstance(raw, bool) or raw is None:
            raise TypeError
        return float(raw)
    except (TypeError, ValueError):
        raise _Unservable(f"not a number: {raw!r}") from None


def _hash_items(number: int, items: Iterable[str], salt: str, context_salt: str) -> list[str]:
    if number in cmp.HASHED_AFFIX:
        return [sensitive_affix_hash(i, salt, context_salt) for i in items]
    return [sensitive_hash(i, salt, context_salt) for i in items]


def user_condition(
    attribute: str, number: int, value: Any, *, salt: str, context_salt: str
) -> Json:
    """A config_v6 user condition; ``value`` is a ``str``, a number or a ``list[str]`` matching
    the comparator's kind. Sensitive comparators get their items hashed here."""
    kind = cmp.value_kind(number)
    if kind == "d":
        served: Any = _parse_number(value)
    elif kind == "s":
        text = value if isinstance(value, str) else str(value)
        served = sensitive_hash(text, salt, context_salt) if number in cmp.HASHED else text
    else:
        items = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        hashed = number in cmp.HASHED or number in cmp.HASHED_AFFIX
        served = _hash_items(number, items, salt, context_salt) if hashed else items
    return {"a": attribute, "c": number, kind: served}


def v1_user_condition(
    attribute: str, comparator: str, text: str, *, salt: str, context_salt: str
) -> Json:
    """A v1 rollout rule (or segment) condition: ``comparisonValue`` is one string, a
    comma-separated list for the one-of comparators."""
    number = cmp.ROLLOUT_RULE_COMPARATOR_NUMBER.get(comparator)
    if number is None:
        raise _Unservable(f"unknown comparator {comparator!r}")
    text = text or ""
    value: Any
    if number in (2, 3):  # contains / doesNotContain: the whole text is one item
        value = [text]
    elif cmp.value_kind(number) == "l":
        value = _split_list(text)
    elif cmp.value_kind(number) == "s":
        value = text.strip()
    else:
        value = text
    return user_condition(attribute, number, value, salt=salt, context_salt=context_salt)


def v2_user_condition(model: Mapping[str, Any], *, salt: str, context_salt: str) -> Json:
    """A ``UserConditionModel`` (``comparisonValue``: ``stringValue``, ``doubleValue`` or
    ``listValue`` of ``{value, hint}``)."""
    number = cmp.USER_COMPARATOR_NUMBER.get(str(model.get("comparator")))
    if number is None:
        raise _Unservable(f"unknown comparator {model.get('comparator')!r}")
    comparison_value = model.get("comparisonValue") or {}
    kind = cmp.value_kind(number)
    value: Any
    if kind == "l":
        items = comparison_value.get("listValue")
        if items is None and comparison_value.get("stringValue") is not None:
            value = [comparison_value["stringValue"]]
        else:
            value = [str(i.get("value", "")) for i in items or []]
    elif kind == "d":
        value = comparison_value.get("doubleValue", comparison_value.get("stringValue"))
    else:
        value = comparison_value.get("stringValue")
        if value is None:
            raise _Unservable("missing text comparison value")
    return user_condition(
        str(model.get("comparisonAttribute", "")),
        number,
        value,
        salt=salt,
        context_salt=context_salt,
    )


def segment_json(segment: SegmentSource, salt: str) -> Json:
    """A config_v6 segment: its name (the context salt of its hashes) and its condition."""
    try:
        condition = v1_user_condition(
            segment.comparison_attribute,
            segment.comparator,
            segment.comparison_value,
            salt=salt,
            context_salt=segment.name,
        )
    except _Unservable:
        return {"n": segment.name, "r": []}
    return {"n": segment.name, "r": [condition]}


# -- flags ------------------------------------------------------------------------------------


class _Context:
    """Lookups one config's flags share while they are built."""

    def __init__(self, source: ConfigSource) -> None:
        self.salt = source.salt
        self.version = source.evaluation_version
        self.flags_by_id = {f.setting_id: f for f in source.flags}
        self.segment_index = {s.segment_id: i for i, s in enumerate(source.segments)}

    def segment_condition(self, segment_id: Any, comparator: Any) -> Json:
        index = self.segment_index.get(str(segment_id))
        number = cmp.SEGMENT_COMPARATOR_NUMBER.get(str(comparator))
        if index is None or number is None:
            raise _Unservable(f"unknown segment {segment_id!r}")
        return {"s": {"s": index, "c": number}}


def _options(flag: FlagSource, items: Sequence[Mapping[str, Any]], value_of: Any) -> list[Json]:
    options = []
    for item in items:
        value = value_of(item.get("value"))
        options.append({"p": int(item.get("percentage") or 0), **_served(flag, value)})
    return options


def _v1_flag(flag: FlagSource, ctx: _Context) -> Json:
    formula = flag.formula or {}
    rules: list[Json] = []
    for rule in formula.get("rolloutRules") or []:
        try:
            if rule.get("segmentId"):
                condition = ctx.segment_condition(rule["segmentId"], rule.get("segmentComparator"))
            else:
                condition = {
                    "u": v1_user_condition(
                        str(rule.get("comparisonAttribute") or ""),
                        str(rule.get("comparator")),
                        str(rule.get("comparisonValue") or ""),
                        salt=ctx.salt,
                        context_salt=flag.key,
                    )
                }
        except _Unservable:
            continue
        served = _served(flag, coerce_value(flag.setting_type, rule.get("value")))
        rules.append({"c": [condition], "s": served})
    body: Json = {"t": cmp.SETTING_TYPE_NUMBER.get(flag.setting_type, 1)}
    if rules:
        body["r"] = rules
    items = formula.get("rolloutPercentageItems") or []
    if items:
        body["p"] = _options(flag, items, lambda raw: coerce_value(flag.setting_type, raw))
    body.update(_served(flag, default_value(flag, "v1")))
    return body


def _v2_condition(flag: FlagSource, model: Mapping[str, Any], ctx: _Context) -> Json:
    if model.get("userCondition"):
        return {
            "u": v2_user_condition(model["userCondition"], salt=ctx.salt, context_salt=flag.key)
        }
    if model.get("segmentCondition"):
        seg = model["segmentCondition"]
        return ctx.segment_condition(seg.get("segmentId"), seg.get("comparator"))
    if model.get("prerequisiteFlagCondition"):
        pre = model["prerequisiteFlagCondition"]
        target = ctx.flags_by_id.get(pre.get("prerequisiteSettingId"))
        number = cmp.PREREQUISITE_COMPARATOR_NUMBER.get(str(pre.get("comparator")))
        if target is None or number is None:
            raise _Unservable("unknown prerequisite flag")
        value = v2_value(target, pre.get("prerequisiteComparisonValue"))
        return {"p": {"f": target.key, "c": number, "v": value_object(target.setting_type, value)}}
    raise _Unservable("empty condition")


def _v2_flag(flag: FlagSource, ctx: _Context) -> Json:
    formula = flag.formula or {}
    rules: list[Json] = []
    for rule in formula.get("targetingRules") or []:
        try:
            conditions = [_v2_condition(flag, c, ctx) for c in rule.get("conditions") or []]
        except _Unservable:
            continue
        out: Json = {"c": conditions}
        options = rule.get("percentageOptions") or []
        if rule.get("value") is None and options:
            out["p"] = _options(flag, options, lambda model: v2_value(flag, model))
        else:
            out["s"] = _served(flag, v2_value(flag, rule.get("value")))
        rules.append(out)
    body: Json = {"t": cmp.SETTING_TYPE_NUMBER.get(flag.setting_type, 1)}
    attribute = formula.get("percentageEvaluationAttribute")
    if attribute:
        body["a"] = attribute
    if rules:
        body["r"] = rules
    body.update(_served(flag, default_value(flag, "v2")))
    return body


def flag_json(flag: FlagSource, ctx: _Context) -> Json:
    """One flag; a stored formula that is not in the spec's shape (a hand-written seed) is
    served as its default value without rules, or the type's zero value, rather than failing
    the whole document."""
    broken = (AttributeError, TypeError, ValueError, KeyError)
    try:
        return _v2_flag(flag, ctx) if ctx.version == "v2" else _v1_flag(flag, ctx)
    except broken:
        try:
            value = default_value(flag, ctx.version)
        except broken:
            value = _TYPE_DEFAULT.get(flag.setting_type)
        return {"t": cmp.SETTING_TYPE_NUMBER.get(flag.setting_type, 1), **_served(flag, value)}


def _segments(source: ConfigSource) -> list[Any]:
    if source.imported_segments is not None:
        return list(source.imported_segments)
    return [segment_json(s, source.salt) for s in source.segments]


def served_flag(flag: FlagSource, ctx: _Context) -> Any:
    """The flag as imported while it is unchanged, else built from its formula."""
    return flag.imported if flag.imported is not None else flag_json(flag, ctx)


def build_config_v6(source: ConfigSource, base_url: str) -> Json:
    """The config_v6 document of ``source``; ``base_url`` goes into ``p.u`` with redirect
    mode 0 (no redirect)."""
    ctx = _Context(source)
    flags = sorted(source.flags, key=lambda f: (f.order, f.key.lower()))
    return {
        "p": {"u": base_url.rstrip("/"), "r": 0, "s": source.salt},
        "s": _segments(source),
        "f": {f.key: served_flag(f, ctx) for f in flags},
    }


FlagCache = dict[int, tuple[str, bytes]]
"""Setting id -> (the stamp it was built for, its encoded flag JSON)."""


def encode_config_v6(source: ConfigSource, base_url: str, cache: FlagCache | None = None) -> bytes:
    """``encode(build_config_v6(source, base_url))``, reusing from ``cache`` each flag whose
    stamp it was built for (the caller drops the cache when anything but values changed)."""
    ctx = _Context(source)
    flags = sorted(source.flags, key=lambda f: (f.order, f.key.lower()))
    head = encode(
        {
            "p": {"u": base_url.rstrip("/"), "r": 0, "s": source.salt},
            "s": _segments(source),
        }
    )
    parts: dict[str, bytes] = {}  # by key, like the document's dict: a repeated key keeps its place
    for flag in flags:
        hit = cache.get(flag.setting_id) if cache is not None and flag.stamp else None
        if hit is not None and hit[0] == flag.stamp:
            part = hit[1]
        else:
            part = encode(served_flag(flag, ctx))
            if cache is not None and flag.stamp:
                cache[flag.setting_id] = (flag.stamp, part)
        parts[flag.key] = part
    body = b",".join(
        json.dumps(k, ensure_ascii=False).encode() + b":" + v for k, v in parts.items()
    )
    return head[:-1] + b',"f":{' + body + b"}}"


def encode(document: Any) -> bytes:
    """Compact UTF-8 JSON, the bytes served and hashed into the ETag."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
