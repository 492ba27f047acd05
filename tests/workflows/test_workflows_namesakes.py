"""A product with two tags (or configs) of one name is refused, naming both, before any write."""

from __future__ import annotations

from uuid import UUID

import pytest

from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows.guards import unique_names
from configcat_publicapi_client.models import CreateConfigRequest, CreateTagModel
from tests.workflows.workflows_support import Org, full_document


def _writes(org: Org) -> list[str]:
    return [f"{e.method} {e.path}" for e in org.mock.journal.entries if e.method != "GET"]


def test_namesake_tags_stop_export_and_apply(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    first = next(t for t in source.cc.tags.get_tags(product) if t.name == "ui")
    other = source.cc.tags.create_tag(product, body=CreateTagModel(name="ui"))
    ids = [str(first.tag_id), str(other.tag_id)]

    with pytest.raises(wf.AmbiguousNameError) as caught:
        wf.export(source.cc, product)
    assert (caught.value.kind, caught.value.name, caught.value.ids) == ("tag", "ui", ids)
    message = str(caught.value)
    assert f"2 tags named 'ui' (ids {ids[0]}, {ids[1]})" in message

    source.mock.journal.clear()
    doc = full_document()
    doc["tags"][1]["color"] = "salmon"  # a write that would have to pick one of the two
    for run in (wf.plan, wf.apply):
        with pytest.raises(wf.AmbiguousNameError, match="tags named 'ui'"):
            run(source.cc, doc, product)
    assert _writes(source) == []


def test_namesake_configs_stop_a_plan(source: Org) -> None:
    product = source.product()
    made = [
        source.cc.configs.create_config(
            product, body=CreateConfigRequest.from_dict({"name": "Main", "evaluationVersion": "v2"})
        )
        for _ in range(2)
    ]
    source.mock.journal.clear()
    with pytest.raises(wf.AmbiguousNameError) as caught:
        wf.apply(source.cc, full_document(), product)
    assert caught.value.kind == "config"
    assert caught.value.ids == [str(UUID(str(m.config_id))) for m in made]
    assert _writes(source) == []


def test_names_are_told_apart_without_case_as_the_document_does() -> None:
    rows = [
        {"name": "Beta", "tagId": 1},
        {"name": "other", "tagId": 2},
        {"name": "beta", "tagId": 3},
    ]
    with pytest.raises(wf.AmbiguousNameError) as caught:
        unique_names("p", "tag", rows, "tagId")
    assert (caught.value.name, caught.value.ids) == ("Beta", ["1", "3"])
    unique_names("p", "tag", rows[:2], "tagId")  # no namesake: nothing raised
