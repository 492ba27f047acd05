"""Every generated page, and the navigation of the reference section."""

from __future__ import annotations

from scripts.docsite import commands, errors, mock_server, models, operations, plugin, schemas


def build_pages() -> dict[str, str]:
    """Path under ``docs/`` -> Markdown of every generated page."""
    found: dict[str, str] = {}
    for part in (operations, models, errors, commands, mock_server, plugin, schemas):
        found.update(part.pages())
    found[f"{operations.PAGE_DIR}/SUMMARY.md"] = operations_nav()
    return found


def operations_nav() -> str:
    """The operations section's navigation (read by mkdocs-literate-nav)."""
    lines = ["- [Overview](index.md)"]
    lines += [f"- [{name}]({name}.md)" for name in operations.namespaces()]
    return "\n".join(lines) + "\n"
