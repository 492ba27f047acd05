"""Writes the generated reference pages into the site (run by mkdocs-gen-files).

The pages are made by ``scripts/docsite`` from the spec, the generated client, the commands'
parsers, the fake's routes, the pytest plugin and the workflow schema; nothing here is kept by
hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mkdocs_gen_files

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.docsite import build_pages  # noqa: E402 - after the root is importable

for path, text in build_pages().items():
    with mkdocs_gen_files.open(path, "w") as page:
        page.write(text)
