"""Whatever the API holds survives export -> apply -> export unchanged (property-based).

Hypothesis builds products from the spec's value shapes: every comparator of both
evaluation versions with the comparison value its kind takes (text, number, list), empty
strings and any unicode where the service takes them, ints at the int32 ends, doubles from
the smallest subnormal to the largest finite, segments, tags, prerequisite flags and
percentage options. Each is applied to a product of the in-process fake, exported, applied
to a second product and exported again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from configcat_mock import MockConfigCat
from configcat_mock.state.comparators import USER_COMPARATOR_NUMBER, value_kind
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_publicapi import ConfigCatClient
from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows import FORMAT, VERSION
from configcat_publicapi.workflows.document import published_schema
from configcat_publicapi_client.models import CreateProductRequest

EXAMPLES = 12
"""Each example is two applies and two exports: about a second each on a loaded machine."""

V2_COMPARATORS = sorted(published_schema()["$defs"]["v2Comparator"]["enum"])
V1_COMPARATORS = sorted(published_schema()["$defs"]["v1Comparator"]["enum"])
TYPES = ["boolean", "string", "int", "double"]
ENVIRONMENTS = ["Production", "Staging"]

texts = st.text(max_size=12)
"""Any unicode (control characters, look-alikes, the empty string)."""
doubles = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308, 0.0]),
)


def named(prefix: str) -> st.SearchStrategy[str]:
    """A name the service takes (not blank), unique by its prefix, with any unicode after it."""
    return texts.map(lambda tail: f"{prefix}{tail}")


def literal(setting_type: str) -> st.SearchStrategy[dict[str, Any]]:
    kinds: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "boolean": st.booleans().map(lambda v: {"boolValue": v}),
        "string": texts.map(lambda v: {"stringValue": v}),
        "int": st.integers(-(2**31), 2**31 - 1).map(lambda v: {"intValue": v}),
        "double": doubles.map(lambda v: {"doubleValue": v}),
    }
    return kinds[setting_type]


def scalar(setting_type: str) -> st.SearchStrategy[Any]:
    return literal(setting_type).map(lambda v: next(iter(v.values())))


def optional(field: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``{field: value}`` or nothing (an export leaves empty text out)."""
    return st.one_of(st.just({}), values.map(lambda v: {field: v}))


@st.composite
def comparison_value(draw: st.DrawFn, comparator: str) -> dict[str, Any]:
    kind = value_kind(USER_COMPARATOR_NUMBER[comparator])
    if kind == "d":
        return {"doubleValue": draw(doubles)}
    if kind == "s":
        return {"stringValue": draw(texts)}
    items = st.fixed_dictionaries({"value": texts}, optional={"hint": named("h")})
    return {"listValue": draw(st.lists(items, min_size=1, max_size=3))}


@st.composite
def condition(
    draw: st.DrawFn, segments: list[str], earlier: list[tuple[str, str]]
) -> dict[str, Any]:
    kinds = ["user"] + (["segment"] if segments else []) + (["prerequisite"] if earlier else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "segment":
        return {
            "segmentCondition": {
                "segment": draw(st.sampled_from(segments)),
                "comparator": draw(st.sampled_from(["isIn", "isNotIn"])),
            }
        }
    if kind == "prerequisite":
        key, setting_type = draw(st.sampled_from(earlier))
        return {
            "prerequisiteFlagCondition": {
                "prerequisiteKey": key,
                "comparator": draw(st.sampled_from(["equals", "doesNotEqual"])),
                "prerequisiteComparisonValue": draw(literal(setting_type)),
            }
        }
    comparator = draw(st.sampled_from(V2_COMPARATORS))
    return {
        "userCondition": {
            "comparisonAttribute": draw(named("a")),
            "comparator": comparator,
            "comparisonValue": draw(comparison_value(comparator)),
        }
    }


@st.composite
def formula(
    draw: st.DrawFn, setting_type: str, segments: list[str], earlier: list[tuple[str, str]]
) -> dict[str, Any]:
    out: dict[str, Any] = {"defaultValue": draw(literal(setting_type))}
    out |= draw(optional("percentageEvaluationAttribute", named("p")))
    rules = []
    for _ in range(draw(st.integers(0, 2))):
        rule: dict[str, Any] = {
            "conditions": draw(st.lists(condition(segments, earlier), min_size=1, max_size=2))
        }
        if draw(st.booleans()):
            rule["value"] = draw(literal(setting_type))
        else:
            first = draw(st.integers(0, 100))
            rule["percentageOptions"] = [
                {"percentage": first, "value": draw(literal(setting_type))},
                {"percentage": 100 - first, "value": draw(literal(setting_type))},
            ]
        rules.append(rule)
    if rules:
        out["targetingRules"] = rules
    return out


@st.composite
def v1_value(draw: st.DrawFn, setting_type: str, segments: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"value": draw(scalar(setting_type))}
    rules = []
    for _ in range(draw(st.integers(0, 2))):
        targeted = draw(st.booleans()) if segments else False
        if targeted:
            rules.append(
                {
                    "segment": draw(st.sampled_from(segments)),
                    "segmentComparator": draw(st.sampled_from(["isIn", "isNotIn"])),
                    "value": draw(scalar(setting_type)),
                }
            )
        else:
            rules.append(
                {
                    "comparisonAttribute": draw(named("a")),
                    "comparator": draw(st.sampled_from(V1_COMPARATORS)),
                    "comparisonValue": draw(texts),
                    "value": draw(scalar(setting_type)),
                }
            )
    if rules:
        out["rolloutRules"] = rules
    if draw(st.booleans()):
        first = draw(st.integers(0, 100))
        out["rolloutPercentageItems"] = [
            {"percentage": first, "value": draw(scalar(setting_type))},
            {"percentage": 100 - first, "value": draw(scalar(setting_type))},
        ]
    return out


@st.composite
def settings_of(
    draw: st.DrawFn, version: str, segments: list[str], tags: list[str]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    earlier: list[tuple[str, str]] = []
    for i in range(draw(st.integers(1, 3))):
        setting_type = draw(st.sampled_from(TYPES))
        key = draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True)) + f"_{i}"
        setting: dict[str, Any] = {"key": key, "name": draw(named(f"n{i}"))}
        setting |= draw(optional("hint", named("h")))
        setting["settingType"] = setting_type
        chosen = sorted(draw(st.sets(st.sampled_from(tags)))) if tags else []
        if chosen:
            setting["tags"] = chosen
        if version == "v2":
            values = {env: draw(formula(setting_type, segments, earlier)) for env in ENVIRONMENTS}
        else:
            values = {env: draw(v1_value(setting_type, segments)) for env in ENVIRONMENTS}
        setting["values"] = values
        out.append(setting)
        earlier.append((key, setting_type))
    return out


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    tags = [
        {"name": draw(named(f"t{i}"))} | draw(optional("color", named("c")))
        for i in range(draw(st.integers(0, 2)))
    ]
    segments = [
        {"name": draw(named(f"s{i}"))}
        | draw(optional("description", named("d")))
        | {
            "comparisonAttribute": draw(named("a")),
            "comparator": draw(st.sampled_from(V1_COMPARATORS)),
            "comparisonValue": draw(named("v")),
        }
        for i in range(draw(st.integers(0, 1)))
    ]
    segment_names = [s["name"] for s in segments]
    tag_names = [t["name"] for t in tags]
    configs = [
        {"name": f"{version} {draw(texts)}", "evaluationVersion": version}
        | {"settings": draw(settings_of(version, segment_names, tag_names))}
        for version in draw(st.sampled_from([["v2"], ["v1"], ["v2", "v1"]]))
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "product": {"name": "Shop"},
        "environments": [{"name": env} for env in ENVIRONMENTS],
        "tags": tags,
        "segments": segments,
        "configs": configs,
    }


@pytest.fixture(scope="module")
def fake() -> Iterator[ConfigCatClient]:
    with MockConfigCat(rate_limits=False) as mock:
        cc = ConfigCatClient(
            "demo", "demo", base_url="http://mock", transport=mock.transport, rate_limit=None
        )
        with cc:
            yield cc


@contextmanager
def _product(cc: ConfigCatClient) -> Iterator[str]:
    """A new product, deleted after use: product names are unique in an organization."""
    made = cc.products.create_product(
        UUID(DEMO_ORGANIZATION_ID), body=CreateProductRequest(name="Shop")
    )
    try:
        yield str(made.product_id)
    finally:
        cc.products.delete_product(made.product_id)


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=documents())
def test_export_apply_export_is_unchanged(fake: ConfigCatClient, document: dict[str, Any]) -> None:
    note(json.dumps(document, ensure_ascii=False))
    wf.check_document(document)
    with _product(fake) as first:
        wf.apply(fake, document, first)
        exported = wf.export(fake, first)
    assert exported["configs"] == document["configs"]
    assert exported["segments"] == document["segments"]
    assert exported["tags"] == document["tags"]
    with _product(fake) as second:
        wf.apply(fake, wf.loads(wf.dumps(exported), source="exported.yaml"), second)
        assert wf.export(fake, second) == exported


def test_an_empty_list_item_survives(fake: ConfigCatClient) -> None:
    """The case that was exported as ``{}``: a semver "is one of" list holding ``""``."""
    items = [{"value": ""}, {"value": "2.0.1"}, {"value": "2.0.2", "hint": "hot fix"}]
    rule = {
        "conditions": [
            {
                "userCondition": {
                    "comparisonAttribute": "Version",
                    "comparator": "semVerIsOneOf",
                    "comparisonValue": {"listValue": items},
                }
            }
        ],
        "value": {"boolValue": True},
    }
    setting = {
        "key": "isNew",
        "name": "New",
        "settingType": "boolean",
        "values": {
            "Production": {"defaultValue": {"boolValue": False}, "targetingRules": [rule]},
            "Staging": {"defaultValue": {"boolValue": False}},
        },
    }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "product": {"name": "Shop"},
        "environments": [{"name": env} for env in ENVIRONMENTS],
        "configs": [{"name": "Main", "evaluationVersion": "v2", "settings": [setting]}],
    }
    with _product(fake) as product:
        wf.apply(fake, document, product)
        exported = wf.export(fake, product)
    assert exported["configs"][0]["settings"][0]["values"]["Production"]["targetingRules"][0][
        "conditions"
    ][0]["userCondition"]["comparisonValue"] == {"listValue": items}
    wf.check_document(wf.loads(wf.dumps(exported)))


def test_int32_ends_survive_in_a_v1_config(fake: ConfigCatClient) -> None:
    """The fake refused the int32 minimum as a v1 value."""
    low, high = -(2**31), 2**31 - 1
    setting = {
        "key": "limit",
        "name": "Limit",
        "settingType": "int",
        "values": {
            "Production": {"value": low, "rolloutRules": [
                {"comparisonAttribute": "Plan", "comparator": "isOneOf", "comparisonValue": "",
                 "value": high},
            ]},
            "Staging": {"value": high},
        },
    }  # fmt: skip
    document = {
        "format": FORMAT,
        "version": VERSION,
        "product": {"name": "Shop"},
        "environments": [{"name": env} for env in ENVIRONMENTS],
        "configs": [{"name": "Legacy", "evaluationVersion": "v1", "settings": [setting]}],
    }
    with _product(fake) as product:
        wf.apply(fake, document, product)
        exported = wf.export(fake, product)
    assert exported["configs"] == document["configs"]
