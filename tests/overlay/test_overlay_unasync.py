"""The synchronous client, SDK-key scope and transport are exactly what ``scripts/make_sync.py``
derives from their asynchronous source: nobody edits ``_sync/`` by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sync_files_are_derived_from_async() -> None:
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / "make_sync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + "\nrun: python scripts/make_sync.py"


def test_every_async_module_has_its_sync_twin() -> None:
    package = ROOT / "overlay" / "configcat_publicapi"
    sources = {p.name for p in (package / "_async").glob("*.py")}
    assert sources == {p.name for p in (package / "_sync").glob("*.py")}
    assert {"client.py", "sdk_keys.py", "transport.py"} <= sources
    for name in sources - {"__init__.py"}:
        text = (package / "_sync" / name).read_text()
        assert text.startswith("# Derived from configcat_publicapi/_async/")
        assert "await " not in text and "async def" not in text
