"""The OpenFeature examples in examples/openfeature/ run as their headers say."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from protocol_support import NodeProvider, Served

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "openfeature"
SDK_KEY = "configcat-sdk-1/example-example-exampl/openfeature-example-00"


def test_every_example_is_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir()) == [
        "flags.json",
        "ofrep.test.js",
        "test_ofrep_python.py",
    ]


def test_the_python_example_passes(pytester: pytest.Pytester) -> None:
    shutil.copy(EXAMPLES / "test_ofrep_python.py", pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=1)


@pytest.mark.slow
def test_the_javascript_example_passes(
    node_ofrep: NodeProvider, serve_fake: Callable[..., Served]
) -> None:
    served = serve_fake("--config-json", str(EXAMPLES / "flags.json"), "--sdk-key", SDK_KEY)
    env = {
        **os.environ,
        "OFREP_URL": served.url,
        "NODE_PATH": str(node_ofrep.modules / "node_modules"),
    }
    done = subprocess.run(  # noqa: S603 - node found on PATH, our own example
        [node_ofrep.node, "--test", str(EXAMPLES / "ofrep.test.js")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# pass 2" in done.stdout
