"""The ConfigCat Proxy's evaluation API, at the Proxy's own paths.

==========  =================================  ===============================================
POST        /api/{sdkId}/eval                  ``{key, user}`` -> ``{value, variationId}``
POST        /api/{sdkId}/eval-all              ``{user}`` -> ``{key: {value, variationId}}``
GET         /api/{sdkId}/keys                  ``{"keys": [...]}``
POST        /api/{sdkId}/refresh               ``200``, empty (the fake is always current)
==========  =================================  ===============================================

Each also without ``{sdkId}`` (``/api/eval``, ...), naming the SDK by ``X-ConfigCat-SdkKey``.
Errors are the Proxy's: plain text, ``400`` for a body that is not JSON, a user attribute of a
type other than text, number or list of texts, a flag that does not exist, or neither an SDK id
nor the header; ``404`` for an SDK nobody knows. ``user`` holds attributes by their ConfigCat
names (``Identifier``, ``Email``, ``Country``, custom ones), as the Proxy passes them to its SDK.
CORS as the Proxy sends it (:mod:`.cors`); ``OPTIONS`` is answered ``204``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from configcat_mock.api.rules.change_requests import apply_due_before_read
from configcat_mock.delivery.cors import cors_headers, preflight
from configcat_mock.delivery.evaluation import (
    Evaluation,
    InvalidUser,
    UserAttributes,
    user_from_attributes,
)
from configcat_mock.delivery.protocol_http import (
    Host,
    dumps,
    fault_answer,
    json_response,
    record,
    text_response,
)
from configcat_mock.delivery.sdk_registry import Target, evaluators_for, find_by_id, find_by_key
from configcat_mock.delivery.store import store_for

SDK_KEY_HEADER = "X-ConfigCat-SdkKey"


class ProxyError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def payload(evaluation: Evaluation) -> dict[str, Any]:
    return {"value": evaluation.value, "variationId": evaluation.variation_id or ""}


def parse_request(raw: bytes) -> tuple[str, UserAttributes | None, dict[str, Any]]:
    """``(key, user, body)`` of an ``/api`` or ``/sse`` request body."""
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ProxyError(400, f"failed to parse JSON body: {exc}") from None
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ProxyError(400, "failed to parse JSON body: an object is required")
    key = body.get("key") or ""
    attributes = body.get("user") or {}
    if not isinstance(key, str) or not isinstance(attributes, dict):
        raise ProxyError(400, "failed to parse JSON body: 'key' is a string, 'user' an object")
    try:
        user = user_from_attributes(attributes)
    except InvalidUser as exc:
        raise ProxyError(400, f"failed to parse JSON body: {exc}") from None
    return key, user, body


def find_target(host: Host, sdk_id: str | None, sdk_key: str | None) -> Target:
    """The SDK of a request (lock held), as the Proxy finds it."""
    if sdk_id:
        found = find_by_id(host.backend, sdk_id)
    elif sdk_key:
        found = find_by_key(host.backend, sdk_key)
    else:
        raise ProxyError(
            400, f"either the 'sdkId' path variable or '{SDK_KEY_HEADER}' header must be set"
        )
    if found is None:
        raise ProxyError(404, "could not identify a configured SDK")
    return found


def not_found(key: str) -> ProxyError:
    return ProxyError(400, f"feature flag or setting with key '{key}' not found")


def proxy_routes(host: Host) -> list[BaseRoute]:
    def apply_scheduled() -> None:
        apply_due_before_read(host.backend)

    def handler(name: str, method: str, answer: Any, doc: str) -> Any:
        async def endpoint(request: Request) -> Response:
            started = time.perf_counter()
            if request.method == "OPTIONS":
                return preflight(request, [method])
            cors = cors_headers(request)
            faulted = await fault_answer(host, request, name, cors)
            if faulted is not None:
                return record(host, request, name, faulted, started)
            raw = await request.body() if method == "POST" else b""
            try:
                parsed = parse_request(raw) if name in ("proxy-eval", "proxy-eval-all") else None
                with host.backend.lock:
                    apply_scheduled()
                    target = find_target(
                        host,
                        request.path_params.get("sdk_id"),
                        request.headers.get(SDK_KEY_HEADER),
                    )
                    store = store_for(host.backend)
                    try:
                        _, evaluator = evaluators_for(host.backend).get(store, target.slot)
                    except LookupError:
                        raise ProxyError(404, "could not identify a configured SDK") from None
                    response: Response = answer(evaluator, parsed, cors)
            except ProxyError as exc:
                response = text_response(exc.status, str(exc), cors)
            return record(host, request, name, response, started)

        endpoint.__doc__ = doc
        return endpoint

    def evaluate(evaluator: Any, parsed: Any, cors: dict[str, str]) -> Response:
        key, user, _ = parsed
        evaluation = evaluator.evaluate(key, user)
        if evaluation is None:
            raise not_found(key)
        if evaluation.error is not None:
            return text_response(500, "the request failed; please check the logs for more details")
        return json_response(200, payload(evaluation), cors)

    def evaluate_all(evaluator: Any, parsed: Any, cors: dict[str, str]) -> Response:
        _, user, _ = parsed
        values = {e.key: payload(e) for e in evaluator.evaluate_all(user)}
        return Response(dumps(dict(sorted(values.items()))), 200, cors, "application/json")

    def keys(evaluator: Any, parsed: Any, cors: dict[str, str]) -> Response:
        return json_response(200, {"keys": evaluator.keys()}, cors)

    def refresh(evaluator: Any, parsed: Any, cors: dict[str, str]) -> Response:
        return Response(None, 200, cors)

    async def coffee(request: Request) -> Response:
        """The Proxy's teapot: ``418``."""
        return Response(None, 418)

    by = "by the SDK id in the path, or by ``X-ConfigCat-SdkKey`` without one"
    endpoints = [
        (
            "eval",
            "proxy-eval",
            "POST",
            evaluate,
            f"The Proxy: one flag, ``{{value, variationId}}``, {by}.",
        ),
        ("eval-all", "proxy-eval-all", "POST", evaluate_all, f"The Proxy: every flag, {by}."),
        ("keys", "proxy-keys", "GET", keys, f"The Proxy: the flags' keys, {by}."),
        (
            "refresh",
            "proxy-refresh",
            "POST",
            refresh,
            f"The Proxy: ``200`` (the fake is always current), {by}.",
        ),
    ]
    routes: list[BaseRoute] = [Route("/api/icanhascoffee", coffee, methods=["GET"])]
    for path, name, method, answer, doc in endpoints:
        endpoint = handler(name, method, answer, doc)
        routes.append(Route(f"/api/{path}", endpoint, methods=[method, "OPTIONS"]))
        routes.append(Route(f"/api/{{sdk_id}}/{path}", endpoint, methods=[method, "OPTIONS"]))
    return routes
