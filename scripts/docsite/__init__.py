"""The documentation site's generated reference pages.

Every page under ``reference/`` that lists operations, models, commands, options, routes,
fixtures or schema fields is written here from the thing it describes: the pinned spec and the
generated client, the command's argparse parser, the fake's route table, the pytest plugin's
hooks, the workflow document's JSON Schema. ``docs/gen_reference.py`` hands the pages to
mkdocs-gen-files during ``make docs``; ``tests/docs/test_reference.py`` checks that nothing
lacks its entry. Written here rather than with a plugin per kind of page because each source
(an operation registry, a route table, a pytest plugin) is this project's own.
"""

from __future__ import annotations

from scripts.docsite.pages import build_pages

__all__ = ["build_pages"]
