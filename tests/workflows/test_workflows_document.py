"""Bad documents are refused before any write, naming the offending item's path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import RolloutRuleComparator, UserComparator
from tests.workflows.workflows_support import Org, full_document

Edit = Callable[[dict[str, Any]], None]


def _rules(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = doc["configs"][0]["settings"][1]["values"]["Production"][
        "targetingRules"
    ]
    return rules


BAD: dict[str, tuple[Edit, str, str]] = {
    "schema": (
        lambda d: d["configs"][0]["settings"][0].update(settingType="bool"),
        "configs[0].settings[0].settingType",
        "is not one of",
    ),
    "missing segment": (
        lambda d: _rules(d)[4]["conditions"][1]["segmentCondition"].update(segment="Nobody"),
        "configs[0].settings[1].values.Production.targetingRules[4].conditions[1]"
        ".segmentCondition.segment",
        "segment 'Nobody' is not defined",
    ),
    "missing flag": (
        lambda d: _rules(d)[0]["conditions"][0]["prerequisiteFlagCondition"].update(
            prerequisiteKey="ghost"
        ),
        "configs[0].settings[1].values.Production.targetingRules[0].conditions[0]"
        ".prerequisiteFlagCondition.prerequisiteKey",
        "flag 'ghost' is not in this config",
    ),
    "v1 rules in a v2 config": (
        lambda d: d["configs"][0]["settings"][0]["values"].update(Staging={"value": True}),
        "configs[0].settings[0].values.Staging",
        "a v1 value",
    ),
    "v2 formula in a v1 config": (
        lambda d: d["configs"][1]["settings"][1]["values"].update(
            Staging={"defaultValue": {"intValue": 1}}
        ),
        "configs[1].settings[1].values.Staging",
        "a v2 formula",
    ),
    "missing v1 segment": (
        lambda d: d["configs"][1]["settings"][0]["values"]["Production"]["rolloutRules"][1].update(
            segment="Nobody"
        ),
        "configs[1].settings[0].values.Production.rolloutRules[1].segment",
        "not defined",
    ),
    "missing environment": (
        lambda d: d["configs"][0]["settings"][3]["values"].update(
            Dev={"defaultValue": {"doubleValue": 1.0}}
        ),
        "configs[0].settings[3].values.Dev",
        "environment 'Dev' is not defined",
    ),
    "missing variation": (
        lambda d: d["configs"][0]["settings"][2]["values"]["Staging"].update(
            defaultValue={"predefinedVariation": "Sepia"}
        ),
        "configs[0].settings[2].values.Staging.defaultValue",
        "'Sepia' is not defined",
    ),
    "value of another type": (
        lambda d: d["configs"][0]["settings"][3]["values"]["Production"].update(
            defaultValue={"intValue": 1}
        ),
        "configs[0].settings[3].values.Production.defaultValue.intValue",
        "a flag of type double takes doubleValue",
    ),
    "v1 value of another type": (
        lambda d: d["configs"][1]["settings"][1]["values"]["Production"]["rolloutRules"][0].update(
            value="ten"
        ),
        "configs[1].settings[1].values.Production.rolloutRules[0].value",
        "a flag of type int takes no 'ten'",
    ),
    "duplicate key": (
        lambda d: d["configs"][0]["settings"].append(copy.deepcopy(d["configs"][0]["settings"][0])),
        "configs[0].settings[5]",
        "appears twice",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_before_any_write(case: str, source: Org) -> None:
    edit, path, message = BAD[case]
    product = source.product()
    doc = full_document()
    edit(doc)
    source.mock.journal.clear()
    with pytest.raises(wf.DocumentError) as caught:
        wf.apply(source.cc, doc, product, reason="bad")
    assert caught.value.path == path
    assert message in caught.value.message
    assert [e.method for e in source.mock.journal.entries if e.method != "GET"] == []


def test_the_full_document_is_sound() -> None:
    assert wf.check_document(full_document()) == full_document()
    assert wf.problems(full_document()) == []


def test_schema_comparators_are_the_generated_enums() -> None:
    defs = wf.schema()["$defs"]
    assert defs["v2Comparator"]["enum"] == [m.value for m in UserComparator]
    assert defs["v1Comparator"]["enum"] == [m.value for m in RolloutRuleComparator]


def test_the_schema_is_valid_and_packaged() -> None:
    import jsonschema  # type: ignore[import-untyped]

    jsonschema.Draft202012Validator.check_schema(wf.schema())


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_text_round_trip(fmt: str) -> None:
    text = wf.dumps(full_document(), fmt=fmt)
    assert wf.loads(text) == full_document()
    if fmt == "json":
        assert json.loads(text) == full_document()


def test_unparseable_text_is_a_document_error() -> None:
    with pytest.raises(wf.DocumentError, match="not JSON"):
        wf.loads("{nope")


def test_a_flag_type_cannot_change_in_place(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    doc = full_document()
    ratio = doc["configs"][0]["settings"][3]
    ratio["settingType"] = "int"
    ratio["values"] = {"Production": {"defaultValue": {"intValue": 1}}}
    source.mock.journal.clear()
    with pytest.raises(wf.DocumentError) as caught:
        wf.apply(source.cc, doc, product)
    assert caught.value.path == "configs[0].settings[3].settingType"
    assert "'ratio' is double in the target: it cannot become int" in caught.value.message
    assert [e.method for e in source.mock.journal.entries if e.method != "GET"] == []
