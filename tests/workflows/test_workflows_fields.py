"""Fields a copy of a product must carry beyond flags and values: a text flag's ``isJson``."""

from __future__ import annotations

from typing import Any

import pytest

from configcat_publicapi import workflows as wf
from tests.workflows.conftest import Org
from tests.workflows.workflows_support import full_document


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
