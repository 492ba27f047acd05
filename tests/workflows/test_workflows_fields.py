"""Fields a copy of a product must carry beyond flags and values: a text flag's ``isJson``."""

from __future__ import annotations

from typing import Any

import pytest

from configcat_publicapi import workflows as wf
from tests.workflows.workflows_support import Org, full_document


def _layout(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in doc["configs"][0]["settings"] if s["key"] == "layout")
    return found


def test_is_json_is_created_exported_and_kept_by_a_replace(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    assert _layout(wf.export(source.cc, product))["isJson"] is True
    assert "isJson" not in wf.export(source.cc, product)["configs"][0]["settings"][2]  # theme

    doc = full_document()
    _layout(doc)["name"] = "Page layout"
    changes = wf.plan(source.cc, doc, product).changes
    assert [(c.action, c.kind, c.name) for c in changes] == [("update", "setting", "layout")]
    wf.apply(source.cc, doc, product)
    back = _layout(wf.export(source.cc, product))
    assert (back["name"], back["isJson"]) == ("Page layout", True)

    _layout(doc)["isJson"] = False
    changes = wf.plan(source.cc, doc, product).changes
    assert [(c.action, c.kind, c.name) for c in changes] == [("update", "setting", "layout")]
    wf.apply(source.cc, doc, product)
    assert "isJson" not in _layout(wf.export(source.cc, product))
    # false and left out are the same
    del _layout(doc)["isJson"]
    assert not wf.plan(source.cc, doc, product)


def test_is_json_in_the_schema() -> None:
    doc = full_document()
    _layout(doc)["isJson"] = "yes"
    with pytest.raises(wf.DocumentError) as caught:
        wf.check_document(doc)
    assert caught.value.path == "configs[0].settings[4].isJson"


def _guarded() -> dict[str, Any]:
    doc = full_document()
    doc["preferences"]["reasonRequiredEnvironments"]["Production"] = True
    doc["preferences"]["approveRequiredEnvironments"]["Staging"] = True
    return doc


def _flip(doc: dict[str, Any], env: str) -> None:
    doc["configs"][0]["settings"][0]["values"][env] = {"defaultValue": {"boolValue": False}}


def _writes(org: Org) -> list[str]:
    return [f"{e.method} {e.path}" for e in org.mock.journal.entries if e.method != "GET"]


def test_preferences_by_environment_name_are_applied_after_the_values(source: Org) -> None:
    product = source.product()
    first = wf.plan(source.cc, _guarded(), product)
    prefs = [c for c in first.changes if c.kind == "preferences"]
    assert [c.path for c in prefs] == ["preferences"]
    kinds = [c.kind for c in first.changes]
    assert kinds.index("preferences") > max(i for i, k in enumerate(kinds) if k == "value")
    # the empty target asks for nothing: the values are written, then the requirements
    assert (first.needs_reason, first.needs_approval) == ([], [])
    wf.apply(source.cc, _guarded(), product)
    back = wf.export(source.cc, product)
    assert back["preferences"] == _guarded()["preferences"]
    got = source.cc.products.get_product_preferences(product).to_dict()
    by_name = {e["environmentName"]: e["reasonRequired"] for e in got["reasonRequiredEnvironments"]}
    assert by_name == {"Production": True, "Staging": False}
    assert not wf.plan(source.cc, _guarded(), product)

    # a field left out is left as it is
    doc = _guarded()
    del doc["preferences"]["keyGenerationMode"]
    doc["preferences"]["reasonRequiredEnvironments"] = {}
    assert not wf.plan(source.cc, doc, product)


def test_a_value_write_the_target_would_refuse_stops_apply_before_any_write(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, _guarded(), product)
    doc = _guarded()
    _flip(doc, "Production")
    assert wf.plan(source.cc, doc, product).needs_reason == ["Production"]
    source.mock.journal.clear()
    with pytest.raises(wf.ReasonRequiredError) as caught:
        wf.apply(source.cc, doc, product)
    assert caught.value.environments == ["Production"]
    assert "requires a reason for changes in Production" in str(caught.value)
    with pytest.raises(wf.ReasonRequiredError):
        wf.apply(source.cc, doc, product, reason="  ")
    assert _writes(source) == []
    wf.apply(source.cc, doc, product, reason="turn beta off")
    assert not wf.plan(source.cc, doc, product)

    _flip(doc, "Staging")
    source.mock.journal.clear()
    with pytest.raises(wf.ApprovalRequiredError, match="approval for changes in Staging"):
        wf.apply(source.cc, doc, product, reason="why")
    assert _writes(source) == []


def test_requirements_the_document_turns_off_hold_until_the_apply_is_done(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, _guarded(), product)
    doc = full_document()  # no requirements
    _flip(doc, "Production")
    with pytest.raises(wf.ReasonRequiredError):
        wf.apply(source.cc, doc, product)
    wf.apply(source.cc, doc, product, reason="relax")
    assert wf.export(source.cc, product)["preferences"] == doc["preferences"]


def test_preferences_name_defined_environments() -> None:
    doc = full_document()
    doc["preferences"]["approveRequiredEnvironments"]["Dev"] = True
    with pytest.raises(wf.DocumentError) as caught:
        wf.check_document(doc)
    assert caught.value.path == "preferences.approveRequiredEnvironments.Dev"
    assert caught.value.message == "environment 'Dev' is not defined"
    scoped = full_document() | {"scope": {"configs": ["Main", "Legacy"]}}
    with pytest.raises(wf.DocumentError, match="no product-wide preferences"):
        wf.check_document(scoped)


def test_schema_preferences_are_the_service_fields() -> None:
    import attrs

    from configcat_publicapi_client.models import KeyGenerationMode, UpdatePreferencesRequest

    props = wf.schema()["properties"]["preferences"]["properties"]
    fields = [f.name for f in attrs.fields(UpdatePreferencesRequest) if f.init]
    camel = [
        "".join([w if i == 0 else w.title() for i, w in enumerate(n.split("_"))]) for n in fields
    ]
    assert sorted(props) == sorted(camel)
    assert props["keyGenerationMode"]["enum"] == [m.value for m in KeyGenerationMode]


def test_which_writes_the_preferences_gate() -> None:
    from configcat_publicapi.workflows.preferences import gated

    writes = [("Production", "v2"), ("Staging", "v1"), ("Production", "v1"), ("Staging", "v2")]
    assert gated({}, writes) == ([], [])
    assert gated({"reasonRequired": True}, writes) == (["Production", "Staging"], [])
    per_env = {
        "reasonRequiredEnvironments": {"Staging": True},
        "approveRequiredEnvironments": {"Production": True},
        "approveRequired": True,
    }
    assert gated(per_env, writes) == (["Staging"], ["Production"])
    assert gated(per_env, [("Production", "v1")]) == ([], [])  # v1 writes take no approval
    assert gated({"approveRequired": True}, writes) == ([], [])
