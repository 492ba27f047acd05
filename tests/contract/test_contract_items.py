"""The contract suite's items: each operation's test is built on its first call, as the very
test schemathesis would have built while collecting."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test

from contract_tests import decisions
from contract_tests.operation_items import _built_on_first_call
from contract_tests.schema import build_config

SPEC = Path(__file__).resolve().parents[2] / "spec" / "swagger.json"


def _operation() -> Any:
    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    decisions.amend_spec(doc)
    schema = schemathesis.openapi.from_dict(doc, config=build_config("mock", 2, "u", "p"))
    return schema, schema["/v1/products/{productId}/environments"]["POST"]


def _examples(test: Any) -> list[str]:
    """The explicit examples (examples and coverage phases) hypothesis will run, as text."""
    return [repr(e.kwargs["case"]) for e in getattr(test, "hypothesis_explicit_examples", [])]


def test_the_deferred_test_is_the_one_built_at_collection() -> None:
    schema, operation = _operation()
    seen: list[Any] = []

    def test_x(case: Any, target: object, run_report: object) -> None:
        seen.append(case)

    def build() -> Any:
        built.append(1)
        return build_operation_test(
            config=schema.config,
            operation=operation,
            test_func=test_x,
            given_kwargs={},
            feedback=FeedbackSources(),
        )

    built: list[int] = []
    deferred = _built_on_first_call(build, test_x)
    assert list(inspect.signature(deferred).parameters) == ["target", "run_report"]
    assert built == [], "nothing is built while collecting"
    deferred(target=None, run_report=None)
    deferred(target=None, run_report=None)
    assert built == [1], "built once"
    # a schema of its own: building records the unexpected methods already probed on a path
    other_schema, other_operation = _operation()
    eager = build_operation_test(
        config=other_schema.config,
        operation=other_operation,
        test_func=test_x,
        given_kwargs={},
        feedback=FeedbackSources(),
    )
    assert _examples(deferred) == _examples(eager)
    assert len(_examples(eager)) > 10, "the coverage phase's cases"
    assert seen, "the cases reached the test"
