"""How the tests are laid out, checked so it stays that way.

- Every folder of ``tests/`` that holds Python modules is a package, so a module has one name
  however pytest is started (and two helpers of the same file name cannot shadow each other).
- Helpers are imported by their package name (``tests.mock.world``), never as a top-level
  module (``world``), which only resolves when pytest puts their folder on ``sys.path``.
- No module imports a ``conftest``: pytest imports conftest files itself, and a second import
  by name can make a second copy of the module. Fixtures live in conftest files; what tests
  share besides fixtures lives in a helpers module (``*_support.py``).
- Outside ``tests/contract`` (the contract suite's own unit tests), tests import the contract
  suite only through ``contract_tests.public``.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"

#: Folders of Python files that are not test code: data for other tools, never imported here.
NOT_PACKAGES = {
    TESTS / "overlay" / "typing_cases": "a user's scripts, fed to mypy and pyright one by one",
    TESTS / "packaging" / "user_project": "a project of its own, installed in its own virtualenv",
}


def _modules() -> Iterator[Path]:
    for path in sorted(TESTS.rglob("*.py")):
        if not any(path.is_relative_to(folder) for folder in NOT_PACKAGES):
            yield path


@functools.cache  # each check reads every module's imports; a file is parsed once a run
def _imported(path: Path) -> tuple[tuple[int, str], ...]:
    """Every module name ``path`` imports, absolute or relative, with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.append((node.lineno, base))
            for alias in node.names:
                name = f"{base}.{alias.name}" if node.module else base + alias.name
                found.append((node.lineno, name))
    return tuple(found)


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(REPO)}:{line}"


def test_every_folder_of_python_modules_is_a_package() -> None:
    folders = {path.parent for path in _modules()}
    missing = sorted(str(f.relative_to(REPO)) for f in folders if not (f / "__init__.py").is_file())
    assert missing == []


def test_the_exempt_folders_exist() -> None:
    assert [folder for folder in NOT_PACKAGES if not folder.is_dir()] == []


def test_no_module_imports_a_conftest() -> None:
    found = [
        f"{_where(path, line)} imports {name}"
        for path in _modules()
        for line, name in _imported(path)
        if "conftest" in name.split(".")
    ]
    assert found == []


def test_helpers_are_imported_by_their_package_name() -> None:
    helpers = {path.stem for path in _modules()} - {"__init__", "conftest"}
    found = [
        f"{_where(path, line)} imports {name}"
        for path in _modules()
        for line, name in _imported(path)
        if name.split(".")[0] in helpers
    ]
    assert found == []


def test_only_the_contract_suites_unit_tests_import_its_modules() -> None:
    own_tests = TESTS / "contract"
    found = [
        f"{_where(path, line)} imports {name}"
        for path in _modules()
        if not path.is_relative_to(own_tests)
        for line, name in _imported(path)
        if name.split(".")[0] == "contract_tests"
        and name not in ("contract_tests", "contract_tests.public")
        and not name.startswith("contract_tests.public.")
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("from tests.workflows.conftest import Org\n", True),
        ("from .conftest import Org\n", True),
        ("from . import conftest\n", True),
        ("import tests.conftest\n", True),
        ("from tests.workflows.workflows_support import Org\n", False),
    ],
)
def test_the_conftest_check_sees_every_spelling(tmp_path: Path, source: str, caught: bool) -> None:
    module = tmp_path / "test_example.py"
    module.write_text(source, encoding="utf-8")
    names = [name for _, name in _imported(module)]
    assert any("conftest" in name.split(".") for name in names) is caught
