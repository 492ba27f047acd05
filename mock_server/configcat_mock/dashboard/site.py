"""The dashboard as the app's ``site``: its paths, and its pages made on the first request
(so Jinja2 is imported only then)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from configcat_mock.dashboard.paths import is_dashboard_path

if TYPE_CHECKING:
    from configcat_mock.dashboard.pages import Dashboard
    from configcat_mock.http.app import MockApp


class DashboardSite:
    """What ``MockConfigCat`` sets as its app's ``site``."""

    def __init__(self, app: MockApp) -> None:
        self._app = app
        self._pages: Dashboard | None = None

    def handles(self, path: str) -> bool:
        """Whether ``path`` is the dashboard's (``/`` and under ``/_dashboard``)."""
        return is_dashboard_path(path)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._pages is None:
            from configcat_mock.dashboard.pages import Dashboard

            self._pages = Dashboard(self._app)
        await self._pages(scope, receive, send)
