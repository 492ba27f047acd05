"""The backend's typed tables and their indexes, the operation table, and where rules live."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.api.handlers import HANDLERS
from configcat_mock.state import records as m
from configcat_mock.state.backend import Backend
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_mock.state.table import Table, field
from configcat_mock.state.tables import BY_RECORD, SPECS
from configcat_mock.testkit.mock import load_spec_cached
from configcat_publicapi import ConfigCatClient
from contract_tests.public import scenarios

SCENARIOS = scenarios()

PACKAGE = Path(__file__).resolve().parents[2] / "mock_server" / "configcat_mock"


@attrs.define
class Row:
    row_id: int
    parent: str
    tags: list[str] = attrs.field(factory=list)


def _table() -> Table[Row]:
    return Table(Row, lambda r: r.row_id, {"parent": field("parent"), "tag": lambda r: r.tags})


def test_an_index_answers_what_a_scan_answers_through_adds_changes_and_removes() -> None:
    table = _table()
    for i in range(6):
        table.add(Row(i, "a" if i % 2 else "b", [f"t{i % 3}", "all"]))
    assert [r.row_id for r in table.where(parent="a")] == [1, 3, 5]
    assert [r.row_id for r in table.by("tag", "t0")] == [0, 3]
    row = table[3]
    row.tags = ["t2"]
    assert table.check() != []  # a changed indexed field is stale until refreshed
    table.refresh(row)
    assert table.check() == []
    assert [r.row_id for r in table.by("tag", "t0")] == [0]
    assert [r.row_id for r in table.by("tag", "t2")] == [2, 5, 3]  # filed again: last
    table.remove(2)
    table.add(Row(1, "a", ["t9"]))  # replaces row 1, keeping its place
    assert table.check() == []
    assert [r.row_id for r in table.where(parent="a")] == [1, 3, 5]
    assert table.first("tag", "t9") is table[1]
    assert [r.row_id for r in table.drop_where(parent="b")] == [0, 4]
    assert table.check() == []
    assert table.by("tag", "all") == [table[5]]  # 1 was replaced, 3 refreshed without it
    assert table.by("parent", "b") == []
    assert table.where(parent="a", tags=["t9"]) == [table[1]]


def test_where_on_an_indexed_field_keeps_the_table_order() -> None:
    table = _table()
    for i in (5, 2, 9, 1):
        table.add(Row(i, "p"))
    assert [r.row_id for r in table.where(parent="p")] == [5, 2, 9, 1]
    assert table.where(parent="p") == [r for r in table if r.parent == "p"]


def test_tables_are_typed_attributes_and_named_only_for_dump_and_load() -> None:
    backend = Backend()
    names = [spec.name for spec in SPECS]
    assert list(backend.tables) == names
    for spec in SPECS:
        assert getattr(backend, spec.name) is backend.tables[spec.name]
        assert backend.tables[spec.name].cls is spec.record
    assert backend.settings.cls is m.Setting
    assert not hasattr(backend, "t")
    assert list(backend.dump()["tables"]) == names
    assert len(BY_RECORD) == len(SPECS)  # one table per record type


def _client(mock: MockConfigCat) -> ConfigCatClient:
    return ConfigCatClient(
        username="demo",
        password="demo",
        base_url="http://m",
        transport=mock.transport,
        rate_limit=None,
    )


def _prerequisite_world(mock: MockConfigCat) -> dict[str, Any]:
    """A v2 config whose flags name each other as prerequisites, with changes and deletes."""
    h = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
    pid = h.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Idx"}).json()[
        "productId"
    ]
    envs = [
        h.post(f"/v1/products/{pid}/environments", json={"name": f"E{i}"}).json()["environmentId"]
        for i in range(2)
    ]
    cid = h.post(
        f"/v1/products/{pid}/configs", json={"name": "C", "evaluationVersion": "v2"}
    ).json()["configId"]
    ids = [
        h.post(
            f"/v1/configs/{cid}/settings",
            json={"key": f"Flag{i}", "name": f"F{i}", "settingType": "boolean"},
        ).json()["settingId"]
        for i in range(4)
    ]

    def needs(pre: int) -> dict[str, Any]:
        return {
            "defaultValue": {"boolValue": True},
            "targetingRules": [
                {
                    "conditions": [
                        {
                            "prerequisiteFlagCondition": {
                                "prerequisiteSettingId": pre,
                                "comparator": "equals",
                                "prerequisiteComparisonValue": {"boolValue": True},
                            }
                        }
                    ],
                    "value": {"boolValue": False},
                }
            ],
        }

    for sid in ids[1:]:
        assert h.put(
            f"/v2/environments/{envs[0]}/settings/{sid}/value", json=needs(ids[0])
        ).is_success
    assert h.put(
        f"/v2/environments/{envs[1]}/settings/{ids[3]}/value", json=needs(ids[2])
    ).is_success
    # one flag stops naming the first one
    assert h.put(
        f"/v2/environments/{envs[0]}/settings/{ids[2]}/value",
        json={"defaultValue": {"boolValue": False}, "targetingRules": []},
    ).is_success
    return {"http": h, "envs": envs, "ids": ids, "config": cid, "product": pid}


def test_prerequisite_index_follows_value_changes_and_answers_like_a_scan() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        w = _prerequisite_world(mock)
        h, envs, ids = w["http"], w["envs"], w["ids"]
        assert mock.backend.check_indexes() == []
        first = h.get(f"/v2/environments/{envs[0]}/settings/{ids[0]}/value").json()
        assert first["settingIdsWherePrerequisite"] == [ids[1], ids[3]]
        second = h.get(f"/v2/environments/{envs[1]}/settings/{ids[2]}/value").json()
        assert second["settingIdsWherePrerequisite"] == [ids[3]]
        # still a prerequisite of flag 1 and 3: refused; flag 2 no longer is one
        assert h.delete(f"/v1/settings/{ids[0]}").status_code == 400
        assert h.delete(f"/v1/settings/{ids[1]}").status_code == 204
        assert mock.backend.check_indexes() == []


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_indexes_agree_with_a_full_scan_after_each_scenario_and_a_reload(scenario: str) -> None:
    with MockConfigCat(rate_limits=False) as mock:
        _prerequisite_world(mock)
        SCENARIOS[scenario](_client(mock), DEMO_ORGANIZATION_ID)
        assert mock.backend.check_indexes() == []
        dumped = json.loads(json.dumps(mock.dump()))
        with MockConfigCat(rate_limits=False) as other:
            other.load(dumped)
            assert other.backend.check_indexes() == []
            assert other.dump() == dumped


def test_the_operation_table_is_the_spec_s_operations() -> None:
    spec = load_spec_cached()
    assert set(HANDLERS) == {op.operation_id for op in spec.operations}
    # the SDK-key variants share the id-based handlers on purpose
    assert HANDLERS["get-setting-value-by-sdkkey-v2"] is HANDLERS["get-setting-value-v2"]


def test_an_operation_without_a_handler_answers_501_naming_it(tmp_path: Path) -> None:
    document = json.loads(json.dumps(load_spec_cached().document))
    document["paths"]["/v1/gadgets/{gadgetId}"] = {
        "get": {
            "operationId": "get-gadget",
            "parameters": [
                {"name": "gadgetId", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "OK"}},
        }
    }
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document))
    with MockConfigCat(spec_path=newer, rate_limits=False) as mock:
        assert mock.app.unimplemented == ["get-gadget"]
        h = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
        response = h.get("/v1/gadgets/g1")
        assert response.status_code == 501
        assert "get-gadget" in response.json()["message"]
        assert h.get("/v1/gadgets/g1", auth=("demo", "wrong")).status_code == 401
        assert h.get("/v1/me").status_code == 200  # the rest works


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_operation_table_imports_the_handler_modules() -> None:
    """Rules (change requests, default groups) live apart from the HTTP handlers."""
    outside = [
        path
        for path in PACKAGE.rglob("*.py")
        if "handlers" not in path.relative_to(PACKAGE).parts and path.name != "routes.py"
    ]
    assert outside
    for path in outside:
        wrong = {i for i in _imports(path) if i.startswith("configcat_mock.api.handlers")}
        assert not wrong, f"{path.relative_to(PACKAGE)} imports {wrong}"


# -- the audit log ------------------------------------------------------------------------------


def _logged_world(mock: MockConfigCat, renames: int) -> tuple[httpx.Client, str]:
    h = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
    pid = h.post(
        f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Logged"}
    ).json()["productId"]
    for i in range(renames):
        assert h.put(f"/v1/products/{pid}", json={"name": f"Logged {i}"}).is_success
    return h, pid


def _all_pages(h: httpx.Client, path: str, size: int, **query: Any) -> list[list[int]]:
    pages, number = [], 1
    while True:
        body = h.get(path, params={"pageNumber": number, "pageSize": size, **query}).json()
        pages.append([a["auditLogId"] for a in body["data"]])
        if not body["paging"]["hasNext"]:
            return pages
        number += 1


def test_audit_log_pages_match_the_full_list_newest_first() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h, pid = _logged_world(mock, 23)
        everything = [a["auditLogId"] for a in h.get(f"/v1/products/{pid}/auditlogs").json()]
        assert everything == sorted(everything, reverse=True)
        assert len(everything) == 24
        pages = _all_pages(h, f"/v2/products/{pid}/auditlogs", 5)
        assert [i for p in pages for i in p] == everything
        assert [len(p) for p in pages] == [5, 5, 5, 5, 4]
        body = h.get(f"/v2/products/{pid}/auditlogs", params={"pageNumber": 5, "pageSize": 5})
        assert body.json()["paging"] == {
            "currentPage": 5,
            "totalPages": 5,
            "pageSize": 5,
            "totalCount": 24,
            "hasPrevious": True,
            "hasNext": False,
        }
        org = _all_pages(h, f"/v2/organizations/{DEMO_ORGANIZATION_ID}/auditlogs", 7)
        assert [i for p in org for i in p] == everything  # this org has only this product
        typed = _all_pages(h, f"/v2/products/{pid}/auditlogs", 4, auditLogType="productCreated")
        assert [i for p in typed for i in p] == [min(everything)]
        assert mock.backend.check_indexes() == []


def test_audit_log_date_filters_bound_by_entry_time_in_and_out_of_order() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        h, pid = _logged_world(mock, 9)
        state = mock.dump()
        rows = state["tables"]["audit_logs"]
        for i, row in enumerate(rows):  # one entry a day, 2024-01-01 onwards
            row["created_at"] = f"2024-01-{i + 1:02d}T12:00:00.000Z"
        query = {"fromUtcDateTime": "2024-01-03T00:00:00Z", "toUtcDateTime": "2024-01-06T12:00:00Z"}
        want = [r["audit_log_id"] for r in rows[2:6]][::-1]
        mock.load(state)
        got = h.get(f"/v2/products/{pid}/auditlogs", params=query).json()
        assert [a["auditLogId"] for a in got["data"]] == want
        assert got["paging"]["totalCount"] == 4
        # the same dates, the times shuffled against the ids: found by scanning instead
        dates = [r["created_at"] for r in rows]
        for row, date in zip(rows, dates[::-1], strict=True):
            row["created_at"] = date
        mock.load(state)
        got = h.get(f"/v2/products/{pid}/auditlogs", params=query).json()
        # row k now has day 10 - k: days 3..6 are rows 4..7
        assert [a["auditLogId"] for a in got["data"]] == [r["audit_log_id"] for r in rows[7:3:-1]]
        assert mock.backend.check_indexes() == []


def test_the_audit_log_is_capped_dropping_the_oldest() -> None:
    with MockConfigCat(rate_limits=False, audit_log_limit=10) as mock:
        h, pid = _logged_world(mock, 30)
        ids = [a["auditLogId"] for a in h.get(f"/v1/products/{pid}/auditlogs").json()]
        assert ids == list(range(31, 21, -1))
        assert len(mock.backend.audit_logs) == 10
        assert mock.backend.check_indexes() == []
        page = h.get(f"/v2/products/{pid}/auditlogs", params={"pageSize": 4}).json()
        assert page["paging"]["totalCount"] == 10
        # a loaded state longer than the cap keeps its newest entries
        state = mock.dump()
    with MockConfigCat(rate_limits=False, audit_log_limit=3) as small:
        small.load(state)
        assert [r.audit_log_id for r in small.backend.audit_logs] == [29, 30, 31]
    with MockConfigCat(rate_limits=False, audit_log_limit=None) as unbounded:
        h, pid = _logged_world(unbounded, 30)
        assert len(unbounded.backend.audit_logs) == 31
