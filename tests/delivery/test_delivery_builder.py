"""The config_v6 builder as pure functions, checked against the spec and the SDK's own tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from configcatclient import config as sdk_config
from configcatclient.rolloutevaluator import sha256 as sdk_sha256

from configcat_mock.delivery.config_v6 import build_config_v6, encode, variation_id
from configcat_mock.delivery.hashing import config_salt, sensitive_affix_hash, sensitive_hash
from configcat_mock.delivery.public_config import build_doc
from configcat_mock.delivery.sources import ConfigSource, FlagSource, SegmentSource
from configcat_mock.state import comparators as cmp

SPEC = Path(__file__).resolve().parents[2] / "spec" / "swagger.json"


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    return json.loads(SPEC.read_text())["components"]["schemas"]  # type: ignore[no-any-return]


def test_user_comparator_numbers_follow_the_spec_enum_and_the_sdk(schemas: dict[str, Any]) -> None:
    names = schemas["UserComparator"]["enum"]
    assert list(cmp.USER_COMPARATORS) == names
    assert len(names) == len(sdk_config.Comparator)
    for number in range(len(names)):
        assert cmp.value_kind(number) == sdk_config.COMPARISON_VALUES[number], names[number]
    hashed = {c for c in sdk_config.Comparator if c.name.endswith("_HASHED")}
    assert {int(c) for c in hashed} == set(cmp.HASHED | cmp.HASHED_AFFIX)
    assert {n for i, n in enumerate(names) if i in cmp.HASHED | cmp.HASHED_AFFIX} == {
        n for n in names if n.startswith("sensitive")
    }


def test_v1_comparators_and_other_enums(schemas: dict[str, Any]) -> None:
    v1 = schemas["RolloutRuleComparator"]["enum"]
    assert [cmp.ROLLOUT_RULE_COMPARATOR_NUMBER[n] for n in v1] == list(range(len(v1)))
    assert list(cmp.SEGMENT_COMPARATOR_NUMBER) == schemas["SegmentComparator"]["enum"]
    assert list(cmp.PREREQUISITE_COMPARATOR_NUMBER) == schemas["PrerequisiteComparator"]["enum"]
    assert list(cmp.SETTING_TYPE_NUMBER) == schemas["SettingType"]["enum"]
    for name, number in cmp.SETTING_TYPE_NUMBER.items():
        assert sdk_config.SettingType(number).name.lower() in (name, {"boolean": "bool"}.get(name))
        assert cmp.VALUE_FIELD[name] == sdk_config.SettingType.to_value_type(number)


@pytest.mark.parametrize("value", ["a@b.io", "zoë@ünï.io", "", "12345"])
def test_sensitive_hash_is_what_the_sdk_computes(value: str) -> None:
    salt, context = config_salt("c-1"), "myFlag"
    assert sensitive_hash(value, salt, context) == sdk_sha256(value.encode(), salt, context)
    length, _, digest = sensitive_affix_hash(value, salt, context).partition("_")
    assert int(length) == len(value.encode())
    assert digest == sdk_sha256(value.encode(), salt, context)


def test_config_salt_is_stable_and_per_config() -> None:
    assert config_salt("a") == config_salt("a") != config_salt("b")


def flag(key: str, formula: dict[str, Any], setting_type: str = "string", **kw: Any) -> FlagSource:
    return FlagSource(setting_id=kw.pop("setting_id", 1), key=key, setting_type=setting_type,
                      formula=formula, **kw)  # fmt: skip


def source(
    version: str, *flags: FlagSource, segments: tuple[SegmentSource, ...] = ()
) -> ConfigSource:
    return ConfigSource("cfg", "env", "Production", version, "salt", flags, segments)


def test_v1_rules_map_to_user_conditions() -> None:
    rules = [
        {"comparisonAttribute": "Email", "comparator": "isOneOf", "comparisonValue": " a , b,,",
         "value": "x", "segmentComparator": None, "segmentId": None},
        {"comparisonAttribute": "Email", "comparator": "contains", "comparisonValue": "a, b",
         "value": "y", "segmentComparator": None, "segmentId": None},
        {"comparisonAttribute": "Age", "comparator": "numberLess", "comparisonValue": "1,5",
         "value": "z", "segmentComparator": None, "segmentId": None},
        {"comparisonAttribute": "Age", "comparator": "numberLess", "comparisonValue": "many",
         "value": "dropped", "segmentComparator": None, "segmentId": None},
        {"comparisonAttribute": "Email", "comparator": "sensitiveIsOneOf",
         "comparisonValue": "s@x.io", "value": "h", "segmentComparator": None, "segmentId": None},
    ]  # fmt: skip
    formula = {"value": "d", "rolloutRules": rules, "rolloutPercentageItems": [
        {"percentage": 30, "value": "p"}, {"percentage": 70, "value": "q"}]}  # fmt: skip
    doc = build_config_v6(source("v1", flag("f", formula)), "http://mock/")
    assert doc["p"] == {"u": "http://mock", "r": 0, "s": "salt"}
    f = doc["f"]["f"]
    conditions = [r["c"][0]["u"] for r in f["r"]]
    assert conditions[0] == {"a": "Email", "c": 0, "l": ["a", "b"]}
    assert conditions[1] == {"a": "Email", "c": 2, "l": ["a, b"]}
    assert conditions[2] == {"a": "Age", "c": 12, "d": 1.5}
    assert conditions[3] == {"a": "Email", "c": 16, "l": [sensitive_hash("s@x.io", "salt", "f")]}
    assert [r["s"]["v"] for r in f["r"]] == [{"s": "x"}, {"s": "y"}, {"s": "z"}, {"s": "h"}]
    assert [(o["p"], o["v"]) for o in f["p"]] == [(30, {"s": "p"}), (70, {"s": "q"})]
    assert f["v"] == {"s": "d"} and f["t"] == 1
    assert f["i"] == variation_id("f", "d") and f["r"][0]["s"]["i"] == variation_id("f", "x")


def test_v2_values_types_and_predefined_variations() -> None:
    variation = {"predefinedVariationId": "pv-1", "value": {"stringValue": "from-variation"}}
    text = flag("text", {"defaultValue": {"predefinedVariationId": "pv-1"}, "targetingRules": []},
                predefined_variations=(variation,))  # fmt: skip
    number = flag("n", {"defaultValue": {"intValue": 3}}, "int", setting_id=2)
    ratio = flag("r", {"defaultValue": {"doubleValue": 2}}, "double", setting_id=3)
    on = flag("b", {"defaultValue": {"boolValue": True}}, "boolean", setting_id=4)
    empty = flag("none", None, "boolean", setting_id=5)
    doc = build_config_v6(source("v2", text, number, ratio, on, empty), "")
    got = {k: (v["t"], v["v"]) for k, v in doc["f"].items()}
    assert got == {
        "text": (1, {"s": "from-variation"}),
        "n": (2, {"i": 3}),
        "r": (3, {"d": 2.0}),
        "b": (0, {"b": True}),
        "none": (0, {"b": False}),
    }
    assert isinstance(doc["f"]["r"]["v"]["d"], float)


def test_v2_segments_prerequisites_and_unservable_rules() -> None:
    segments = (
        SegmentSource("seg-a", "Alpha", "Email", "sensitiveIsOneOf", "x@y.io"),
        SegmentSource("seg-b", "Beta", "Email", "contains", "@beta"),
    )
    gate = flag("gate", {"defaultValue": {"boolValue": True}}, "boolean", setting_id=7)
    rules = [
        {"conditions": [{"segmentCondition": {"segmentId": "seg-b", "comparator": "isNotIn"}}],
         "value": {"stringValue": "not-beta"}},
        {"conditions": [{"segmentCondition": {"segmentId": "gone", "comparator": "isIn"}}],
         "value": {"stringValue": "dropped"}},
        {"conditions": [{"prerequisiteFlagCondition": {
            "prerequisiteSettingId": 7, "comparator": "doesNotEqual",
            "prerequisiteComparisonValue": {"boolValue": False}}}],
         "value": {"stringValue": "gated"}},
        {"conditions": [], "value": None, "percentageOptions": [
            {"percentage": 50, "value": {"stringValue": "h1"}},
            {"percentage": 50, "value": {"stringValue": "h2"}}]},
    ]  # fmt: skip
    main = flag("main", {"defaultValue": {"stringValue": "d"}, "targetingRules": rules,
                         "percentageEvaluationAttribute": "Company"})  # fmt: skip
    doc = build_config_v6(source("v2", main, gate, segments=segments), "")
    assert doc["s"] == [
        {
            "n": "Alpha",
            "r": [{"a": "Email", "c": 16, "l": [sensitive_hash("x@y.io", "salt", "Alpha")]}],
        },
        {"n": "Beta", "r": [{"a": "Email", "c": 2, "l": ["@beta"]}]},
    ]
    f = doc["f"]["main"]
    assert f["a"] == "Company"
    assert [r["c"] for r in f["r"]] == [
        [{"s": {"s": 1, "c": 1}}],
        [{"p": {"f": "gate", "c": 1, "v": {"b": False}}}],
        [],
    ]
    assert [o["p"] for o in f["r"][2]["p"]] == [50, 50] and "s" not in f["r"][2]


def test_build_is_deterministic_and_ordered_by_order_then_key() -> None:
    a = flag("b", {"defaultValue": {"stringValue": "1"}}, order=1)
    b = flag("A", {"defaultValue": {"stringValue": "2"}}, order=1, setting_id=2)
    c = flag("z", {"defaultValue": {"stringValue": "3"}}, order=0, setting_id=3)
    one = encode(build_config_v6(source("v2", a, b, c), "u"))
    two = encode(build_config_v6(source("v2", c, b, a), "u"))
    assert one == two
    assert list(json.loads(one)["f"]) == ["z", "A", "b"]


def test_public_doc_lists_client_flags_with_types() -> None:
    flags = (
        flag("theme", {"defaultValue": {"stringValue": '{"dark": true}'}}, tags=("Client",)),
        flag("list", {"defaultValue": {"stringValue": "[1, 2]"}}, tags=("client",), setting_id=2),
        flag("brace", {"defaultValue": {"stringValue": "{oops"}}, tags=("client",), setting_id=3),
        flag("limit", {"defaultValue": {"intValue": 5}}, "int", tags=("client",), setting_id=4),
        flag(
            "on", {"defaultValue": {"boolValue": True}}, "boolean", tags=("client",), setting_id=5
        ),
        flag("secret", {"defaultValue": {"stringValue": "s3"}}, tags=("server",), setting_id=6),
        flag("untagged", {"defaultValue": {"stringValue": "u"}}, setting_id=7),
    )
    doc = build_doc(source("v2", *flags))
    assert doc == {
        "flags": {
            "theme": {"type": "json", "value": {"dark": True}},
            "list": {"type": "json", "value": [1, 2]},
            "brace": {"type": "string", "value": "{oops"},
            "limit": {"type": "number", "value": 5},
            "on": {"type": "bool", "value": True},
        },
        "overrides": {},
        "rules": {},
    }


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080/", "https://ünï.example/cdn"])
def test_base_url_splice_equals_a_full_build(base_url: str) -> None:
    from configcat_mock.delivery.store import with_base_url

    src = source("v2", flag("f", {"defaultValue": {"stringValue": "x"}}))
    spliced = with_base_url(encode(build_config_v6(src, "")), base_url)
    assert spliced == encode(build_config_v6(src, base_url))
    with pytest.raises(ValueError, match="empty base URL"):
        with_base_url(encode(build_config_v6(src, "http://a")), base_url)


def test_malformed_formulas_serve_a_plain_value() -> None:
    broken = (
        flag("a", {"targetingRules": "nope", "defaultValue": {"stringValue": "x"}}),
        flag("b", {"defaultValue": "not-a-model"}, setting_id=2),
        flag("c", {"targetingRules": [{"conditions": [None]}]}, "boolean", setting_id=3),
    )
    doc = build_config_v6(source("v2", *broken), "")
    served = {k: v["v"] for k, v in doc["f"].items()}
    assert served == {"a": {"s": "x"}, "b": {"s": ""}, "c": {"b": False}}
    assert all("r" not in v for v in doc["f"].values())
    client = [attrs.evolve(f, tags=("client",)) for f in broken]
    assert build_doc(source("v2", *client))["flags"] == {
        "a": {"type": "string", "value": "x"},
        "b": {"type": "string", "value": ""},
        "c": {"type": "bool", "value": False},
    }


def test_public_doc_of_a_v1_config() -> None:
    flags = (
        flag("title", {"value": "Shop", "rolloutRules": []}, tags=("client",)),
        flag("limit", {"value": "12"}, "int", tags=("client",), setting_id=2),
        flag("beta", {"value": True}, "boolean", tags=("client",), setting_id=3),
    )
    assert build_doc(source("v1", *flags))["flags"] == {
        "title": {"type": "string", "value": "Shop"},
        "limit": {"type": "number", "value": 12},
        "beta": {"type": "bool", "value": True},
    }
