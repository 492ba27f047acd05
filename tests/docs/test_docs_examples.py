"""Every example of the docs and the README runs.

A ```` ```python ```` block runs as a script in a fresh process and a temporary directory,
against ``configcat-mock serve`` on 127.0.0.1 (``CONFIGCAT_API_HOST``, user ``demo`` /
``demo``); a block with ``def test_`` runs with pytest there, the ``configcat_mock`` plugin
active. A console block that runs ``configcat-publicapi`` or ``configcat-mock`` (and each
subcommand's example on the commands' reference pages) runs its ``$ ``
lines with bash, with ``$PRODUCT_ID`` (a product with a config "Main", environments "Staging"
and "Production" and flags tagged "legacy") and ``$OTHER_PRODUCT_ID`` (an empty product) set.
Blocks marked ``<!-- docs-test: skip (why) -->`` or ``<!-- docs-test: live -->`` are counted,
not run; a skip must say why.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.docsite.commands import examples
from tests.docs.markdown_blocks import (
    OUTCOMES,
    Block,
    all_blocks,
    console_commands,
    runs_project_command,
)
from tests.docs.shop import make_shop

TIMEOUT_S = 180
PYTHON_BLOCKS = all_blocks("python")
CONSOLE_BLOCKS = [block for block in all_blocks("console") if runs_project_command(block)]


def _not_run(block: Block) -> None:
    if block.marker == "live":
        OUTCOMES["live"] += 1
        pytest.skip("needs the live ConfigCat service (marked docs-test: live)")
    if block.marker == "skip":
        OUTCOMES["skip"] += 1
        assert block.why, f"{block.id}: a docs-test: skip marker says why, in parentheses"
        pytest.skip(f"marked docs-test: skip ({block.why})")


def _check(result: subprocess.CompletedProcess[str], block: Block) -> None:
    assert result.returncode == 0, (
        f"{block.id} exited {result.returncode}\n--- stdout\n{result.stdout[-4000:]}"
        f"\n--- stderr\n{result.stderr[-4000:]}"
    )


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[block.id for block in PYTHON_BLOCKS])
def test_python_block(block: Block, example_env: dict[str, str], tmp_path: Path) -> None:
    _not_run(block)
    if block.is_pytest:
        (tmp_path / "test_example.py").write_text(block.text, encoding="utf-8")
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"]
    else:
        (tmp_path / "example.py").write_text(block.text, encoding="utf-8")
        argv = [sys.executable, "example.py"]
    result = subprocess.run(  # noqa: S603 - this interpreter, a file the test wrote
        argv, cwd=tmp_path, env=example_env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    _check(result, block)
    OUTCOMES["python run"] += 1


@pytest.mark.parametrize("block", CONSOLE_BLOCKS, ids=[block.id for block in CONSOLE_BLOCKS])
def test_console_block(block: Block, example_env: dict[str, str], tmp_path: Path) -> None:
    _not_run(block)
    run_console(console_commands(block), example_env, tmp_path, block)
    OUTCOMES["console run"] += 1


COMMAND_EXAMPLES = examples()


@pytest.mark.parametrize(
    ("name", "text", "skip"), COMMAND_EXAMPLES, ids=[name for name, _, _ in COMMAND_EXAMPLES]
)
def test_command_reference_example(
    name: str, text: str, skip: str | None, example_env: dict[str, str], tmp_path: Path
) -> None:
    """The example each subcommand has on its reference page (docs/reference/cli-examples.yaml)."""
    block = Block(Path(__file__), 0, "console", text, "skip" if skip else None, skip or "")
    _not_run(block)
    run_console(console_commands(block), example_env, tmp_path, block)
    OUTCOMES["command example run"] += 1


def run_console(commands: list[str], env: dict[str, str], cwd: Path, block: Block) -> None:
    """Run ``$ `` lines with bash (``set -e``), the shop's ids in the environment."""
    product_id, other_id = make_shop(env["CONFIGCAT_API_HOST"])
    script = "set -euo pipefail\n" + "\n".join(commands) + "\n"
    result = subprocess.run(  # noqa: S603 - bash on the block's own lines
        ["/bin/bash", "-c", script],
        cwd=cwd,
        env={**env, "PRODUCT_ID": product_id, "OTHER_PRODUCT_ID": other_id},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    _check(result, block)


def test_examples_were_found() -> None:
    # a parser that found nothing would pass every test above
    assert len(PYTHON_BLOCKS) >= 10
    assert any(block.is_pytest for block in PYTHON_BLOCKS)
    assert CONSOLE_BLOCKS
