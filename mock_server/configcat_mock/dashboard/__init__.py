"""The fake's browser dashboard: see and change flags while an app runs against the fake.

Served beside the API (``configcat-mock serve``, :class:`FlagServer`, the in-process
transports: every :class:`MockConfigCat` sets :class:`.site.DashboardSite` as its app's ``site``) at
``/`` and under :data:`.paths.DASHBOARD_PREFIX`. Pages are rendered on the server (Starlette and
Jinja2, every asset in this package); changes go through the operation handlers of the
management API, so they are validated, audited, send webhooks and reach the SDKs as an API
call would. Access follows the control API's rules: see :mod:`.access`.

Jinja2 is imported only when the first dashboard request arrives, so the API starts as fast
without it.

May import :mod:`configcat_mock.state`, :mod:`configcat_mock.api`,
:mod:`configcat_mock.delivery` and :mod:`configcat_mock.http`; never
:mod:`configcat_mock.testkit`, which sets it up.
"""

from __future__ import annotations

from configcat_mock.dashboard.site import DashboardSite

__all__ = ["DashboardSite"]
