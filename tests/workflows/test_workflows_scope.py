"""A document of some configs prunes only flags of those configs, never what others share."""

from __future__ import annotations

import copy
from uuid import UUID

import pytest

from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import CreateEnvironmentModel, CreateTagModel
from tests.workflows.workflows_support import Org, full_document


def test_an_export_of_chosen_configs_records_its_scope(source: Org, shop: str) -> None:
    doc = wf.export(source.cc, shop, configs=["Legacy"])
    assert doc["scope"] == {"configs": ["Legacy"]}
    assert list(doc)[:4] == ["format", "version", "product", "scope"]
    assert doc["product"] == {"name": "Shop"}  # the product's description is outside it
    assert [c["name"] for c in doc["configs"]] == ["Legacy"]
    assert [s["name"] for s in doc["segments"]] == ["Beta testers", "Internal"]
    wf.check_document(doc)
    assert "scope" not in wf.export(source.cc, shop)
    assert wf.export(source.cc, shop, configs=iter(["Legacy"])) == doc  # any iterable
    with pytest.raises(wf.DocumentError) as caught:
        wf.export(source.cc, shop, configs=["Legacy", "Mian"])
    assert (caught.value.path, caught.value.message) == (
        "scope.configs[1]",
        "config 'Mian' is not in the product",
    )


def test_prune_with_a_partial_document_stays_inside_its_scope(source: Org, shop: str) -> None:
    # the target holds more than the document: another environment and tag, a segment,
    # and the other config, which the document does not cover
    source.cc.tags.create_tag(UUID(shop), body=CreateTagModel(name="spare"))
    source.cc.environments.create_environment(UUID(shop), body=CreateEnvironmentModel(name="Dev"))
    before = wf.export(source.cc, shop)
    doc = wf.export(source.cc, shop, configs=["Legacy"])
    del doc["configs"][0]["settings"][1]  # legacyLimit
    doc["segments"].pop()
    doc["tags"] = [t for t in doc["tags"] if t["name"] != "spare"]
    doc["environments"] = [e for e in doc["environments"] if e["name"] != "Dev"]
    for setting in doc["configs"][0]["settings"]:
        del setting["values"]["Dev"]

    the_plan = wf.plan(source.cc, doc, shop, prune=True)
    assert [(c.action, c.kind, c.name) for c in the_plan.changes] == [
        ("delete", "setting", "legacyLimit")
    ]
    wf.apply(source.cc, doc, shop, prune=True)
    after = wf.export(source.cc, shop)
    expected = copy.deepcopy(before)
    del expected["configs"][1]["settings"][1]
    assert wf.canonical(after) == wf.canonical(expected)
    assert not wf.plan(source.cc, doc, shop, prune=True)

    # the same document without its scope covers the whole product: prune as before
    whole = {k: v for k, v in doc.items() if k != "scope"}
    deletes = {(c.kind, c.name) for c in wf.plan(source.cc, whole, shop, prune=True).changes
               if c.action == "delete"}  # fmt: skip
    assert deletes == {
        ("config", "Main"),
        ("segment", "Internal"),
        ("tag", "spare"),
        ("environment", "Dev"),
    }


def test_a_partial_document_leaves_the_product_description(source: Org, shop: str) -> None:
    doc = wf.export(source.cc, shop, configs=["Main"])
    doc["product"]["description"] = "another text"
    assert not wf.plan(source.cc, doc, shop, prune=True)


@pytest.mark.parametrize(
    ("scope", "path", "message"),
    [
        (["Main"], "configs[1]", "config 'Legacy' is outside the scope"),
        (["Main", "Legacy", "Extra"], "scope.configs[2]", "'Extra' is in the scope but not in"),
    ],
)
def test_the_scope_names_exactly_the_configs_held(
    scope: list[str], path: str, message: str
) -> None:
    doc = full_document() | {"scope": {"configs": scope}}
    with pytest.raises(wf.DocumentError) as caught:
        wf.check_document(doc)
    assert caught.value.path == path
    assert message in caught.value.message


def test_a_partial_document_copies_its_configs(source: Org, shop: str) -> None:
    doc = wf.export(source.cc, shop, configs=["Legacy"])
    other = str(source.product("Copy"))
    wf.apply(source.cc, doc, other, prune=True)
    got = wf.export(source.cc, other)
    assert [c["name"] for c in got["configs"]] == ["Legacy"]
    assert "description" not in got["product"]
    assert wf.canonical(got["configs"]) == wf.canonical(doc["configs"])


@pytest.mark.parametrize("prune", [False, True])
def test_a_renamed_environment_is_a_create_and_with_prune_a_delete(
    source: Org, shop: str, prune: bool
) -> None:
    doc = wf.export(source.cc, shop)
    doc["environments"][1]["name"] = "QA"
    for config in doc["configs"]:
        for setting in config["settings"]:
            setting["values"]["QA"] = setting["values"].pop("Staging")
    doc["preferences"]["reasonRequiredEnvironments"]["QA"] = doc["preferences"][
        "reasonRequiredEnvironments"
    ].pop("Staging")
    doc["preferences"]["approveRequiredEnvironments"]["QA"] = doc["preferences"][
        "approveRequiredEnvironments"
    ].pop("Staging")
    the_plan = wf.plan(source.cc, doc, shop, prune=prune)
    envs = [(c.action, c.name) for c in the_plan.changes if c.kind == "environment"]
    assert envs == [("create", "QA")] + ([("delete", "Staging")] if prune else [])
    (note,) = the_plan.notes
    assert note.startswith("environments are matched by name: QA will be created with new SDK")
    assert ("Staging, which the document does not name, deleted" in note) is prune
    assert the_plan.to_json()["notes"] == [note]
    wf.apply(source.cc, doc, shop, prune=prune)
    names = {e["name"] for e in wf.export(source.cc, shop)["environments"]}
    assert names == ({"Production", "QA"} if prune else {"Production", "Staging", "QA"})
    assert not wf.plan(source.cc, doc, shop, prune=prune).notes


def test_the_schema_knows_the_scope() -> None:
    doc = full_document()
    del doc["preferences"]
    wf.check_document(doc | {"scope": {"configs": ["Main", "Legacy"]}})
    for bad, path in (
        ({"configs": "Main"}, "scope.configs"),
        ({"configs": ["Main", "Main"]}, "scope.configs"),
        ({"flags": ["isBeta"]}, "scope"),
    ):
        with pytest.raises(wf.DocumentError) as caught:
            wf.check_document(doc | {"scope": bad})
        assert caught.value.path == path, bad
