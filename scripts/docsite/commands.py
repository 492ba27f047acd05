"""The command-line pages, walked from each command's own argparse parser.

A subcommand or option added to a parser appears here with no line written; its example is
written once: ``docs/reference/cli-examples.yaml`` (run by the docs tests against the docs'
shop), else the parser's ``epilog`` when it shows a ``$ `` line (what ``--help`` shows).
``missing_examples()`` names the subcommands that have neither (the test suite fails on them).
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from scripts.docsite.spec import ROOT

EXAMPLES_FILE = ROOT / "docs" / "reference" / "cli-examples.yaml"


@dataclass(frozen=True)
class Command:
    """A command: its name and where its page goes; its module is the one it runs."""

    name: str
    page: str

    @property
    def module(self) -> str:
        """The module of the command's entry point (``configcat_mock.cli``)."""
        from importlib.metadata import entry_points

        for entry in entry_points(group="console_scripts"):
            if entry.name == self.name:
                return entry.value.partition(":")[0]
        raise LookupError(f"no console script named {self.name}")


COMMANDS = (
    Command("configcat-publicapi", "reference/cli.md"),
    Command("configcat-mock", "reference/mock-cli.md"),
)


def parser_of(command: Command) -> argparse.ArgumentParser:
    """The command's parser, from the function its module builds it with."""
    module = importlib.import_module(command.module)
    for name in ("build_parser", "make_parser", "parser", "_parser", "_build_parser"):
        factory = getattr(module, name, None)
        if callable(factory):
            parser = factory()
            if isinstance(parser, argparse.ArgumentParser):
                parser.prog = command.name
                return parser
    raise LookupError(f"{command.module} has no function that builds its parser")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Subcommand name -> its parser, in the order they were added."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if sub not in found.values():
                    found[name] = sub
    return found


def _help_of(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name:
                    return choice.help or ""
    return ""


def _examples_file() -> dict[str, Any]:
    if not EXAMPLES_FILE.is_file():
        return {}
    loaded = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8")) or {}
    return loaded if isinstance(loaded, dict) else {}


def example(command: Command, name: str, sub: argparse.ArgumentParser) -> str:
    """The example of one subcommand: the examples file's, else the ``$ `` lines of its
    epilog."""
    found = _examples_file().get(command.name, {}).get(name, "")
    if isinstance(found, dict):
        found = found.get("text", "")
    if str(found).strip():
        return str(found).strip()
    epilog = sub.epilog or ""
    return epilog.strip() if "$ " in epilog else ""


def examples() -> list[tuple[str, str, str | None]]:
    """(``command subcommand``, console text, why it is not run or None) for every example."""
    found = []
    listed = _examples_file()
    for command in COMMANDS:
        for name, sub in subcommands(parser_of(command)).items():
            text = example(command, name, sub)
            entry = listed.get(command.name, {}).get(name)
            skip = entry.get("skip") if isinstance(entry, dict) else None
            if text:
                found.append((f"{command.name} {name}", text, skip))
    return found


def missing_examples() -> list[str]:
    """``command subcommand`` for each subcommand without an example."""
    missing = []
    for command in COMMANDS:
        for name, sub in subcommands(parser_of(command)).items():
            if not example(command, name, sub):
                missing.append(f"{command.name} {name}")
    return missing


def _format_default(action: argparse.Action) -> str:
    if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
        return "off" if action.default is False else "on"
    if action.default is None or action.default is argparse.SUPPRESS:
        return ""
    if isinstance(action.default, Path):
        return f"`{action.default}`"
    if isinstance(action.default, tuple | list):
        return "`" + " ".join(str(part) for part in action.default) + "`"
    return f"`{action.default!r}`" if not isinstance(action.default, str) else f"`{action.default}`"


def _option_name(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    names = ", ".join(f"`{option}`" for option in action.option_strings)
    takes_value = action.nargs != 0
    if takes_value:
        metavar = action.metavar or (action.dest.upper() if not action.choices else None)
        if action.choices and not action.metavar:
            metavar = "{" + ",".join(str(choice) for choice in action.choices) + "}"
        if isinstance(metavar, tuple):
            metavar = " ".join(metavar)
        names += f" `{metavar}`"
    return names


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def options_table(parser: argparse.ArgumentParser) -> list[str]:
    """A table of every argument and option of one parser (``--help`` left out)."""
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        help_text = (action.help or "").replace("%(default)s", str(action.default))
        if help_text == argparse.SUPPRESS:
            continue
        notes = []
        if action.required and action.option_strings:
            notes.append("required")
        if isinstance(action, argparse._AppendAction) and "repeat" not in help_text:
            notes.append("repeatable")
        note = f" ({', '.join(notes)})" if notes else ""
        rows.append(
            f"| {_option_name(action)} | {_format_default(action)} | {_cell(help_text)}{note} |"
        )
    if not rows:
        return []
    return ["| argument or option | default | meaning |", "| --- | --- | --- |", *rows]


def _usage(parser: argparse.ArgumentParser) -> str:
    return " ".join(parser.format_usage().removeprefix("usage: ").split())


def render(command: Command) -> str:
    """The page of one command."""
    parser = parser_of(command)
    module = importlib.import_module(command.module)
    lines = [f"# `{command.name}`", ""]
    if parser.description:
        lines += [parser.description.strip(), ""]
    if module.__doc__:
        lines += [_rst_to_markdown(module.__doc__.strip()), ""]
    codes = {
        name: value
        for name, value in vars(module).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }
    if codes:
        lines += ["## Exit codes", "", "| code | constant |", "| --- | --- |"]
        lines += [
            f"| `{value}` | `{name}` |" for name, value in sorted(codes.items(), key=_by_value)
        ]
        lines.append("")
    top = options_table(parser)
    if top:
        lines += ["## Options of every subcommand", "", *top, ""]
    for name, sub in subcommands(parser).items():
        lines += [f"## `{command.name} {name}` {{ #{name} }}", ""]
        summary = _help_of(parser, name)
        if summary:
            lines += [summary[0].upper() + summary[1:] + ".", ""]
        if sub.description and sub.description.strip().rstrip(".").lower() != (
            summary.rstrip(".").lower() if summary else ""
        ):
            lines += [sub.description.strip(), ""]
        lines += ["```text", _usage(sub), "```", ""]
        lines += [*options_table(sub), ""]
        text = example(command, name, sub)
        if text:
            lines += ["Example:", "", "```console", text, "```", ""]
        if sub.epilog and sub.epilog.strip() != text:
            # its own examples and exit codes, as --help prints them
            lines += ["`--help` adds:", "", "```text", sub.epilog.strip(), "```", ""]
    return "\n".join(lines)


def _by_value(item: tuple[str, int]) -> int:
    return item[1]


def _rst_to_markdown(text: str) -> str:
    # module docstrings write inline code as ``code``; Markdown reads the same, minus roles
    return text.replace(":mod:", "").replace(":class:", "").replace(":func:", "")


def pages() -> dict[str, str]:
    """Each command's page."""
    return {command.page: render(command) for command in COMMANDS}
