"""The fake's packages and their imports: no cycles, and each package imports only the ones
beneath it (state <- api <- delivery <- http <- dashboard <- testkit).

Every ``import`` statement counts, wherever it stands: at module level, inside a function, or
under ``if TYPE_CHECKING:``. A function-level import only delays a cycle to the first call, and
a type-only one still ties two modules together for a reader. What does not count is the
implicit import of a parent package (``configcat_mock.state.backend`` runs
``configcat_mock/__init__.py`` first): a package's ``__init__`` re-exporting its modules is how
public names stay where they are documented, not a dependency of those modules.
"""

from __future__ import annotations

import ast
import functools
import sys
from pathlib import Path

import pytest

import configcat_mock
from configcat_mock.api import handlers
from configcat_mock.api.operations import HANDLERS, register_package

ROOT = Path(configcat_mock.__file__).parent
PACKAGE = "configcat_mock"

#: package -> the packages of the fake its modules may import (``errors`` is shared by all).
ALLOWED = {
    "state": {"state"},
    "api": {"state", "api"},
    "delivery": {"state", "api", "delivery"},
    "http": {"state", "api", "delivery", "http"},
    "dashboard": {"state", "api", "delivery", "http", "dashboard"},
    "testkit": {"state", "api", "delivery", "http", "dashboard", "testkit"},
}


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the fake that ``name`` imports: ``from a import b`` is ``a.b`` when that
    is a module, else ``a``."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                child = f"{source}.{alias.name}"
                found.add(child if child in modules else source)
    return {target for target in found if target in modules and target != name}


@functools.cache  # the sources do not change during a run; several tests read the graph
def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _package(module: str) -> str | None:
    """The package of the fake ``module`` is in; ``None`` for the top-level modules."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (ROOT / parts[1]).is_dir() else None


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = _graph()
    # module level
    assert "configcat_mock.state.backend" in graph["configcat_mock.http.app"]
    # inside a function: the package's lazy public names
    assert "configcat_mock.testkit.mock" in graph["configcat_mock"]
    # relative, and ``from package import module``
    assert "configcat_mock.state.records" in graph["configcat_mock.state.backend"]


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_in_the_fake() -> None:
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_packages_beneath_it(package: str) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        if _package(module) == package
        for target in targets
        if _package(target) is not None and _package(target) not in ALLOWED[package]
    )
    assert wrong == []


def test_every_module_lives_in_a_package_or_is_a_known_entry_point() -> None:
    top_level = {path.stem for path in ROOT.glob("*.py")}
    assert top_level == {"__init__", "__main__", "cli", "errors", "flags"}
    packages = {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()}
    assert packages >= set(ALLOWED)


def test_every_handler_module_is_registered_without_a_list() -> None:
    on_disk = {path.stem for path in Path(handlers.__file__).parent.glob("[!_]*.py")}
    assert {module.__name__.rpartition(".")[2] for module in handlers.MODULES} == on_disk


def test_a_new_handler_module_registers_by_being_in_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "extra_handlers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_helpers.py").write_text("raise AssertionError('a helper module is no handler')\n")
    (package / "greetings.py").write_text(
        "from configcat_mock.api.operations import handles\n"
        "@handles('get-greeting')\n"
        "def get_greeting(call):\n"
        "    return {'hello': 'world'}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(HANDLERS, "get-greeting", raising=False)
    try:
        modules = register_package("extra_handlers")
        assert [module.__name__ for module in modules] == ["extra_handlers.greetings"]
        assert HANDLERS["get-greeting"] is modules[0].get_greeting
    finally:
        HANDLERS.pop("get-greeting", None)
        for name in ("extra_handlers", "extra_handlers.greetings"):
            sys.modules.pop(name, None)
