"""Every operation of the pinned spec, positive and negative data, every check.

One test per operation (``test_operation[GET /v1/products/{productId}]``); on a mock target
each case meets the mock's start state (:meth:`Target.fresh_state`), so what a case is
answered never depends on the cases sent before it, nor on how the operations are spread
over pytest-xdist workers.
"""

from __future__ import annotations

from typing import Any

from schemathesis.core.failures import FailureGroup

from contract_tests.report import RunReport
from contract_tests.safety import Sandbox
from contract_tests.schema import collection_schema
from contract_tests.targets import Target

schema = collection_schema()


def send_kwargs(target: Target) -> dict[str, Any]:
    """How a case reaches the target: its base URL and, where the target has one, the session
    to send with (the mock in-process: :mod:`contract_tests.in_process`; the live service: one
    that waits out 429 answers)."""
    if target.session is not None:
        return {"base_url": target.base_url, "session": target.session}
    return {"base_url": target.base_url}


@schema.parametrize()
def test_operation(
    case: Any, target: Target, run_report: RunReport, live_sandbox: Sandbox | None
) -> None:
    label = case.operation.label
    if live_sandbox is not None and case.path_parameters:
        confined = live_sandbox.path_parameters()
        for name in case.path_parameters.keys() & confined.keys():
            case.path_parameters[name] = confined[name]
    run_report.case(label)
    target.fresh_state()
    kwargs = send_kwargs(target)
    try:
        response = case.call(**kwargs)
        target.sent(case.method, response.status_code)
        run_report.answered(label, response.status_code)
        case.validate_response(response, transport_kwargs=kwargs)
    except FailureGroup as group:
        for failure in group.exceptions:
            run_report.failure(label, failure.title)
        raise
    except AssertionError as failure:
        run_report.failure(label, getattr(failure, "title", type(failure).__name__))
        raise
