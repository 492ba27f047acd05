"""Users' type checkers see every operation's real parameters and model: the generated
namespace methods match the generated endpoint functions, and mypy --strict and pyright, run
on a user's scripts, report each deliberate mistake where it is and nothing in correct code."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import types
import typing
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from configcat_publicapi import ConfigCatClient
from configcat_publicapi._types import NotGiven
from configcat_publicapi_client.api import NAMESPACES

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "typing_cases"
MISTAKES = CASES / "mistakes.py"
CORRECT = CASES / "correct.py"
NORMALISED = ROOT / "spec" / "build" / "normalised.json"


def _success_model(module: types.ModuleType) -> Any:
    """What a call returns: the generated response type without ``Any`` and ``None``."""
    (parsed,) = typing.get_args(typing.get_type_hints(module.sync_detailed)["return"])
    if typing.get_origin(parsed) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(parsed) if a not in (Any, type(None))]
    else:
        members = [] if parsed in (Any, type(None)) else [parsed]
    return members


def _operations() -> list[tuple[str, str]]:
    cc = ConfigCatClient("u", "p")
    return sorted(
        (name, op)
        for name in NAMESPACES
        if name != "flags"
        for op in getattr(cc, name).operations()
    )


OPERATIONS = _operations()


def test_every_operation_is_generated_once() -> None:
    assert len(OPERATIONS) == 123


@pytest.mark.parametrize(("namespace", "name"), OPERATIONS, ids=[f"{n}.{o}" for n, o in OPERATIONS])
def test_method_matches_the_generated_function(namespace: str, name: str) -> None:
    cc = ConfigCatClient("u", "p")
    op = getattr(getattr(cc, namespace), name)
    module = import_module(f"configcat_publicapi_client.api.{NAMESPACES[namespace]}.{name}")
    generated = inspect.signature(module.sync_detailed, eval_str=True).parameters
    ours = inspect.signature(type(op).__call__, eval_str=True).parameters
    assert [p for p in ours if p != "self"] == [p for p in generated if p != "client"]
    hints = typing.get_type_hints(type(op).__call__)
    for pname, param in generated.items():
        if pname == "client":
            continue
        mine = ours[pname]
        positional = param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        assert (mine.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD) == positional, pname
        if pname == "reason":  # the client's default reason unless given
            assert hints["reason"] == str | NotGiven and mine.default is not param.default
        else:
            assert mine.annotation == param.annotation and mine.default == param.default, pname
    members = _success_model(module)
    returned = hints["return"]
    if typing.get_origin(returned) in (typing.Union, types.UnionType):
        returned_members = [a for a in typing.get_args(returned) if a is not type(None)]
    else:
        returned_members = [] if returned is type(None) else [returned]
    assert returned_members == members


def test_docstrings_carry_the_spec_summary_method_and_path() -> None:
    doc = json.loads(NORMALISED.read_text())
    by_id = {
        op["operationId"].replace("-", "_"): (method.upper(), path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    cc = ConfigCatClient("u", "p")
    for namespace, name in OPERATIONS:
        method, path, spec_op = by_id[name]
        text = type(getattr(getattr(cc, namespace), name)).__call__.__doc__ or ""
        assert text.startswith(spec_op.get("summary", name).strip()), name
        assert f"``{method} {path}``" in text, name


def _expected_lines(path: Path) -> set[int]:
    lines = path.read_text().splitlines()
    return {number for number, line in enumerate(lines, 1) if re.search(r"\S\s+# error: ", line)}


def test_the_mistakes_file_marks_every_kind_of_mistake() -> None:
    assert len(_expected_lines(MISTAKES)) >= 17
    assert not _expected_lines(CORRECT)


@pytest.mark.slow
def test_mypy_strict_reports_each_mistake_and_nothing_else() -> None:
    from mypy import api

    out, err, _ = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--strict",
            "--no-incremental",
            "--show-column-numbers",
            str(MISTAKES),
            str(CORRECT),
        ]
    )
    errors = re.findall(r"^(.+?\.py):(\d+):\d+: error: ", out, re.MULTILINE)
    assert errors, out + err
    by_file: dict[str, set[int]] = {}
    for file, line in errors:
        by_file.setdefault(Path(file).name, set()).add(int(line))
    assert by_file.get("correct.py", set()) == set(), out
    assert by_file["mistakes.py"] == _expected_lines(MISTAKES), out


@pytest.mark.slow
def test_pyright_reports_each_mistake_and_nothing_else() -> None:
    pyright = Path(sys.executable).with_name("pyright")
    assert pyright.is_file(), "pyright is in the dev extra: pip install -e '.[dev]'"
    done = subprocess.run(  # noqa: S603 - the environment's own pyright
        [
            str(pyright),
            "--outputjson",
            "--pythonpath",
            sys.executable,
            str(MISTAKES),
            str(CORRECT),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    report = json.loads(done.stdout)
    by_file: dict[str, set[int]] = {}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            name = Path(diagnostic["file"]).name
            by_file.setdefault(name, set()).add(diagnostic["range"]["start"]["line"] + 1)
    assert by_file.get("correct.py", set()) == set(), done.stdout
    assert by_file["mistakes.py"] == _expected_lines(MISTAKES), done.stdout
