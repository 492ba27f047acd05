"""The fenced code blocks of the documentation, as the docs tests run them.

The conventions every page follows: a ```` ```python ```` block is a self-contained script (or,
when it holds ``def test_``, a pytest module); a block preceded by the comment line
``<!-- docs-test: skip (why) -->`` or ``<!-- docs-test: live -->`` is not run here; shell
examples are ```` ```console ```` blocks with ``$ `` prompts. Written here rather than with a
Markdown library: fences and one comment line are all it needs to read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: what the examples did (python run, console run, skip, live), printed after the run
OUTCOMES: Counter[str] = Counter()
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<kind>skip|live)\b\s*(?P<why>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its text, and its marker if any."""

    path: Path
    line: int
    language: str
    text: str
    marker: str | None  # "skip" or "live"
    why: str

    @property
    def id(self) -> str:
        """``docs/guides/x.md:12``: the test's id."""
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"

    @property
    def is_pytest(self) -> bool:
        """Whether it is run with pytest rather than as a script."""
        return re.search(r"^\s*(async\s+)?def test_", self.text, re.MULTILINE) is not None


def markdown_files() -> list[Path]:
    """README.md and every page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of one file, in order."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence = opening.group("indent"), opening.group("fence")
        language = opening.group("info").strip().split(" ")[0].lower()
        marker, why = None, ""
        previous = index - 1
        while previous >= 0 and not lines[previous].strip():
            previous -= 1
        if previous >= 0:
            comment = _MARKER.match(lines[previous])
            if comment:
                marker = comment.group("kind")
                why = comment.group("why").strip().strip("()")
        body: list[str] = []
        index += 1
        while index < len(lines) and not (
            lines[index].strip().startswith(fence) and not lines[index].strip().strip(fence[0])
        ):
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        start = index - len(body)
        found.append(Block(path, start, language, "\n".join(body) + "\n", marker, why))
        index += 1
    return found


def all_blocks(language: str) -> list[Block]:
    """Every block of one language in README.md and docs/."""
    return [
        block for path in markdown_files() for block in blocks(path) if block.language == language
    ]


def console_commands(block: Block) -> list[str]:
    """The ``$ `` lines of a console block (indented too, as in a ``--help`` epilog), without
    the prompt."""
    return [step.command for step in console_steps(block)]


@dataclass(frozen=True)
class Step:
    """One ``$ `` line, and the error it is shown to end with, if any."""

    command: str
    error: str | None
    """The start of the message a project command prints when it refuses (the example shows a
    failure on purpose): the line must then exit non-zero with that message."""


def console_steps(block: Block) -> list[Step]:
    """The commands of a console block; a command whose shown output ends with a line
    ``configcat-publicapi: ...`` (the commands' one-line errors) is expected to fail so."""
    steps: list[Step] = []
    output: list[str] = []

    def close() -> None:
        if steps and output:
            last = output[-1]
            name, sep, message = last.partition(": ")
            if sep and name in PROJECT_COMMANDS:
                # up to the first quoted or parenthesised value, which may differ run to run
                shown = re.split(r"['(]", message, maxsplit=1)[0].strip()
                steps[-1] = Step(steps[-1].command, f"{name}: {shown}")

    for line in block.text.splitlines():
        stripped = line.strip()
        if stripped.startswith("$ "):
            close()
            steps.append(Step(stripped[2:], None))
            output = []
        elif stripped:
            output.append(stripped)
    close()
    return steps


PROJECT_COMMANDS = ("configcat-publicapi", "configcat-mock")


def runs_project_command(block: Block) -> bool:
    """Whether a console block runs one of the project's commands."""
    return any(command.split(" ")[0] in PROJECT_COMMANDS for command in console_commands(block))
