"""The routes of every remote-evaluation protocol, for the app to mount ahead of its catch-all.

OFREP (:mod:`.ofrep`), the ConfigCat Proxy's ``/api`` and ``/sse`` (:mod:`.proxy_api`,
:mod:`.streams`), the proxy profiles' config endpoint (:mod:`.proxy_profiles`) and the
``/_mock/delivery/protocols`` settings.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from configcat_mock.delivery.ofrep import ofrep_routes
from configcat_mock.delivery.protocol_control import protocol_control_routes
from configcat_mock.delivery.protocol_http import Host
from configcat_mock.delivery.proxy_api import proxy_routes
from configcat_mock.delivery.proxy_profiles import proxy_profile_routes
from configcat_mock.delivery.streams import notify_change, stream_routes

_PREFIXES = ("/ofrep/", "/sse/", "/v1/proxy/config/")


def is_protocol_path(path: str) -> bool:
    """Whether ``path`` belongs to one of these protocols (not to the management API)."""
    return path.startswith(_PREFIXES) or (
        path.startswith("/api/") and not path.startswith("/api/v1/public-config")
    )


def protocol_routes(host: Host) -> list[BaseRoute]:
    """Mounted ahead of the delivery routes (whose ``/_mock/delivery`` mount would hide the
    settings routes)."""
    return [
        *protocol_control_routes(host),
        *ofrep_routes(host),
        *proxy_routes(host),
        *stream_routes(host),
        *proxy_profile_routes(host),
    ]


_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def after_request(host: Host, method: str, path: str) -> None:
    """Called when the app answered a request: a write (to the management or control API, or
    the Proxy's refresh) wakes the open streams."""
    if method in _READS:
        return
    if is_protocol_path(path) and not path.endswith("/refresh"):
        return  # evaluations are POSTs that change nothing
    notify_change(host.backend)
