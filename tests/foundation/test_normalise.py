"""The normaliser's rewrites, their counts, and that upstream stays untouched."""

from __future__ import annotations

import copy
from typing import Any

from spec.normalise import (
    KNOWN_OPERATION_IDS,
    derived_operation_id,
    iter_operations,
    normalise,
)


def test_counts_on_the_pinned_spec(pinned_doc: dict[str, Any]) -> None:
    before = copy.deepcopy(pinned_doc)
    lines: list[str] = []
    doc, counts = normalise(pinned_doc, log=lines.append)
    assert counts == {"narrow_request_bodies": 50, "add_missing_operation_ids": 3}
    assert lines == [
        "normalise: narrow_request_bodies: 50 rewritten",
        "normalise: add_missing_operation_ids: 3 rewritten",
    ]
    assert pinned_doc == before, "upstream document must not be edited"
    assert doc != before


def test_every_request_body_is_json_only(pinned_doc: dict[str, Any]) -> None:
    doc, _ = normalise(pinned_doc, log=lambda _: None)
    bodies = [op["requestBody"] for _, _, op in iter_operations(doc) if "requestBody" in op]
    assert len(bodies) == 50
    assert all(list(body["content"]) == ["application/json"] for body in bodies)


def test_operation_ids_are_unique_and_stable(pinned_doc: dict[str, Any]) -> None:
    doc, _ = normalise(pinned_doc, log=lambda _: None)
    ids = [op["operationId"] for _, _, op in iter_operations(doc)]
    assert len(ids) == 123 == len(set(ids))
    named = {(m, p): op["operationId"] for m, p, op in iter_operations(doc)}
    for key, op_id in KNOWN_OPERATION_IDS.items():
        assert named[key] == op_id


def test_second_run_changes_nothing(pinned_doc: dict[str, Any]) -> None:
    once, _ = normalise(pinned_doc, log=lambda _: None)
    twice, counts = normalise(once, log=lambda _: None)
    assert twice == once
    assert counts == {"narrow_request_bodies": 0, "add_missing_operation_ids": 0}


def test_unknown_operation_without_id_gets_derived_name() -> None:
    doc: dict[str, Any] = {"paths": {"/v2/fooBar/{fooId}/items": {"post": {"responses": {}}}}}
    out, counts = normalise(doc, log=lambda _: None)
    assert counts["add_missing_operation_ids"] == 1
    assert out["paths"]["/v2/fooBar/{fooId}/items"]["post"]["operationId"] == (
        "post-v2-foo-bar-foo-id-items"
    )
    assert derived_operation_id("get", "/v1/me") == "get-v1-me"
