"""The fake's browser dashboard: see and change flags while an app runs against the fake.

Served beside the API (``configcat-mock serve``, :class:`FlagServer`, the in-process
transports: every :class:`MockConfigCat` sets :class:`DashboardSite` as its app's ``site``) at
``/`` and under :data:`DASHBOARD_PREFIX`. Pages are rendered on the server (Starlette and
Jinja2, every asset in this package); changes go through the operation handlers of the
management API, so they are validated, audited, send webhooks and reach the SDKs as an API
call would. Access follows the control API's rules: see :mod:`.access`.

Jinja2 is imported only when the first dashboard request arrives, so the API starts as fast
without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from configcat_mock.app import MockApp
    from configcat_mock.dashboard.pages import Dashboard

DASHBOARD_PREFIX = "/_dashboard"


def is_dashboard_path(path: str) -> bool:
    """``/`` (which sends a browser to the dashboard) and everything under the prefix."""
    return path == "/" or path == DASHBOARD_PREFIX or path.startswith(DASHBOARD_PREFIX + "/")


class DashboardSite:
    """The dashboard as the app's ``site``: its paths, and its pages made on first use."""

    def __init__(self, app: MockApp) -> None:
        self._app = app
        self._pages: Dashboard | None = None

    def handles(self, path: str) -> bool:
        return is_dashboard_path(path)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._pages is None:
            from configcat_mock.dashboard.pages import Dashboard

            self._pages = Dashboard(self._app)
        await self._pages(scope, receive, send)
