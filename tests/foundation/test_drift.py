"""make spec-drift: operations added and removed, changes classified for a generated client."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from spec.drift import KEPT_ENUM_VALUES, compare, main, rows, summary, to_markdown


@pytest.fixture(scope="module")
def older(older_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(older_path.read_text())
    return data


def test_2024_10_against_the_pin(pinned_doc: dict[str, Any], older: dict[str, Any]) -> None:
    changes = compare(pinned_doc, older)
    s = summary(changes, 123, 91)
    assert (s["operations_added"], s["operations_removed"]) == (0, 32)
    removed = {c.operation for c in changes if c.kind == "operation-removed"}
    assert "POST /v2/change-requests/{changeRequestId}/approve" in removed
    assert "GET /v1/organizations/{organizationId}/proxy-profiles" in removed
    assert s["operations_changed"] > 0
    # the reverse direction sees the same operations as added
    back = summary(compare(older, pinned_doc), 91, 123)
    assert (back["operations_added"], back["operations_removed"]) == (32, 0)
    # an enum used in requests and responses that grew is one row, breaking because values
    # the pinned spec accepts in a request were removed
    found = [r for r in rows(compare(older, pinned_doc)) if r.owner == "AuditLogType"]
    assert len(found) == 1
    assert found[0].kinds == ("enum-values-added", "enum-values-removed")
    assert found[0].directions == ("request", "response") and found[0].breaking


def test_identical_documents_have_no_drift(pinned_doc: dict[str, Any]) -> None:
    assert compare(pinned_doc, copy.deepcopy(pinned_doc)) == []


def _doc(params: list[dict[str, Any]], response: dict[str, Any]) -> dict[str, Any]:
    ok = {"description": "ok", "content": {"application/json": {"schema": response}}}
    return {"paths": {"/v1/things": {"get": {"parameters": params, "responses": {"200": ok}}}}}


@pytest.mark.parametrize(
    ("old", "new", "kind", "breaking"),
    [
        (_doc([], {}), _doc([{"in": "query", "name": "q"}], {}), "parameter-added", False),
        (
            _doc([], {}),
            _doc([{"in": "query", "name": "q", "required": True}], {}),
            "parameter-added",
            True,
        ),
        (_doc([{"in": "query", "name": "q"}], {}), _doc([], {}), "parameter-removed", True),
        (
            _doc([], {"type": "string", "enum": ["a"]}),
            _doc([], {"type": "string", "enum": ["a", "b"]}),
            "enum-values-added",
            False,  # the models keep values they do not know
        ),
        (
            _doc([], {"type": "object", "properties": {"a": {"type": "string"}}}),
            _doc([], {"type": "object", "properties": {"a": {"type": "integer"}}}),
            "type-changed",
            True,
        ),
        (
            _doc([], {"type": "object", "properties": {}}),
            _doc([], {"type": "object", "properties": {"a": {"type": "string"}}}),
            "property-added",
            False,
        ),
        (
            _doc([], {"type": "object", "properties": {"a": {}}, "required": ["a"]}),
            _doc([], {"type": "object", "properties": {}}),
            "property-removed",
            True,
        ),
    ],
)
def test_classification(old: Any, new: Any, kind: str, breaking: bool) -> None:
    changes = compare(old, new)
    assert [(c.kind, c.breaking) for c in changes] == [(kind, breaking)]


def test_cli_writes_markdown_and_json(
    tmp_path: Path, older_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = Path(__file__).resolve().parents[2] / "spec" / "swagger.json"
    code = main(["--base", str(base), "--other", str(older_path), "--out", str(tmp_path)])
    assert code == 0
    assert "0 added, 32 removed" in capsys.readouterr().out
    md = (tmp_path / "spec-drift.md").read_text()
    assert "## Operations removed (32)" in md
    data = json.loads((tmp_path / "spec-drift.json").read_text())
    assert len(data["operations_removed"]) == 32
    fail = ["--fail-on-breaking", "--out", str(tmp_path)]
    assert main(["--base", str(base), "--other", str(older_path), *fail]) == 3


def test_without_the_pinned_document_the_lock_gives_operation_drift(
    tmp_path: Path, older_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = Path(__file__).resolve().parents[2] / "spec" / "spec.lock.json"
    absent = str(tmp_path / "absent.json")
    args = ["--base", absent, "--lock", str(lock), "--other", str(older_path)]
    assert main([*args, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "comparing operations with the lock only" in out
    assert "0 added, 32 removed" in out
    md = (tmp_path / "spec-drift.md").read_text()
    assert "operations only" in md
    assert "## Changes by schema (0 schemas, 0 changes)" in md


def test_an_added_response_enum_value_is_reported_with_why_it_does_not_break() -> None:
    old = _doc([], {"type": "string", "enum": ["a"]})
    new = _doc([], {"type": "string", "enum": ["a", "b"]})
    changes = compare(old, new)
    assert [(c.kind, c.detail, c.breaking, c.why) for c in changes] == [
        ("enum-values-added", "b", False, KEPT_ENUM_VALUES)
    ]
    report = to_markdown(changes, summary(changes, 1, 1), "old", "new")
    assert "| no [1] | `response 200` | enum values added: b |" in report
    assert f"[1] Not breaking: {KEPT_ENUM_VALUES}." in report


def test_one_row_per_changed_place_grouped_by_schema_and_operation(
    pinned_doc: dict[str, Any], older: dict[str, Any]
) -> None:
    """The 2024-10 document against the pin: a property that became optional and nullable is
    one row, a schema shared by requests and responses is listed once."""
    for old, new in ((older, pinned_doc), (pinned_doc, older)):
        found = rows(compare(old, new))
        places = [(r.owner, r.where) for r in found]
        assert len(places) == len(set(places))
    found = rows(compare(pinned_doc, older))
    target = next(r for r in found if (r.owner, r.where) == ("AuditLogItemModel", "actionTarget"))
    assert target.change == "now optional; nullable -> True" and target.in_schema
    assert target.operations == (
        "GET /v1/organizations/{organizationId}/auditlogs",
        "GET /v1/products/{productId}/auditlogs",
    )
    s = summary(compare(pinned_doc, older), 123, 91)
    assert s["changes"] == len(found) < s["per_operation"]
    md = to_markdown(compare(pinned_doc, older), s, "pin", "2024-10")
    assert md.index("## Summary") < md.index("## Operations added") < md.index("## Changes by")
    assert md.count("### `AuditLogItemModel`") == 1
    assert md.count("| `actionTarget` |") == 1


def test_fail_on_breaking_exits_3_after_writing_the_report(
    tmp_path: Path, older_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = Path(__file__).resolve().parents[2] / "spec" / "swagger.json"
    args = ["--other", str(older_path), "--out", str(tmp_path), "--fail-on-breaking"]
    assert main(["--base", str(older_path), *args]) == 0  # no drift, nothing breaks
    assert main(["--base", str(base), *args]) == 3
    err = capsys.readouterr().err
    assert "breaking changes:" in err
    assert "operation removed: POST /v2/change-requests/{changeRequestId}/approve" in err
    assert "AuditLogItemModel/modelVersion: removed" in err
    assert (tmp_path / "spec-drift.md").is_file()
