"""An apply interrupted anywhere converges when run again: no duplicate, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from configcat_mock import MockConfigCat
from configcat_mock.faults import FaultRule
from configcat_mock.server import LoopbackServer
from configcat_publicapi import ConfigCatClient, ConfigCatError, RetryPolicy
from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows.plan import Change
from tests.workflows.conftest import Org
from tests.workflows.workflows_support import full_document

TOTAL = 31  # changes of the full document against an empty product


class Stop(BaseException):
    """Stands for Ctrl-C or a crash between two writes."""


def assert_converged(mock: MockConfigCat, cc: ConfigCatClient, product: Any) -> None:
    assert not wf.plan(cc, full_document(), product)
    assert wf.canonical(wf.export(cc, product)) == wf.canonical(full_document())
    tables = mock.dump()["tables"]
    for table, field in (
        ("environments", "name"),
        ("tags", "name"),
        ("segments", "name"),
        ("configs", "name"),
        ("settings", "key"),
    ):
        counts = Counter(row[field] for row in tables[table])
        assert [k for k, n in counts.items() if n > 1] == [], table


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


def _apply_process(doc: Path, product: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "configcat_publicapi.cli", "apply", str(doc), product],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize(("sig", "after"), [(signal.SIGINT, 3), (signal.SIGKILL, 9),
                                            (signal.SIGKILL, 20), (signal.SIGINT, 24)])  # fmt: skip
def test_command_killed_then_run_again(sig: int, after: int, source: Org, tmp_path: Path) -> None:
    product = str(source.product())
    doc = tmp_path / "shop.yaml"
    doc.write_text(wf.dumps(full_document()), encoding="utf-8")
    with LoopbackServer(source.mock.app) as server:
        env = os.environ | {
            "CONFIGCAT_API_HOST": server.url,
            "CONFIGCAT_API_USER": "demo",
            "CONFIGCAT_API_PASS": "demo",
        }
        first = _apply_process(doc, product, env)
        assert first.stdout is not None
        for _ in range(after):
            assert first.stdout.readline().startswith("[")
        first.send_signal(sig)
        _, err = first.communicate(timeout=60)
        if sig == signal.SIGINT:
            assert first.returncode == 130
            assert "run the same command again to resume" in err
        else:
            assert first.returncode == -signal.SIGKILL
        second = _apply_process(doc, product, env)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert out.splitlines()[-1].endswith("changes applied")
    assert_converged(source.mock, source.cc, product)
