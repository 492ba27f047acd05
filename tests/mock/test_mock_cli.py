"""configcat-mock's command line: version, and help that states every default."""

from __future__ import annotations

import argparse
from importlib.metadata import version

import pytest

from configcat_mock.cli import build_parser, main


def test_version_is_the_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"configcat-mock {version('configcat-publicapi')}"


def _serve_parser() -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser: argparse.ArgumentParser = sub.choices["serve"]
    return parser


def test_every_serve_option_has_help_and_shows_its_default() -> None:
    parser = _serve_parser()
    text = parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{action.option_strings} has no help"
        if action.default not in (None, False):
            default = action.default
            shown = " ".join(map(str, default)) if isinstance(default, tuple) else str(default)
            # an option whose default is in other units than its value states it itself
            stated = "(default " in action.help
            assert stated or f"(default: {shown})" in " ".join(text.split()), action.option_strings
