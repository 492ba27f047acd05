"""Every example of the docs and the README runs.

A ```` ```python ```` block runs as a script in a fresh process and a temporary directory,
against ``configcat-mock serve`` on 127.0.0.1 (``CONFIGCAT_API_HOST``, user ``demo`` /
``demo``), the fake reset before it; the blocks with ``def test_`` run with pytest, the
``configcat_mock`` plugin active, each as its own test module of one pytest session (whose
start-up would otherwise be paid once a block).

A console block that runs ``configcat-publicapi`` or ``configcat-mock`` (and each subcommand's
example on the commands' reference pages) runs its ``$ `` lines with bash, with
``$PRODUCT_ID`` (the product "Shop" of :mod:`tests.docs.shop`) and ``$OTHER_PRODUCT_ID`` (an
empty product) set. The console blocks of one page run one after the other in one directory
against one shop, as a reader follows the page (a file one block exports, the next one plans).
A command whose shown output ends with the command's one-line error (``configcat-publicapi:
...``) is shown failing on purpose: it must exit non-zero with that message.

Blocks marked ``<!-- docs-test: skip (why) -->`` or ``<!-- docs-test: live -->`` are counted,
not run; a skip must say why.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from scripts.docsite.commands import examples
from tests.docs.markdown_blocks import (
    OUTCOMES,
    ROOT,
    Block,
    Step,
    all_blocks,
    console_steps,
    runs_project_command,
)
from tests.docs.shop import make_shop

TIMEOUT_S = 180
#: The examples run as a reader runs them: some 65 fresh processes (scripts, a pytest session,
#: the commands under bash) against a served fake, about 20 s of CPU: make test runs them.
SUBPROCESS_SUITE = pytest.mark.slow
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


PYTEST_BLOCKS = [block for block in PYTHON_BLOCKS if block.is_pytest and not block.marker]


def _module_name(block: Block) -> str:
    return f"test_block_{PYTEST_BLOCKS.index(block)}"


@pytest.fixture(scope="module")
def pytest_block_results(
    served_fake: str, fake_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """Every pytest-style block, each its own test module, run in one pytest session (one
    start-up, not one per block): module name -> what failed in it (empty when it passed)."""
    directory = tmp_path_factory.mktemp("pytest-blocks")
    for block in PYTEST_BLOCKS:
        (directory / f"{_module_name(block)}.py").write_text(block.text, encoding="utf-8")
    httpx.post(f"{served_fake}/_mock/reset", timeout=10.0).raise_for_status()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--junitxml=out.xml",
            "--continue-on-collection-errors",
        ],
        cwd=directory,
        env=fake_env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 2,
    )
    found: dict[str, list[str]] = {}
    report = directory / "out.xml"
    if report.is_file():
        # pytest's own report of the session this fixture ran
        for case in ElementTree.parse(report).iter("testcase"):  # noqa: S314
            module = (case.get("classname") or case.get("name") or "").split(".")[0]
            problems = found.setdefault(module, [])
            for outcome in ("failure", "error"):
                for element in case.iter(outcome):
                    problems.append(f"{case.get('name')}: {element.text or element.get('message')}")
    output = f"--- pytest's output\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    # a module with no test case at all (it collected nothing, or failed to import)
    return {
        _module_name(block): found.get(_module_name(block), [f"no test ran\n{output}"])
        for block in PYTEST_BLOCKS
    }


@SUBPROCESS_SUITE
@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[block.id for block in PYTHON_BLOCKS])
def test_python_block(
    block: Block, request: pytest.FixtureRequest, example_env: dict[str, str], tmp_path: Path
) -> None:
    _not_run(block)
    if block.is_pytest:
        problems = request.getfixturevalue("pytest_block_results")[_module_name(block)]
        assert problems == [], f"{block.id} failed under pytest:\n" + "\n".join(problems)
    else:
        (tmp_path / "example.py").write_text(block.text, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "example.py"],
            cwd=tmp_path,
            env=example_env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        _check(result, block)
    OUTCOMES["python run"] += 1


def _pages(found: list[Block]) -> dict[str, list[Block]]:
    by_page: dict[str, list[Block]] = {}
    for block in found:
        by_page.setdefault(block.path.relative_to(ROOT).as_posix(), []).append(block)
    return by_page


CONSOLE_PAGES = _pages(CONSOLE_BLOCKS)


@SUBPROCESS_SUITE
@pytest.mark.parametrize("page", list(CONSOLE_PAGES))
def test_console_blocks(page: str, example_env: dict[str, str], tmp_path: Path) -> None:
    """A page's console blocks, in order, in one directory, against one shop."""
    ids = make_shop(example_env["CONFIGCAT_API_HOST"])
    ran = 0
    for block in CONSOLE_PAGES[page]:
        if block.marker:
            OUTCOMES["skip" if block.marker == "skip" else "live"] += 1
            assert block.marker == "live" or block.why, f"{block.id}: a skip says why"
            continue
        run_console(console_steps(block), example_env, tmp_path, block, ids)
        OUTCOMES["console run"] += 1
        ran += 1
    if not ran:
        pytest.skip(f"every console block of {page} is marked docs-test: skip or live")


COMMAND_EXAMPLES = examples()


@SUBPROCESS_SUITE
@pytest.mark.parametrize(
    ("name", "text", "skip"), COMMAND_EXAMPLES, ids=[name for name, _, _ in COMMAND_EXAMPLES]
)
def test_command_reference_example(
    name: str, text: str, skip: str | None, example_env: dict[str, str], tmp_path: Path
) -> None:
    """The example each subcommand has on its reference page (docs/reference/cli-examples.yaml)."""
    block = Block(Path(__file__), 0, "console", text, "skip" if skip else None, skip or "")
    _not_run(block)
    steps = console_steps(block)
    assert steps, f"{name}: its example has no $ line"
    ids = make_shop(example_env["CONFIGCAT_API_HOST"])
    run_console(steps, example_env, tmp_path, block, ids)
    OUTCOMES["command example run"] += 1


def _line(step: Step) -> str:
    """Bash for one step: as written, or (a failure shown on purpose) checked to fail so."""
    if step.error is None:
        return step.command
    quoted_command, quoted_error = shlex.quote(step.command), shlex.quote(step.error)
    return (
        f"if {{ {step.command}; }} 2>.docs-stderr; then cat .docs-stderr >&2; "
        f"echo 'expected to fail:' {quoted_command} >&2; exit 1; fi; cat .docs-stderr >&2; "
        f"grep -qF -- {quoted_error} .docs-stderr || "
        f"{{ echo 'did not say' {quoted_error} >&2; exit 1; }}"
    )


def run_console(
    steps: list[Step], env: dict[str, str], cwd: Path, block: Block, ids: tuple[str, str]
) -> None:
    """Run ``$ `` lines with bash (``set -e``), the shop's ids in the environment."""
    product_id, other_id = ids
    script = "set -euo pipefail\n" + "\n".join(_line(step) for step in steps) + "\n"
    result = subprocess.run(  # noqa: S603 - bash on the block's own lines
        ["/bin/bash", "-c", script],
        cwd=cwd,
        env={
            **env,
            "PRODUCT_ID": product_id,
            "OTHER_PRODUCT_ID": other_id,
            # a CI system's variable the recipes use
            "CI_COMMIT_SHA": "0123abc",
        },
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


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        (
            "$ sh -c 'echo \"configcat-publicapi: boom (1)\" >&2; exit 1'\n"
            "configcat-publicapi: boom (2)\n",
            True,
        ),
        ("$ true\nconfigcat-publicapi: boom\n", False),
        (
            "$ sh -c 'echo configcat-publicapi: other >&2; exit 1'\nconfigcat-publicapi: boom\n",
            False,
        ),
        ("  $ false\n", False),
    ],
)
def test_a_failure_shown_on_purpose_must_happen(text: str, passes: bool, tmp_path: Path) -> None:
    """A command shown ending in the command's error line must fail with that message; an
    indented ``$ `` line (a ``--help`` epilog) runs too."""
    block = Block(Path(__file__), 0, "console", text, None, "")
    env = {"PATH": "/usr/bin:/bin"}
    if passes:
        run_console(console_steps(block), env, tmp_path, block, ("1", "2"))
    else:
        with pytest.raises(AssertionError):
            run_console(console_steps(block), env, tmp_path, block, ("1", "2"))
