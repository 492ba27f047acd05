"""What the contract suite accepts where (contract_tests/decisions.py), as schemathesis sees
it for each operation and phase, and the fresh state of the single-call phases."""

from __future__ import annotations

import ast
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from contract_tests import decisions
from contract_tests.schema import build_config
from contract_tests.targets import Target

SPEC = Path(__file__).resolve().parents[2] / "spec" / "swagger.json"
WRITE = ("POST", "/v1/products/{productId}/environments")
READ = ("GET", "/v1/products/{productId}")


def _schema(target: str, *, write: bool = False, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("CONTRACT_WRITE", "1" if write else "0")
    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    decisions.amend_spec(doc)
    return schemathesis.openapi.from_dict(doc, config=build_config(target, 1, "u", "p"))


def _accepted(schema: Any, op: tuple[str, str], phase: str) -> tuple[list[str], list[str]]:
    operation = schema[op[1]][op[0]]
    checks = schema.config.checks_config_for(operation=operation, phase=phase)
    positive = checks.positive_data_acceptance.expected_statuses
    return [str(s) for s in positive], [
        str(s) for s in checks.negative_data_rejection.expected_statuses
    ]


@pytest.mark.parametrize(("target", "write"), [("mock", False), ("live", False), ("live", True)])
def test_429_is_accepted_everywhere(
    target: str, write: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = _schema(target, write=write, monkeypatch=monkeypatch)
    for op in (READ, WRITE):
        for phase in ("examples", "coverage", "fuzzing", "stateful"):
            positive, negative = _accepted(schema, op, phase)
            assert "429" in positive, (target, op, phase)
            assert "429" in negative, (target, op, phase)


def test_state_dependent_400_only_where_state_is_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    single_call = ("examples", "coverage", "fuzzing")
    for target, write in (("mock", False), ("mock-server", False), ("live", False)):
        schema = _schema(target, write=write, monkeypatch=monkeypatch)
        for op in (READ, WRITE):
            for phase in single_call:
                assert "400" not in _accepted(schema, op, phase)[0], (target, op, phase)
            assert "400" in _accepted(schema, op, "stateful")[0], (target, op)
    live_write = _schema("live", write=True, monkeypatch=monkeypatch)
    for phase in single_call:
        assert "400" in _accepted(live_write, WRITE, phase)[0], phase
        assert "400" not in _accepted(live_write, READ, phase)[0], phase


def test_401_is_documented_on_every_secured_operation() -> None:
    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    doc["paths"]["/v1/me"]["get"]["security"] = []  # an operation that opts out
    added = decisions.amend_spec(doc)
    operations = [
        (method, path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in decisions.HTTP_METHODS
    ]
    for method, path, op in operations:
        expected = (method, path) != ("get", "/v1/me")
        assert ("401" in op["responses"]) is expected, (method, path)
    assert sum(1 for a in added if a.endswith(" 401")) == len(operations) - 1
    assert decisions.GENERATE_SECURITY_PARAMETERS, "negative data must break credentials"


def test_every_decision_is_applied() -> None:
    """A named decision that nothing reads is a promise the suite does not keep."""
    tree = ast.parse(inspect.getsource(decisions))
    constants = {
        target.id
        for node in tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id.isupper()
    }
    read = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    assert constants, "decisions.py names its decisions"
    assert constants - read == set()


def test_single_call_cases_meet_the_start_state() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        target = Target("mock", "http://m", "demo", "demo", mock=mock)
        start = mock.dump()
        with httpx.Client(
            transport=mock.transport, base_url="http://m", auth=("demo", "demo")
        ) as http:
            target.fresh_state()
            http.get("/v1/products")
            target.sent("GET", 200)
            target.fresh_state()  # a read changes nothing: no reset needed
            created = http.post(
                f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Left over"}
            )
            assert created.status_code == 201
            target.sent("POST", 400)
            assert mock.dump() != start
            target.fresh_state()  # a refused write changes nothing: no reset either
            assert mock.dump() != start
            target.sent("POST", 201)
            target.fresh_state()
            assert mock.dump() == start
            # the same create again is not refused as a duplicate
            again = http.post(
                f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Left over"}
            )
            assert again.status_code == 201


@pytest.fixture
def fresh_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The suite's schemas are built once per process from the environment: rebuild them."""
    from contract_tests import schema

    monkeypatch.setenv("CONFIGCAT_API_USER", "u")
    monkeypatch.setenv("CONFIGCAT_API_PASS", "p")
    schema.root_schema.cache_clear()
    schema.collection_schema.cache_clear()
    yield monkeypatch
    schema.root_schema.cache_clear()
    schema.collection_schema.cache_clear()


def _selected() -> list[str]:
    from contract_tests.schema import collection_schema

    return sorted(result.ok().label for result in collection_schema().get_all_operations())


@pytest.mark.parametrize("write", ["0", "1"])
def test_live_runs_select_only_what_they_may_send(
    fresh_schema: pytest.MonkeyPatch, write: str
) -> None:
    from contract_tests.safety import allowed

    fresh_schema.setenv("CONTRACT_TARGET", "live")
    fresh_schema.setenv("CONTRACT_WRITE", write)
    fresh_schema.delenv("CONTRACT_INCLUDE", raising=False)
    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    may = sorted(
        f"{method.upper()} {path}"
        for path, item in doc["paths"].items()
        for method in item
        if method in decisions.HTTP_METHODS and allowed(method, path, write=write == "1")
    )
    labels = _selected()
    assert labels == may
    assert ("POST /v1/organizations/{organizationId}/products" in labels) is False
    assert all(label.startswith("GET ") for label in labels) is (write == "0")
    fresh_schema.setenv("CONTRACT_INCLUDE", r"^GET /v1/products/\{productId\}/configs$")
    from contract_tests import schema

    schema.collection_schema.cache_clear()
    assert _selected() == ["GET /v1/products/{productId}/configs"]
