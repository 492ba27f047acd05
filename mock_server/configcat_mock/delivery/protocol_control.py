"""``/_mock/delivery/protocols`` and ``/_mock/delivery/streams``: the remote-evaluation settings.

==========  ===============================  =====================================================
GET/PUT     /_mock/delivery/protocols        ``{"proxySdks": {id: key}, "ofrepEventStreams",
                                             "maxStreams", "heartbeatSeconds"}`` (PUT: any subset)
GET         /_mock/delivery/streams          ``{"open": n, "maxStreams": m}``
DELETE      /_mock/delivery/streams          end every open stream now (``{"closed": n}``)
==========  ===============================  =====================================================
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from configcat_mock.delivery.protocol_http import Host, json_response
from configcat_mock.delivery.sdk_registry import settings_for
from configcat_mock.delivery.streams import hub_for

PREFIX = "/_mock/delivery"


def protocol_control_routes(host: Host) -> list[BaseRoute]:
    async def get_settings(request: Request) -> Response:
        """The remote-evaluation settings: SDK ids, OFREP event streams, stream bound, heartbeat."""
        return json_response(200, settings_for(host.backend).to_json())

    async def put_settings(request: Request) -> Response:
        """Change the remote-evaluation settings (any subset of the fields)."""
        try:
            body = json.loads(await request.body() or b"null")
            settings_for(host.backend).update_json(body)
        except ValueError as exc:
            return json_response(400, {"protocols": [str(exc)]})
        return json_response(200, settings_for(host.backend).to_json())

    async def get_streams(request: Request) -> Response:
        """How many event streams are open, and the bound."""
        limit = settings_for(host.backend).max_streams
        return json_response(200, {"open": hub_for(host.backend).open, "maxStreams": limit})

    async def close_streams(request: Request) -> Response:
        """End every open event stream now."""
        return json_response(200, {"closed": hub_for(host.backend).close_all()})

    return [
        Route(f"{PREFIX}/protocols", get_settings, methods=["GET"]),
        Route(f"{PREFIX}/protocols", put_settings, methods=["PUT"]),
        Route(f"{PREFIX}/streams", get_streams, methods=["GET"]),
        Route(f"{PREFIX}/streams", close_streams, methods=["DELETE"]),
    ]
