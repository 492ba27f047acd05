"""The nightly workflow stays green without the live secrets, saying so; its drift step fails
on a breaking change; a live run keeps the mock run's summary and JUnit file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from contract_tests.report import RunReport

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "nightly-contract.yml"
BASH = shutil.which("bash") or "/bin/bash"
MAKE = shutil.which("make") or "/usr/bin/make"


def _steps() -> list[dict[str, Any]]:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    (job,) = jobs.values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _credentials_check(tmp_path: Path, **secrets: str) -> tuple[str, str]:
    """Run the workflow's credentials step as the runner would: its output and stdout."""
    (step,) = [s for s in _steps() if s.get("id") == "credentials"]
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "GITHUB_OUTPUT": str(output),
        # GitHub puts an unset secret into the environment as an empty string
        "CONFIGCAT_API_USER": "",
        "CONFIGCAT_API_PASS": "",
        **secrets,
    }
    proc = subprocess.run(  # noqa: S603 - the workflow's own step, as the runner runs it
        [BASH, "-e", "-c", step["run"]], env=env, capture_output=True, text=True, check=True
    )
    return output.read_text(), proc.stdout


def test_without_secrets_the_live_part_is_skipped_with_a_notice(tmp_path: Path) -> None:
    output, stdout = _credentials_check(tmp_path)
    assert output.strip() == "live=false"
    assert stdout.startswith("::notice title=Live contract run skipped::")
    assert "CONFIGCAT_API_USER and CONFIGCAT_API_PASS are not set" in stdout
    output, stdout = _credentials_check(tmp_path, CONFIGCAT_API_PASS="secret")
    assert output.strip() == "live=false"
    output, stdout = _credentials_check(
        tmp_path, CONFIGCAT_API_USER="user", CONFIGCAT_API_PASS="secret"
    )
    assert output.strip() == "live=true" and "::notice" not in stdout


def test_only_the_live_steps_wait_for_the_secrets() -> None:
    steps = {step.get("name", ""): step for step in _steps()}
    live = steps["contract suite and scenarios against the live API"]
    assert "steps.credentials.outputs.live == 'true'" in live["if"]
    assert "make contract-live" in live["run"]
    conditional = [s["name"] for s in _steps() if "credentials" in str(s.get("if", ""))]
    assert conditional == [live["name"]]
    assert "DRIFT_ARGS=--fail-on-breaking" in steps["spec drift against the live document"]["run"]
    text = WORKFLOW.read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    for secret in ("CONFIGCAT_API_USER", "CONFIGCAT_API_PASS", "CONFIGCAT_API_HOST"):
        assert secret in comments
    assert "reports/contract-summary-live.md" in steps["step summary"]["run"]


@pytest.mark.parametrize(
    ("target", "name"),
    [
        ("mock", "contract-summary.md"),
        ("live", "contract-summary-live.md"),
        ("mock-server", "contract-summary-mock-server.md"),
    ],
)
def test_each_target_writes_its_own_summary(tmp_path: Path, target: str, name: str) -> None:
    report = RunReport(target=target, examples=1, seed=7)
    report.case("GET /v1/me")
    assert report.write(tmp_path) == tmp_path / name
    assert "CONTRACT_SEED=7" in (tmp_path / name).read_text()


def test_make_contract_live_writes_its_own_junit_file() -> None:
    env = {**os.environ, "CONFIGCAT_API_USER": "u", "CONFIGCAT_API_PASS": "p"}
    planned = subprocess.run(  # noqa: S603 - the repository's own Makefile
        [MAKE, "-n", "contract-live", "contract"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    live = next(line for line in planned.splitlines() if "CONTRACT_TARGET=live" in line)
    mock = next(line for line in planned.splitlines() if "CONTRACT_TARGET=mock " in line)
    assert "--junitxml=reports/contract-junit-live.xml" in live
    assert "--junitxml=reports/contract-junit.xml" in mock
