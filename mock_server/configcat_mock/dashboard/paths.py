"""Where the dashboard is: its prefix, and the paths that are its own."""

from __future__ import annotations

DASHBOARD_PREFIX = "/_dashboard"


def is_dashboard_path(path: str) -> bool:
    """``/`` (which sends a browser to the dashboard) and everything under the prefix."""
    return path == "/" or path == DASHBOARD_PREFIX or path.startswith(DASHBOARD_PREFIX + "/")
