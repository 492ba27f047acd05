"""The stateful phase: call sequences through links that schemathesis infers from the spec
(Location headers and dependency analysis of ids in responses and parameters)."""

from __future__ import annotations

from typing import Any

import hypothesis

from contract_tests.report import RunReport
from contract_tests.targets import max_examples

#: Steps per sequence; the number of sequences follows CONTRACT_EXAMPLES.
MAX_STEPS = 6


def test_stateful(api_schema: Any, run_report: RunReport) -> None:
    machine = api_schema.as_state_machine()
    settings = hypothesis.settings(
        max_examples=max(2, max_examples() * 2),
        stateful_step_count=MAX_STEPS,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    run_report.stateful = "failed"
    machine.run(settings=settings)
    run_report.stateful = "passed"
