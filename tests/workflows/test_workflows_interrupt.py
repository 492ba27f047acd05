"""An apply interrupted anywhere converges when run again: no duplicate, nothing lost."""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from configcat_mock import MockConfigCat
from configcat_mock.http.faults import FaultRule
from configcat_publicapi import ConfigCatClient, ConfigCatError, RetryPolicy
from configcat_publicapi import workflows as wf
from configcat_publicapi.cli import EXIT_INTERRUPTED
from configcat_publicapi.workflows.plan import Change
from tests.workflows.conftest import Org
from tests.workflows.kill_harness import (
    RESUME_MESSAGE,
    KillPoint,
    KillRuns,
    client_for,
    kill_points,
    killed_and_rerun,
)
from tests.workflows.workflows_support import full_document

TOTAL = 31  # changes of the full document against an empty product


class Stop(BaseException):
    """Stands for Ctrl-C or a crash between two writes."""


def assert_converged(mock: MockConfigCat, cc: ConfigCatClient, product: Any) -> None:
    """A plan of nothing, an export equal to the document, and no namesakes in the product."""
    snap = wf.snapshot(cc, product)  # one read serves both
    assert not wf.plan(cc, full_document(), product, target=snap)
    assert wf.canonical(snap.document) == wf.canonical(full_document())
    tables = mock.dump()["tables"]
    ours = str(product)
    configs = {row["config_id"] for row in tables["configs"] if row["product_id"] == ours}
    for table, key in (
        ("environments", "name"),
        ("tags", "name"),
        ("segments", "name"),
        ("configs", "name"),
        ("settings", "key"),
    ):
        counts = Counter(
            row[key]
            for row in tables[table]
            if row.get("product_id") == ours or row.get("config_id") in configs
        )
        assert [k for k, n in counts.items() if n > 1] == [], table


@pytest.mark.slow
@pytest.mark.parametrize("stop_after", range(TOTAL))
def test_interrupted_between_any_two_writes(stop_after: int, source: Org) -> None:
    product = source.product()

    def stop(n: int, total: int, change: Change) -> None:
        assert total == TOTAL
        if n > stop_after:
            raise Stop

    with pytest.raises(Stop):
        wf.apply(source.cc, full_document(), product, progress=stop)
    rest = wf.apply(source.cc, full_document(), product)
    assert len(rest.done) <= TOTAL - stop_after
    assert_converged(source.mock, source.cc, product)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_answers_lost_after_commit(seed: int) -> None:
    rule = FaultRule("*", rate_500_after=0.05, rate_503_after=0.05, rate_drop_after=0.05)
    with MockConfigCat(rate_limits=False) as mock:
        retry = RetryPolicy(max_retries=6, backoff_base=0.0, backoff_max=0.0)
        cc = ConfigCatClient(
            "demo", "demo", base_url="http://mock", transport=mock.transport,
            retry=retry,
        )  # fmt: skip
        org = Org(mock, cc)
        product = org.product()
        mock.app.faults.configure([rule], seed)
        faults: list[str] = []
        draw = mock.app.faults.draw

        def counted(operation_id: str, path_template: str) -> Any:
            fault = draw(operation_id, path_template)
            if fault is not None:
                faults.append(operation_id)
            return fault

        mock.app.faults.draw = counted  # type: ignore[method-assign]
        for _ in range(30):
            try:
                wf.apply(cc, full_document(), product, reason="lossy")
                break
            except ConfigCatError:
                continue
        else:
            pytest.fail("did not converge in 30 runs")
        mock.app.faults.configure([])
        assert any(not op.startswith("get-") for op in faults)  # writes were hit
        assert_converged(mock, cc, product)


KILL_SEED = int(os.environ.get("CONFIGCAT_KILL_SEED", "20261201"))
KILL_POINTS = kill_points(KILL_SEED)


@pytest.fixture(scope="module")
def killed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KillRuns]:
    """Every selected kill point, run once for the module (several at a time)."""
    wanted = [
        item.callspec.params["point"]
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_command_killed_then_run_again"
    ]
    points = [p for p in KILL_POINTS if p in wanted]
    print(f"kill points drawn with CONFIGCAT_KILL_SEED={KILL_SEED}")
    with killed_and_rerun(
        points, wf.dumps(full_document()), tmp_path_factory.mktemp("kills")
    ) as runs:
        yield runs


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS, ids=[p.id for p in KILL_POINTS])
def test_command_killed_then_run_again(point: KillPoint, killed: KillRuns) -> None:
    """The command killed anywhere (CONFIGCAT_KILL_SEED draws the points) ends equal to the
    document when run again; what each signal is expected to do: tests/workflows/kill_harness.py."""
    outcome = killed.outcomes[point.id]
    run = outcome.run
    where = f"seed {KILL_SEED}, {point.id} ({run.hit}, {run.landed})"
    assert run.hung == [], where
    assert run.signalled.is_set() and run.landed, f"{where}: the kill point was never reached"
    if point.where != "random":
        assert run.landed == "mid-request", where
    if point.fault_seed is not None:
        assert run.faults_served >= 1, where
    assert "Traceback" not in outcome.first_err, where
    if point.sig == signal.SIGINT:
        assert outcome.first_code == EXIT_INTERRUPTED, f"{where}: {outcome.first_err}"
        assert RESUME_MESSAGE in outcome.first_err, where
    else:
        assert outcome.first_code == -signal.SIGKILL, f"{where}: {outcome.first_err}"
    assert outcome.second_code == 0, f"{where}: {outcome.second_err}"
    assert outcome.second_out.splitlines()[-1].endswith("changes applied"), where
    assert killed.mock.app.internal_errors == []
    with client_for(run, killed.url) as cc:
        assert_converged(killed.mock, cc, run.product_id)


def test_kill_points_cover_every_kind() -> None:
    """Half SIGINT, half SIGKILL; most tied to a write in flight; faults with every kind."""
    assert len(KILL_POINTS) >= 24
    kinds = Counter((p.sig, p.where, p.fault_seed is not None) for p in KILL_POINTS)
    for sig in (signal.SIGINT, signal.SIGKILL):
        assert sum(n for (s, _, _), n in kinds.items() if s == sig) == len(KILL_POINTS) // 2
        for where in ("before", "after", "random"):
            assert kinds[sig, where, False] and kinds[sig, where, True], (sig, where)
    in_flight = sum(n for (_, where, _), n in kinds.items() if where != "random")
    assert in_flight > len(KILL_POINTS) / 2
