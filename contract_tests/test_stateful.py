"""The stateful phase: call sequences through links that schemathesis infers from the spec
(Location headers and dependency analysis of ids in responses and parameters)."""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
from schemathesis.core.errors import NoLinksFound

from contract_tests.report import RunReport
from contract_tests.safety import Sandbox
from contract_tests.schema import collection_schema
from contract_tests.targets import Target, contract_seed, max_examples, narrowed
from contract_tests.test_properties import send_kwargs

#: Steps per sequence; the number of sequences follows CONTRACT_EXAMPLES.
MAX_STEPS = 6


def test_stateful(target: Target, run_report: RunReport, live_sandbox: Sandbox | None) -> None:
    if target.is_live and target.write:
        # sequences create and delete freely; a live account only gets the single-call phase
        run_report.stateful = "left out on live write runs"
        return
    kwargs = send_kwargs(target)
    if target.is_mock:
        # the sequences start from the start state whichever tests this process ran before
        target.mock.reset()

    # the run's seed, so that the same seed walks the same sequences (hypothesis gives a
    # state machine class's @seed to the test it runs)
    @hypothesis.seed(contract_seed())
    class Machine(collection_schema().as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return kwargs

        def teardown(self) -> None:
            # each sequence starts from the same state, so hypothesis can replay and shrink it
            if target.is_mock:
                target.mock.reset()

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            run_report.stateful_call(case.operation.label, response.status_code)

    settings = hypothesis.settings(
        # not the profile hypothesis loads in CI, whose derandomize=True would override the
        # seed: a nightly run and a local one with the same seed walk the same sequences
        hypothesis.settings.get_profile("default"),
        derandomize=False,
        max_examples=max(2, max_examples() * 2),
        stateful_step_count=MAX_STEPS,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    run_report.stateful = "failed"
    try:
        Machine.run(settings=settings)
    except NoLinksFound:
        if not narrowed(target):
            raise
        run_report.stateful = "no links among the selected operations"
        pytest.skip("no links among the operations this run selects (CONTRACT_INCLUDE, live mode)")
    steps = sum(run_report.stateful_calls.values())
    assert steps > 0, "the state machine made no call: no links were inferred from the spec"
    run_report.stateful = "passed"
