"""Whole runs of the contract suite, with its own configuration, against targets that test
its judgement: the mock with the service's rate limits on must pass and count its 429s; a
fake that answers 401 to good credentials, or 200 without them, must fail it. The runs also
show the reporting: one test id, one JUnit entry and one summary row per operation, and a
progress counter that reaches 100 %."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import JSONResponse

from configcat_mock import DEMO_PASSWORD, DEMO_USERNAME, MockConfigCat
from configcat_mock.http.server import LoopbackServer

# each test runs the contract suite in a pytest of its own
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 300
GOOD = b"Basic " + base64.b64encode(f"{DEMO_USERNAME}:{DEMO_PASSWORD}".encode())


def _run(tmp: Path, include: str, tests: list[str], **env: str) -> tuple[int, str]:
    full_env = {
        **os.environ,
        "CONTRACT_EXAMPLES": "2",
        "CONTRACT_INCLUDE": include,
        "CONTRACT_REPORTS": str(tmp),
        **env,
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *tests,
        "-c",
        "contract_tests/pytest.ini",
        f"--rootdir={REPO}",
        f"--junitxml={tmp / 'junit.xml'}",
    ]
    proc = subprocess.run(  # noqa: S603
        cmd, cwd=REPO, env=full_env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    return proc.returncode, proc.stdout + proc.stderr


def _junit(tmp: Path) -> dict[str, str]:
    """JUnit entries of the property tests: name -> outcome."""
    tree = ET.parse(tmp / "junit.xml")  # noqa: S314 (the run above wrote it)
    cases = tree.getroot().iter("testcase")
    return {
        c.attrib["name"]: "failed" if c.find("failure") is not None else "passed"
        for c in cases
        if c.attrib["classname"].endswith("test_properties")
    }


def _summary_rows(tmp: Path, target: str = "") -> dict[str, list[str]]:
    """The summary's rows by operation; a target other than the mock writes its own file."""
    name = f"contract-summary-{target}.md" if target else "contract-summary.md"
    rows = {}
    for line in (tmp / name).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([A-Z]+ [^`]+)` \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


OPERATIONS = [
    "GET /v1/products/{productId}/environments",
    "POST /v1/products/{productId}/environments",
    "GET /v1/environments/{environmentId}",
]


def test_a_rate_limited_target_passes_and_its_429s_are_counted(tmp_path: Path) -> None:
    include = "|".join(f"^{re.escape(op)}$" for op in OPERATIONS)
    code, out = _run(
        tmp_path,
        include,
        ["contract_tests/test_properties.py", "contract_tests/test_stateful.py"],
        CONTRACT_TARGET="mock",
        CONTRACT_MOCK_RATE_LIMITS="1",
    )
    assert code == 0, out
    assert "[100%]" in out, out
    summary = (tmp_path / "contract-summary.md").read_text(encoding="utf-8")
    met = int(re.search(r"(\d+) answers 429 \(rate limited\) met", summary).group(1))  # type: ignore[union-attr]
    assert met > 0, summary
    rows = _summary_rows(tmp_path)
    assert sorted(rows) == sorted(OPERATIONS)
    assert sum(int(cells[1]) for cells in rows.values()) <= met
    assert all(cells[2] == "none" for cells in rows.values()), summary
    assert _junit(tmp_path) == {f"test_operation[{op}]": "passed" for op in OPERATIONS}


def _broken_authentication(app: Any) -> Any:
    """``GET /v1/me`` refuses good credentials; ``GET /v1/products`` takes any, or none."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
            good = (b"authorization", GOOD) in scope["headers"]
            if scope["path"] == "/v1/me" and good:
                refused = JSONResponse({"message": "Authentication failed."}, status_code=401)
                await refused(scope, receive, send)
                return
            if scope["path"] == "/v1/products":
                scope = {**scope, "headers": [*headers, (b"authorization", GOOD)]}
        await app(scope, receive, send)

    return wrapped


@pytest.fixture
def broken_target() -> Iterator[str]:
    with MockConfigCat(rate_limits=False) as mock, LoopbackServer(
        _broken_authentication(mock.app)
    ) as server:  # fmt: skip
        yield server.url


def test_wrong_authentication_answers_fail_the_suite(broken_target: str, tmp_path: Path) -> None:
    code, out = _run(
        tmp_path,
        r"^GET /v1/(me|products)$",
        ["contract_tests/test_properties.py"],
        CONTRACT_TARGET="live",
        CONFIGCAT_API_HOST=broken_target,
        CONFIGCAT_API_USER=DEMO_USERNAME,
        CONFIGCAT_API_PASS=DEMO_PASSWORD,
        CONTRACT_WRITE="0",
    )
    assert code != 0, out
    assert _junit(tmp_path) == {
        "test_operation[GET /v1/me]": "failed",
        "test_operation[GET /v1/products]": "failed",
    }, out
    failures = {op: cells[2] for op, cells in _summary_rows(tmp_path, "live").items()}
    assert not (tmp_path / "contract-summary.md").exists(), "the mock run's summary kept"
    assert "Schema-valid request rejected" in failures["GET /v1/me"], failures
    assert "API accepts requests without authentication" in failures["GET /v1/products"], failures


def test_the_mock_tests_made_from_the_spec_have_one_id_per_operation() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "tests/mock/test_mock_deep_cases.py",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    ids = [line for line in proc.stdout.splitlines() if "::" in line]
    assert len(ids) > 200, proc.stdout + proc.stderr
    assert len(set(ids)) == len(ids)
    one = "test_valid_requests_on_real_resources[GET /v1/products/{productId}]"
    assert f"tests/mock/test_mock_deep_cases.py::{one}" in ids
