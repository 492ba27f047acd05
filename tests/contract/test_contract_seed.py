"""The contract suite is reproducible: the same seed gives the same cases, under pytest-xdist
too, and the seed is printed and settable (``CONTRACT_SEED``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test

from contract_tests import decisions
from contract_tests.operation_items import own_method_probes
from contract_tests.schema import build_config
from contract_tests.targets import DEFAULT_SEED, contract_seed, resolve_random_seed

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "swagger.json"
RUN_TIMEOUT_S = 600
#: Two operations of one path, a third elsewhere, and the stateful phase's links among them.
OPERATIONS = [
    "GET /v1/products/{productId}/environments",
    "POST /v1/products/{productId}/environments",
    "GET /v1/environments/{environmentId}",
    "DELETE /v1/environments/{environmentId}",
]


def test_the_seed_is_settable_and_defaults_to_a_fixed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTRACT_SEED", raising=False)
    assert contract_seed() == DEFAULT_SEED
    assert build_config("mock", 2, "u", "p").seed == DEFAULT_SEED
    monkeypatch.setenv("CONTRACT_SEED", "4242")
    assert build_config("mock", 2, "u", "p").seed == 4242
    monkeypatch.setenv("CONTRACT_SEED", "random")
    resolve_random_seed()
    drawn = int(os.environ["CONTRACT_SEED"])
    assert contract_seed() == drawn
    monkeypatch.setenv("CONTRACT_SEED", "soon")
    with pytest.raises(ValueError, match="CONTRACT_SEED must be a whole number"):
        contract_seed()


def test_no_example_database_replays_an_earlier_run() -> None:
    settings = build_config("mock", 2, "u", "p").projects.default.get_hypothesis_settings()
    assert settings.database is None


def _probes(schema: Any, method: str, path: str, owned: bool = True) -> list[str]:
    """The method probes among the cases of one operation built in a process of its own."""
    operation = schema[path][method]
    if owned:
        own_method_probes(schema, operation)
    test = build_operation_test(
        config=schema.config,
        operation=operation,
        test_func=lambda case: None,
        given_kwargs={},
        feedback=FeedbackSources(),
    )
    cases = [e.kwargs["case"] for e in getattr(test, "hypothesis_explicit_examples", [])]
    declared = {m.upper() for m in schema[path]}
    return sorted(c.method for c in cases if c.method.upper() not in declared)


def _schema() -> Any:
    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    decisions.amend_spec(doc)
    return schemathesis.openapi.from_dict(doc, config=build_config("mock", 2, "u", "p"))


def test_a_paths_method_probes_are_sent_once_however_the_operations_are_spread() -> None:
    path = "/v1/products/{productId}"
    # two workers, each building one operation of the path: the probes go out once in all
    one_worker = _probes(_schema(), "GET", path) + _probes(_schema(), "DELETE", path)
    other_order = _probes(_schema(), "DELETE", path) + _probes(_schema(), "PUT", path)
    assert one_worker, "the path is probed with the methods it does not declare"
    assert len(one_worker) == len(set(one_worker))
    assert other_order == one_worker or not other_order
    # schemathesis alone: each process probes the path again
    unowned = _probes(_schema(), "GET", path, owned=False) + _probes(
        _schema(), "PUT", path, owned=False
    )
    assert len(unowned) == 2 * len(one_worker)


def _run(tmp: Path, seed: str) -> tuple[str, str]:
    env = {
        **os.environ,
        "CONTRACT_EXAMPLES": "2",
        "CONTRACT_INCLUDE": "|".join(f"^{re.escape(op)}$" for op in OPERATIONS),
        "CONTRACT_REPORTS": str(tmp),
        "CONTRACT_SEED": seed,
    }
    cmd = [sys.executable, "-m", "pytest", "contract_tests", "-c", "contract_tests/pytest.ini"]
    cmd += [f"--rootdir={REPO}", "-n", "2", "-q"]  # -q: no header, the seed is printed anyway
    proc = subprocess.run(  # noqa: S603 - our own interpreter and suite
        cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = (tmp / "contract-summary.md").read_text(encoding="utf-8")
    return proc.stdout, re.sub(r"; [0-9.]+s\.", "", summary)  # all but the run's duration


@pytest.mark.slow  # the contract suite, twice, in subprocesses
def test_two_runs_with_one_seed_send_the_same_cases(tmp_path: Path) -> None:
    first_out, first = _run(tmp_path / "first", "31337")
    _, second = _run(tmp_path / "second", "31337")
    assert "contract seed: 31337 (CONTRACT_SEED=31337 repeats this run" in first_out
    assert "Seed 31337: `CONTRACT_SEED=31337` repeats this run" in first
    assert first == second
