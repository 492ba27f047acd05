"""The pytest plugin's page: fixtures, markers, command-line and ini options.

Read from the plugin module the way pytest reads it: its ``pytest_addoption`` is called with a
parser, its ``pytest_configure`` with a config that records the markers it declares, and its
fixtures are the fixture definitions it holds. pytest has no public API to list a plugin's
options or fixtures without a session, so the parser and the fixture definition's wrapped
function are reached through pytest's own classes (``_pytest``); a pytest that changes them
fails the reference test, not a user's run.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

PAGE = "reference/pytest-plugin.md"
PLUGIN_ENTRY_POINT = "configcat_mock"


@dataclass(frozen=True)
class Fixture:
    """A fixture of the plugin."""

    name: str
    scope: str
    doc: str


def plugin_module() -> Any:
    """The module registered under the ``pytest11`` entry point."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="pytest11"):
        if entry.name == PLUGIN_ENTRY_POINT:
            return importlib.import_module(entry.value)
    raise LookupError(f"no pytest11 entry point named {PLUGIN_ENTRY_POINT}")


def _module_table(module: Any) -> dict[str, str]:
    """``name`` -> text from the module docstring's two-column list of fixtures."""
    rows: dict[str, str] = {}
    current = ""
    for line in (module.__doc__ or "").splitlines():
        match = re.match(r"^``(\w+)``\s{2,}(.*)$", line)  # a column gap, not a sentence
        if match:
            current = match.group(1)
            rows[current] = match.group(2).strip()
        elif current and line.startswith("   ") and line.strip():
            rows[current] += " " + line.strip()
        elif rows and not line.strip():
            break  # the table ends at the first blank line after it
        else:
            current = ""
    return rows


@cache
def fixtures() -> tuple[Fixture, ...]:
    """The plugin's fixtures, with their docstring or the module's line for them."""
    from _pytest.fixtures import FixtureFunctionDefinition

    module = plugin_module()
    table = _module_table(module)
    found = []
    for value in vars(module).values():
        if not isinstance(value, FixtureFunctionDefinition):
            continue
        function = value._get_wrapped_function()
        doc = inspect.getdoc(function) or table.get(value.name, "")
        scope = value._fixture_function_marker.scope
        found.append(Fixture(value.name, str(scope), " ".join(doc.split())))
    return tuple(found)


def options() -> tuple[list[dict[str, Any]], dict[str, tuple[str, str, Any]]]:
    """Command-line options (argparse attributes) and ini options (help, type, default)."""
    from _pytest.config.argparsing import Parser

    parser = Parser(_ispytest=True)
    plugin_module().pytest_addoption(parser)
    seen: set[str] = set()
    command_line = []
    for group in [parser._anonymous, *parser._groups]:
        for option in group.options:
            names = tuple(option.names())
            if names[0] in seen:
                continue
            seen.add(names[0])
            command_line.append({"names": names, **option.attrs()})
    ini = {name: tuple(value[:3]) for name, value in parser._inidict.items()}
    return command_line, ini


def markers() -> list[tuple[str, str]]:
    """(name with its arguments, meaning) of each marker the plugin declares."""

    class Recorder:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def addinivalue_line(self, name: str, line: str) -> None:
            if name == "markers":
                self.lines.append(line)

        def getoption(self, name: str) -> Any:
            return None

        def getini(self, name: str) -> Any:
            return options()[1][name][2] if name in options()[1] else ""

    recorder = Recorder()
    plugin_module().pytest_configure(recorder)
    found = []
    for line in recorder.lines:
        name, _, text = line.partition(": ")
        found.append((name.strip(), text.strip()))
    return found


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rst(text: str) -> str:
    return re.sub(r":(?:mod|class|func|meth):`~?([^`]+)`", r"`\1`", text)


def render() -> str:
    """The page."""
    module = plugin_module()
    command_line, ini = options()
    lines = [
        "# The pytest plugin",
        "",
        f"Installed with the `[mock]` extra and registered as `{PLUGIN_ENTRY_POINT}` under "
        "pytest's `pytest11` entry point: a project's tests get these fixtures with no "
        "configuration.",
        "",
        _rst((module.__doc__ or "").strip()),
        "",
        "## Fixtures",
        "",
        "| fixture | scope | what it gives |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{f.name}` | {f.scope} | {_cell(_rst(f.doc))} |" for f in fixtures()]
    lines += ["", "## Markers", "", "| marker | meaning |", "| --- | --- |"]
    lines += [f"| `@pytest.mark.{name}` | {_cell(text)} |" for name, text in markers()]
    lines += ["", "## Command-line options", "", "| option | choices | default | meaning |"]
    lines.append("| --- | --- | --- | --- |")
    for option in command_line:
        choices = ", ".join(f"`{c}`" for c in option.get("choices") or ())
        default = option.get("default")
        lines.append(
            f"| `{', '.join(option['names'])}` | {choices} | "
            f"{'' if default is None else f'`{default}`'} | {_cell(option.get('help', ''))} |"
        )
    lines += ["", "## ini options", "", "| ini option | type | default | meaning |"]
    lines.append("| --- | --- | --- | --- |")
    for name, (help_text, kind, default) in ini.items():
        lines.append(f"| `{name}` | {kind} | `{default}` | {_cell(help_text)} |")
    lines += [
        "",
        "A command-line option wins over the ini option: "
        "`pytest --configcat-leak-guard=session`, or in `pytest.ini`:",
        "",
        "```ini",
        "[pytest]",
        *(f"{name} = {default}" for name, (_, _, default) in ini.items()),
        "```",
    ]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """The plugin's page."""
    return {PAGE: render()}
