"""Fixtures of the contract suite: the target, the live sandbox, the run report."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contract_tests.operation_items import defer_cases, one_id_per_operation
from contract_tests.report import RunReport
from contract_tests.safety import Sandbox, sandbox, sweep
from contract_tests.targets import (
    SEED_ENV,
    Target,
    contract_seed,
    live_credentials_missing,
    max_examples,
    open_target,
    resolve_random_seed,
    target_name,
)

REPO = Path(__file__).resolve().parents[1]
REPORTS = Path(os.environ.get("CONTRACT_REPORTS", REPO / "reports"))
_report = RunReport(target=target_name(), examples=max_examples())
_WORKER_REPORT = "contract_report"


def pytest_configure(config: pytest.Config) -> None:
    # the controlling process draws a random seed before pytest-xdist starts its workers,
    # which inherit the environment and so the seed
    resolve_random_seed()
    _report.seed = contract_seed()


def pytest_report_header(config: pytest.Config) -> str:
    seed = contract_seed()
    return f"contract seed: {seed} ({SEED_ENV}={seed} repeats this run case for case)"


@pytest.hookimpl(hookwrapper=True)
def pytest_pycollect_makeitem(
    collector: pytest.Collector, name: str, obj: object
) -> Iterator[None]:
    """Each operation's cases are built when its test runs (see operation_items)."""
    outcome = yield
    defer_cases(outcome, collector, name, obj)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    one_id_per_operation(items)
    if target_name() == "live" and live_credentials_missing():
        missing = " and ".join(live_credentials_missing())
        skip = pytest.mark.skip(reason=f"live target: {missing} not set, so nothing to check")
        for item in items:
            item.add_marker(skip)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "/scenarios/" in report.nodeid:
        module, _, name = report.nodeid.rpartition("::")
        _report.scenarios[f"{Path(module).stem}::{name}"] = report.outcome


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: a worker finished; add its tallies to the run's report."""
    data = getattr(node, "workeroutput", {}).get(_WORKER_REPORT)
    if data is not None:
        _report.merge(data)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _is_worker(session.config):
        session.config.workeroutput[_WORKER_REPORT] = _report.as_dict()  # type: ignore[attr-defined]
        return
    if not _report.empty:
        path = _report.write(REPORTS)
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            # again at the end: the header is not shown under -q
            tr.write_line(pytest_report_header(session.config))
            tr.write_line(f"contract summary: {path}")


@pytest.fixture(scope="session")
def run_report() -> RunReport:
    return _report


@pytest.fixture(scope="session")
def target() -> Iterator[Target]:
    with open_target() as t:
        yield t
        if t.is_mock:
            # every answer the mock gave during the run must match the spec's response schema,
            # and no request may have reached an unexpected error inside it
            violations = t.mock.app.response_violations
            assert violations == [], "\n".join(violations[:20])
            errors = t.mock.app.internal_errors
            assert errors == [], "\n".join(errors[:20])


@pytest.fixture(scope="session")
def live_sandbox(target: Target) -> Iterator[Sandbox | None]:
    """In live write mode: sweep stale sandboxes, then a fresh one for this run."""
    if not (target.is_live and target.write):
        yield None
        return
    from configcat_publicapi import ConfigCatClient

    with ConfigCatClient(target.username, target.password, base_url=target.base_url) as cc:
        hours = float(os.environ.get("CONTRACT_SANDBOX_MAX_AGE_HOURS", "6"))
        sweep(cc.http, max_age=dt.timedelta(hours=hours))
        with sandbox(cc.http) as box:
            yield box
