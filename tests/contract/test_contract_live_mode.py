"""The live path of the contract suite, run against the mock served on loopback with the
service's rate limits: read-only sends no write, the sandbox goes away after a failure or an
interrupt, and no request is refused for rate."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from configcat_mock import DEMO_PASSWORD, DEMO_USERNAME, MockConfigCat
from configcat_mock.http.faults import FaultRule
from configcat_mock.http.server import LoopbackServer

# each test runs the live-mode contract suite as a subprocess and stops it
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 240


@pytest.fixture
def served() -> Iterator[tuple[MockConfigCat, str]]:
    with MockConfigCat() as mock, LoopbackServer(mock.app) as server:  # real 20/s, 500/min
        yield mock, server.url


def _suite(
    url: str, tmp: Path, *, include: str, write: bool = False, tests: str = "contract_tests"
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CONTRACT_TARGET": "live",
        "CONFIGCAT_API_HOST": url,
        "CONFIGCAT_API_USER": DEMO_USERNAME,
        "CONFIGCAT_API_PASS": DEMO_PASSWORD,
        "CONTRACT_EXAMPLES": "1",
        "CONTRACT_INCLUDE": include,
        "CONTRACT_WRITE": "1" if write else "0",
        "CONTRACT_REPORTS": str(tmp),
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        tests,
        "-c",
        "contract_tests/pytest.ini",
        f"--rootdir={REPO}",
        "-q",
        "-x",
    ]
    return subprocess.Popen(  # noqa: S603
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _write_run(url: str, tmp: Path) -> subprocess.Popen[str]:
    """A write-mode run of one operation's property test: sandbox in, sandbox out."""
    only = r"^GET /v1/products/\{productId\}/configs$"
    return _suite(url, tmp, include=only, write=True, tests="contract_tests/test_properties.py")


def _sandboxes(mock: MockConfigCat) -> list[str]:
    names = [p["name"] for p in mock.dump()["tables"]["products"]]
    return [n for n in names if n.startswith("cc-contract-")]


def _requests(mock: MockConfigCat) -> list[tuple[str, str, int]]:
    return [(e.method, e.path, e.status) for e in mock.journal.entries]


def test_read_only_run_sends_no_write(served: tuple[MockConfigCat, str], tmp_path: Path) -> None:
    mock, url = served
    proc = _suite(url, tmp_path, include=r"^(GET /v1/products|GET /v1/me|GET /v1/organizations)$")
    out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    assert proc.returncode == 0, out
    sent = _requests(mock)
    assert len(sent) > 5, out
    assert {method for method, _, _ in sent} <= {"GET", "HEAD"}
    assert [r for r in sent if r[2] == 429] == []
    assert "skipped" not in out.splitlines()[-1] or "passed" in out.splitlines()[-1]


def test_sandbox_is_removed_after_forced_failure(
    served: tuple[MockConfigCat, str], tmp_path: Path
) -> None:
    mock, url = served
    # every answer of one operation is a 500: its test fails
    mock.app.faults.configure([FaultRule(route="get-configs", rate_500=1.0)])
    proc = _write_run(url, tmp_path)
    out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    assert proc.returncode != 0, out
    sent = _requests(mock)
    created = [r for r in sent if r[0] == "POST" and r[1].endswith("/products")]
    deleted = [r for r in sent if r[0] == "DELETE" and r[1].startswith("/v1/products/")]
    assert len(created) == 1, out
    assert len(deleted) == 1, out
    assert _sandboxes(mock) == []
    assert [r for r in sent if r[2] == 429] == []


def test_sandbox_is_removed_after_interrupt(
    served: tuple[MockConfigCat, str], tmp_path: Path
) -> None:
    mock, url = served
    # slow answers keep the run busy long enough to interrupt it mid-way
    mock.app.faults.configure([FaultRule(route="get-configs", latency_ms=1500)])
    proc = _write_run(url, tmp_path)
    deadline = time.monotonic() + 60
    while not any(m == "GET" and "/configs" in p for m, p, _ in _requests(mock)):
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the run never created its sandbox"
        time.sleep(0.05)
    assert _sandboxes(mock), "the sandbox must exist while the run works in it"
    # Interrupt while the next request waits out its 1.5 s answer: the run then sits in a
    # socket read, where Ctrl-C always lands (in the middle of hypothesis' own bookkeeping
    # it can be swallowed, and the run would just finish).
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    assert "KeyboardInterrupt" in out, out
    assert proc.returncode != 0
    assert _sandboxes(mock) == [], out
