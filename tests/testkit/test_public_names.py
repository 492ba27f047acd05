"""The fake's public names import from where the README and CHANGELOG document them, whatever
package inside ``configcat_mock`` holds them."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

#: module -> the names users import from it (README, CHANGELOG, docstrings users read).
DOCUMENTED = {
    "configcat_mock": [
        "DEMO_PASSWORD",
        "DEMO_USERNAME",
        "MockConfigCat",
        "SpecNotFoundError",
        "patch_configcat",
    ],
    "configcat_mock.flags": [
        "ConfigVersion",
        "Flag",
        "FlagServer",
        "FlagSet",
        "UserAttribute",
        "flag",
        "segment",
        "user",
        "when",
    ],
}


@pytest.mark.parametrize("module", sorted(DOCUMENTED))
def test_documented_names_import_in_a_fresh_interpreter(module: str) -> None:
    names = ", ".join(DOCUMENTED[module])
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed names)
        [sys.executable, "-c", f"from {module} import {names}; print('ok')"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize("module", sorted(DOCUMENTED))
def test_every_name_in_all_resolves(module: str) -> None:
    imported = __import__(module, fromlist=["__all__"])
    assert set(DOCUMENTED[module]) <= set(imported.__all__)
    missing = [name for name in imported.__all__ if getattr(imported, name, None) is None]
    assert missing == []


def test_the_mock_class_is_one_class_wherever_it_is_imported_from() -> None:
    import configcat_mock
    from configcat_mock.testkit.mock import MockConfigCat

    assert configcat_mock.MockConfigCat is MockConfigCat


def test_the_pytest_plugin_entry_point_loads_the_fixtures() -> None:
    (entry,) = [e for e in metadata.entry_points(group="pytest11") if e.name == "configcat_mock"]
    plugin = entry.load()
    for fixture in ("configcat_mock", "configcat_client", "configcat_flags"):
        assert callable(getattr(plugin, fixture)), fixture


def test_the_plugin_is_active_in_this_session(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.hasplugin("configcat_mock")


def test_the_console_script_entry_point_loads_the_cli() -> None:
    (entry,) = [
        e for e in metadata.entry_points(group="console_scripts") if e.name == "configcat-mock"
    ]
    assert entry.value == "configcat_mock.cli:main"
    assert callable(entry.load())


def test_the_docs_say_dump_returns_a_dict() -> None:
    """``MockConfigCat.dump()`` returns a dict of JSON values, not JSON text; where the
    docs comment on it, they say so."""
    from pathlib import Path

    from configcat_mock import MockConfigCat

    root = Path(__file__).resolve().parents[2]
    pages = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    said = [
        (page.name, line.strip())
        for page in pages
        for line in page.read_text(encoding="utf-8").splitlines()
        if ".dump()" in line and "#" in line.partition(".dump()")[2]
    ]
    assert said, "no page comments on dump()"
    for page, line in said:
        comment = line.partition(".dump()")[2].partition("#")[2]
        assert "dict" in comment, (page, line)
    assert "a dict" in (MockConfigCat.dump.__doc__ or "")
    with MockConfigCat() as mock:
        assert isinstance(mock.dump(), dict)
