"""The fake's browser dashboard: see and change flags while an app runs against the fake.

Served by the same app as the API (``configcat-mock serve``, :class:`FlagServer`, the
in-process transports) at ``/`` and under :data:`DASHBOARD_PREFIX`. Pages are rendered on the
server (Starlette and Jinja2, every asset in this package); changes go through the operation
handlers of the management API, so they are validated, audited, send webhooks and reach the
SDKs as an API call would. Access follows the control API's rules: see :mod:`.access`.

Jinja2 is imported only when the first dashboard request arrives, so the API starts as fast
without it.
"""

from __future__ import annotations

DASHBOARD_PREFIX = "/_dashboard"


def is_dashboard_path(path: str) -> bool:
    """``/`` (which sends a browser to the dashboard) and everything under the prefix."""
    return path == "/" or path == DASHBOARD_PREFIX or path.startswith(DASHBOARD_PREFIX + "/")
