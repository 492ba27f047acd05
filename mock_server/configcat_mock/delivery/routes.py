"""Starlette routes of flag delivery, and their control endpoints.

==========  ==================================================  ===============================
GET         /configuration-files/{sdkKey}/config_v6.json        SDK config JSON, weak ETag, 304
GET         /configuration-files/configcat-proxy/{sdkId}/...    the same by the Proxy's SDK id
GET         /api/v1/public-config                               public config (``pub_`` key)
GET/POST    /_mock/delivery/client-keys                         list / mint client keys
PATCH       /_mock/delivery/client-keys/{key}                   set ``monthlyQuota``
DELETE      /_mock/delivery/client-keys/{key}                   revoke a key
GET/PUT     /_mock/delivery/state                               ``{"clientKeys": [...]}``
GET/PUT     /_mock/delivery/settings                            ``{"ttlSeconds": 60}``
==========  ==================================================  ===============================

Answers of the two delivery endpoints are written to the mock's request journal. Like an API
request, a delivery request first applies the scheduled change requests whose time has come, so
an SDK that polls sees a scheduled change without any management request in between.

Client keys start from the ``delivery`` section of the seed the mock started with
(``{"delivery": {"clientKeys": [...]}}``) and go back to it on ``/_mock/reset`` and on a state
load; ``/_mock/delivery/state`` reads and replaces them. ``/_mock/state`` does not carry them:
the backend's dump/load has no extension point for other sections, so a full snapshot is
``GET /_mock/state`` plus ``GET /_mock/delivery/state``, and restoring it is the two PUTs in
that order (a state load puts the keys back to the seed's first).
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from configcat_mock.api.rules.change_requests import apply_due_before_read
from configcat_mock.delivery.client_keys import CLIENT_KEY_PREFIX
from configcat_mock.delivery.cors import cors_headers, preflight
from configcat_mock.delivery.etag import matches
from configcat_mock.delivery.sdk_registry import proxy_cdn_sdk_key
from configcat_mock.delivery.store import DeliveryStore, store_for
from configcat_mock.errors import StorageFailed
from configcat_mock.state.backend import Backend
from configcat_mock.state.journal import Entry, Journal

CONFIG_V6_PATH = "/configuration-files/{sdk_key:path}/config_v6.json"
PUBLIC_CONFIG_PATH = "/api/v1/public-config"
CONTROL_PATH = "/_mock/delivery"
CACHE_CONTROL = "max-age=0, must-revalidate"
UNAUTHORIZED = {"error": "Invalid or unauthorized client key"}
QUOTA_EXCEEDED = {"error": "Monthly quota exceeded"}
_ALL_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE"]
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
}


class Host(Protocol):
    """What the routes need from the mock app: its backend and its journal."""

    @property
    def backend(self) -> Backend: ...

    @property
    def journal(self) -> Journal: ...


def is_delivery_path(path: str) -> bool:
    """Whether ``path`` is one of the two delivery endpoints: for an app that dispatches API
    requests without Starlette's router, to send these through :func:`delivery_routes`."""
    return path.startswith("/configuration-files/") or path == PUBLIC_CONFIG_PATH


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    data = json.dumps(body, separators=(",", ":")).encode()
    return Response(data, status, headers, media_type="application/json")


def _not_allowed(allow: str) -> Response:
    return _json(405, {"message": "Method not allowed."}, {"Allow": allow})


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def delivery_routes(host: Host) -> list[BaseRoute]:
    """The delivery endpoints and ``/_mock/delivery`` control routes, to mount ahead of the
    app's catch-all route."""

    def store() -> DeliveryStore:
        return store_for(host.backend)

    def journal(request: Request, name: str, response: Response, started: float) -> Response:
        host.journal.add(
            Entry(
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                operation_id=name,
                username=None,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
            )
        )
        return response

    async def config_v6(request: Request) -> Response:
        started = time.perf_counter()
        if request.method == "OPTIONS":  # a CORS preflight, answered as the Proxy does
            return preflight(request, ["GET"])
        if request.method not in ("GET", "HEAD"):
            return journal(request, "getConfigV6", _not_allowed("GET, HEAD, OPTIONS"), started)
        sdk_key = request.path_params["sdk_key"]
        with host.backend.lock:
            apply_due_before_read(host.backend)
            sdk_key = proxy_cdn_sdk_key(host.backend, sdk_key)
            served = store().config_v6(sdk_key, _base_url(request))
        if served is None:
            body = {"message": "The SDK key was not found."}
            return journal(request, "getConfigV6", _json(404, body, cors_headers(request)), started)
        headers = {"ETag": served.etag, "Cache-Control": CACHE_CONTROL, **cors_headers(request)}
        if matches(served.etag, request.headers.get("if-none-match")) or matches(
            served.etag, request.query_params.get("ccetag")
        ):
            return journal(request, "getConfigV6", Response(None, 304, headers), started)
        response = Response(served.body, 200, headers, media_type="application/json")
        return journal(request, "getConfigV6", response, started)

    async def public_config(request: Request) -> Response:
        started = time.perf_counter()
        if request.method == "OPTIONS":
            allow = {
                **_CORS,
                "Access-Control-Allow-Methods": "GET, OPTIONS",
                "Access-Control-Allow-Headers": "Authorization, If-None-Match",
                "Access-Control-Max-Age": "600",
            }
            return Response(None, 204, allow)
        if request.method not in ("GET", "HEAD"):
            response = _not_allowed("GET, HEAD, OPTIONS")
            return journal(request, "getPublicConfig", response, started)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        with host.backend.lock:
            apply_due_before_read(host.backend)
            delivery_store = store()
            delivery_store.sync()
            key = delivery_store.client_keys.get(token) if scheme.lower() == "bearer" else None
            if key is None or not token.startswith(CLIENT_KEY_PREFIX):
                return journal(request, "getPublicConfig", _json(401, UNAUTHORIZED, _CORS), started)
            if not delivery_store.client_keys.charge(key):
                response = _json(429, QUOTA_EXCEEDED, _CORS)
                return journal(request, "getPublicConfig", response, started)
            built = delivery_store.public_config(key.config_id, key.environment_id)
        if built is None:  # the config or environment was deleted: the key is dead
            return journal(request, "getPublicConfig", _json(401, UNAUTHORIZED, _CORS), started)
        served = built.public
        headers = {"ETag": served.etag, "Cache-Control": CACHE_CONTROL, **_CORS}
        if matches(served.etag, request.headers.get("if-none-match")):
            return journal(request, "getPublicConfig", Response(None, 304, headers), started)
        response = Response(served.body, 200, headers, media_type="application/json")
        return journal(request, "getPublicConfig", response, started)

    return [
        # every method matches here, so others get 405 rather than the API's catch-all 404
        Route(CONFIG_V6_PATH, config_v6, methods=_ALL_METHODS),
        Route(PUBLIC_CONFIG_PATH, public_config, methods=_ALL_METHODS),
        Mount(CONTROL_PATH, routes=control_routes(host)),
    ]


def control_routes(host: Host) -> list[Route]:
    """``/_mock/delivery``: client keys, their quotas, and the public document's TTL."""

    def store() -> DeliveryStore:
        delivery_store = store_for(host.backend)
        delivery_store.sync()
        return delivery_store

    async def read_json(request: Request) -> Any:
        try:
            return json.loads(await request.body() or b"null")
        except ValueError:
            return None

    def bad(field: str, message: str) -> Response:
        return _json(400, {field: [message]})

    def key_json(delivery_store: DeliveryStore, key: Any) -> dict[str, Any]:
        return {**key.to_json(), "usedThisMonth": delivery_store.client_keys.used(key.key)}

    def key_body_error(body: Any) -> Response | None:
        """400 unless the body is an object whose ``monthlyQuota`` is null or a count."""
        if not isinstance(body, dict):
            return bad("body", "A JSON object is required.")
        quota = body.get("monthlyQuota")
        number = isinstance(quota, int) and not isinstance(quota, bool)
        if not (quota is None or (number and quota >= 0)):
            return bad("monthlyQuota", "A non-negative integer or null is required.")
        return None

    async def list_keys(request: Request) -> Response:
        with host.backend.lock:
            delivery_store = store()
            return _json(
                200, [key_json(delivery_store, k) for k in delivery_store.client_keys.keys.values()]
            )

    async def mint_key(request: Request) -> Response:
        body = await read_json(request)
        if (error := key_body_error(body)) is not None:
            return error
        quota: int | None = body.get("monthlyQuota")
        with host.backend.lock:
            delivery_store = store()
            config_id, env_id = body.get("configId"), body.get("environmentId")
            if isinstance(body.get("sdkKey"), str):
                found = delivery_store.locate_sdk_key(body["sdkKey"])
                if found is None:
                    return bad("sdkKey", "Unknown SDK key.")
                config_id, env_id = found
            config = host.backend.configs.get(config_id)
            env = host.backend.environments.get(env_id)
            if config is None or env is None or env.product_id != config.product_id:
                return bad("configId", "An existing config and an environment of its product.")
            key = delivery_store.client_keys.mint(config.config_id, env.environment_id, quota)
            if (refused := _stored(delivery_store)) is not None:
                return refused
            return _json(201, key_json(delivery_store, key))

    async def patch_key(request: Request) -> Response:
        body = await read_json(request)
        if (error := key_body_error(body)) is not None:
            return error
        quota: int | None = body.get("monthlyQuota")
        with host.backend.lock:
            delivery_store = store()
            key = delivery_store.client_keys.get(request.path_params["key"])
            if key is None:
                return _json(404, {"message": "The client key was not found."})
            key.monthly_quota = quota
            if (refused := _stored(delivery_store)) is not None:
                return refused
            return _json(200, key_json(delivery_store, key))

    async def delete_key(request: Request) -> Response:
        with host.backend.lock:
            if not store().client_keys.revoke(request.path_params["key"]):
                return _json(404, {"message": "The client key was not found."})
            if (refused := _stored(store())) is not None:
                return refused
        return Response(None, 204)

    async def get_state(request: Request) -> Response:
        with host.backend.lock:
            return _json(200, store().client_keys.dump())

    async def put_state(request: Request) -> Response:
        body = await read_json(request)
        with host.backend.lock:
            try:
                store().client_keys.load(body)
            except ValueError as exc:
                return bad("clientKeys", str(exc))
            if (refused := _stored(store())) is not None:
                return refused
        return Response(None, 204)

    async def get_settings(request: Request) -> Response:
        return _json(200, {"ttlSeconds": store_for(host.backend).ttl_seconds})

    async def put_settings(request: Request) -> Response:
        body = await read_json(request)
        ttl = body.get("ttlSeconds") if isinstance(body, dict) else None
        if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0:
            return bad("ttlSeconds", "A non-negative integer is required.")
        with host.backend.lock:
            delivery_store = store()
            delivery_store.ttl_seconds = ttl
            delivery_store.invalidate()
        return _json(200, {"ttlSeconds": ttl})

    return [
        Route("/client-keys", list_keys, methods=["GET"]),
        Route("/client-keys", mint_key, methods=["POST"]),
        Route("/client-keys/{key}", patch_key, methods=["PATCH"]),
        Route("/client-keys/{key}", delete_key, methods=["DELETE"]),
        Route("/state", get_state, methods=["GET"]),
        Route("/state", put_state, methods=["PUT", "POST"]),
        Route("/settings", get_settings, methods=["GET"]),
        Route("/settings", put_settings, methods=["PUT"]),
    ]


def _stored(delivery_store: DeliveryStore) -> Response | None:
    """Store the client keys; ``None``, or the 507/503 answer when the state file refuses them
    (the keys are then back to the last ones stored)."""
    try:
        delivery_store.save()
    except StorageFailed as exc:
        return _json(exc.status, exc.body)
    return None
