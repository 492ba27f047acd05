"""The synchronous client, SDK-key scope, transport and workflows are exactly what
``scripts/make_sync.py`` derives from their asynchronous source: nobody edits ``_sync/`` by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_sync_files_are_derived_from_async() -> None:
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / "make_sync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + "\nrun: python scripts/make_sync.py"


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ("", {"client.py", "sdk_keys.py", "transport.py"}),
        ("workflows", {"apply.py", "bulk.py", "export.py", "promote.py"}),
    ],
)
def test_every_async_module_has_its_sync_twin(package: str, expected: set[str]) -> None:
    root = ROOT / "overlay" / "configcat_publicapi"
    where = root / package if package else root
    sources = {p.name for p in (where / "_async").glob("*.py")}
    assert sources == {p.name for p in (where / "_sync").glob("*.py")}
    assert expected <= sources
    prefix = f"configcat_publicapi/{package}/_async/" if package else "configcat_publicapi/_async/"
    for name in sources - {"__init__.py"}:
        text = (where / "_sync" / name).read_text()
        assert text.startswith(f"# Derived from {prefix}{name}\n")
        assert "await " not in text and "async def" not in text
        assert "Async" not in text.replace("async_", ""), name
