"""Keys, names and lengths the service refuses are refused by the document check, before a write.

The lengths and int range come from the pinned OpenAPI spec; these tests read the spec
themselves to prove the derivation, and change it to prove the check follows it.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from configcat_mock.api.spec_source import find_spec, read_document
from configcat_mock.http.server import LoopbackServer
from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows import limits
from configcat_publicapi.workflows.document import published_schema
from tests.workflows.workflows_support import Org, full_document


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return read_document(find_spec())


def _at(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    return limits._at(schema, pointer)


def test_every_mapped_field_takes_the_spec_s_length(spec: dict[str, Any]) -> None:
    checked = wf.schema()
    assert limits.LENGTHS, "nothing mapped"
    for pointer, (model, name) in limits.LENGTHS.items():
        stated = spec["components"]["schemas"][model]["properties"][name]
        field = _at(checked, pointer)
        assert field.get("maxLength") == stated.get("maxLength"), pointer
        if stated.get("minLength"):
            assert field["minLength"] == stated["minLength"], pointer
    key = _at(checked, "/$defs/setting/properties/key")
    assert (key["minLength"], key["maxLength"]) == (1, 255)  # the pin's CreateSettingInitialValues
    int_value = _at(checked, "/$defs/literal/properties/intValue")
    assert (int_value["minimum"], int_value["maximum"]) == (-(2**31), 2**31 - 1)  # int32


def test_the_check_follows_the_spec(spec: dict[str, Any]) -> None:
    changed = copy.deepcopy(spec)
    key = changed["components"]["schemas"]["CreateSettingInitialValues"]["properties"]["key"]
    key["maxLength"] = 10
    del changed["components"]["schemas"]["CreateTagModel"]["properties"]["name"]["maxLength"]
    fmt = changed["components"]["schemas"]["UpdateValueModel"]["properties"]["intValue"]
    fmt["format"] = "int64"
    bounded = limits.bounded(published_schema(), changed)
    assert _at(bounded, "/$defs/setting/properties/key")["maxLength"] == 10
    assert "maxLength" not in _at(bounded, "/$defs/tag/properties/name")
    assert _at(bounded, "/$defs/literal/properties/intValue")["maximum"] == 2**63 - 1
    assert "maxLength" not in _at(dict(published_schema()), "/$defs/setting/properties/key")


def _with_key(key: str) -> dict[str, Any]:
    doc = full_document()
    doc["configs"][0]["settings"][2]["key"] = key
    return doc


KEY = "configs[0].settings[2].key"
REFUSED_KEYS = {
    "Cyrillic look-alike": ("disc\u043eunt", "character 5 is U+043E (CYRILLIC SMALL LETTER O)"),
    "zero-width joiner": ("dis\u200dcount", "character 4 is U+200D (ZERO WIDTH JOINER)"),
    "RTL override": ("\u202ediscount", "character 1 is U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "NUL": ("disc\x00ount", "character 5 is U+0000 (a control character)"),
    "final newline": ("discount\n", "character 9 is U+000A (a control character)"),
    "leading digit": ("1discount", "character 1 is U+0031 (DIGIT ONE)"),
    "leading dash": ("-discount", "character 1 is U+002D (HYPHEN-MINUS)"),
    "space": ("dis count", "character 4 is U+0020 (SPACE)"),
    "256 characters": ("k" * 256, "256 characters long; the service takes at most 255"),
    "50 MB": ("k" * 50_000_000, "50,000,000 characters long; the service takes at most 255"),
}


@pytest.mark.parametrize("case", list(REFUSED_KEYS))
def test_refused_keys(case: str) -> None:
    key, why = REFUSED_KEYS[case]
    with pytest.raises(wf.DocumentError) as caught:
        wf.check_document(_with_key(key))
    assert (caught.value.path, caught.value.message.endswith(why)) == (KEY, True), str(caught.value)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize("key", ["a", "k" * 255, "is_Beta-2", "Z9"])
def test_keys_the_service_takes(key: str) -> None:
    wf.check_document(_with_key(key))


def test_names_lengths_and_int_range() -> None:
    doc = full_document()
    doc["tags"][0]["name"] = "t" * 256
    with pytest.raises(wf.DocumentError, match="256 characters long; the service takes at most"):
        wf.check_document(doc)
    doc = full_document()
    doc["configs"][0]["settings"][2]["hint"] = "h" * 1001
    with pytest.raises(wf.DocumentError, match="1,001 characters long") as caught:
        wf.check_document(doc)
    assert caught.value.path == "configs[0].settings[2].hint"
    doc = full_document()
    doc["configs"][0]["settings"][1]["values"]["Production"]["defaultValue"] = {"intValue": 2**31}
    with pytest.raises(wf.DocumentError, match=r"2147483648 is outside -2,147,483,648\.\."):
        wf.check_document(doc)
    doc = full_document()
    doc["configs"][0]["settings"][1]["values"]["Production"]["defaultValue"] = {
        "intValue": -(2**31)
    }
    wf.check_document(doc)


def test_names_are_one_when_their_case_folds_alike() -> None:
    doc = full_document()
    doc["tags"] = [{"name": "Maße"}, {"name": "MASSE"}]
    doc["configs"][0]["settings"][0]["tags"] = ["Maße"]
    with pytest.raises(wf.DocumentError, match="tag 'MASSE' appears twice") as caught:
        wf.check_document(doc)
    assert caught.value.path == "tags[1]"


def test_infinite_numbers_are_refused() -> None:
    doc = full_document()
    doc["configs"][0]["settings"][1]["values"]["Production"]["targetingRules"][1]["conditions"][0][
        "userCondition"
    ] = {
        "comparisonAttribute": "Age",
        "comparator": "numberGreater",
        "comparisonValue": {"doubleValue": float("inf")},
    }
    with pytest.raises(wf.DocumentError, match="inf is not a number the service can hold"):
        wf.check_document(doc)


@pytest.fixture
def served(source: Org, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Org, str]]:
    with LoopbackServer(source.mock.app) as server:
        monkeypatch.setenv("CONFIGCAT_API_HOST", server.url)
        monkeypatch.setenv("CONFIGCAT_API_USER", "demo")
        monkeypatch.setenv("CONFIGCAT_API_PASS", "demo")
        yield source, server.url


def test_apply_refuses_before_its_first_write(served: tuple[Org, str], tmp_path: Path) -> None:
    org, _ = served
    product = str(org.product())
    before = wf.export(org.cc, product)
    path = tmp_path / "shop.yaml"
    path.write_text(wf.dumps(_with_key("disc\u043eunt")), encoding="utf-8")
    for command in ("plan", "apply"):
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "configcat_publicapi.cli", command, str(path), product],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr == (
            f"configcat-publicapi: {path}: {KEY}: a key starts with a letter (A-Z, a-z) and holds"
            " only letters, digits, '_' and '-'; character 5 is U+043E (CYRILLIC SMALL LETTER O)\n"
        )
    assert json.dumps(wf.export(org.cc, product)) == json.dumps(before)
