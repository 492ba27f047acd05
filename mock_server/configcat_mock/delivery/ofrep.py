"""OpenFeature Remote Evaluation Protocol (OFREP 0.3.0): single and bulk evaluation.

==========  ===================================  ===============================================
POST        /ofrep/v1/evaluate/flags/{key}       one flag: ``{key, value, reason, variant}``
POST        /ofrep/v1/evaluate/flags             every flag, ``ETag``, ``304`` on a match
GET         /ofrep/v1/event-stream/{sdkId}       SSE ``refetchEvaluation`` events (ADR-0008)
==========  ===================================  ===============================================

The SDK is chosen as the ConfigCat Proxy's OFREP endpoint chooses it (``X-ConfigCat-SdkId`` or
``X-ConfigCat-SdkKey``) or by the protocol's own credentials: ``X-API-Key`` or ``Authorization:
Bearer``, holding an SDK key or an SDK id. The context becomes a ConfigCat user
(:func:`~configcat_mock.delivery.evaluation.user_from_context`); the variant is the variation
id. Where the Proxy departs from the specification, the specification wins:

* reason ``STATIC`` where the Proxy answers ``DEFAULT`` (not in the spec's enum), and ``SPLIT``
  for a percentage option (the Proxy says ``TARGETING_MATCH``);
* no credentials, or an SDK nobody knows: ``401`` (the Proxy answers ``400``);
* a body that is not JSON, or whose ``context`` is not an object: ``400 PARSE_ERROR`` (the
  Proxy: ``INVALID_CONTEXT``); an attribute of a type ConfigCat cannot compare (not text, a
  number or a list of texts): ``400 INVALID_CONTEXT``;
* a flag with targeting rules or percentage options, evaluated for a context without
  ``targetingKey``: ``400 TARGETING_KEY_MISSING`` (in a bulk answer, that flag's entry); flags
  without targeting do not read the context and evaluate;
* the bulk ``ETag`` names the config's version and the context, so an unchanged config and
  context give ``304``; ``flagConfigEtag`` and ``flagConfigLastModified`` are accepted and not
  needed (every answer is computed from the current state).
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from configcat_mock.api.rules.change_requests import apply_due_before_read
from configcat_mock.delivery.cors import cors_headers, preflight
from configcat_mock.delivery.etag import matches
from configcat_mock.delivery.evaluation import Evaluation, InvalidUser, user_from_context
from configcat_mock.delivery.protocol_http import (
    Host,
    dumps,
    fault_answer,
    json_response,
    record,
)
from configcat_mock.delivery.sdk_registry import (
    DEFAULT_INACTIVITY_DELAY,
    Target,
    evaluators_for,
    find_by_id,
    find_by_key,
    settings_for,
)
from configcat_mock.delivery.store import store_for

PREFIX = "/ofrep/v1"
SDK_ID_HEADER = "X-ConfigCat-SdkId"
SDK_KEY_HEADER = "X-ConfigCat-SdkKey"
API_KEY_HEADER = "X-API-Key"
#: Request headers a browser provider may send besides the Proxy's defaults.
REQUEST_HEADERS = (SDK_ID_HEADER, SDK_KEY_HEADER, API_KEY_HEADER, "Authorization")


class OfrepError(Exception):
    def __init__(self, status: int, code: str | None, details: str) -> None:
        super().__init__(details)
        self.status, self.code, self.details = status, code, details

    def body(self, key: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {} if key is None else {"key": key}
        if self.code is not None:
            out["errorCode"] = self.code
        out["errorDetails"] = self.details
        return out


def select_sdk(host: Host, request: Request) -> Target:
    """The SDK a request names (lock held); :class:`OfrepError` 401 when none or unknown."""
    headers = request.headers
    backend = host.backend
    sdk_id = headers.get(SDK_ID_HEADER)
    if sdk_id:
        found = find_by_id(backend, sdk_id)
    elif sdk_key := headers.get(SDK_KEY_HEADER):
        found = find_by_key(backend, sdk_key)
    else:
        scheme, _, bearer = headers.get("authorization", "").partition(" ")
        token = headers.get(API_KEY_HEADER) or (
            bearer.strip() if scheme.lower() == "bearer" else ""
        )
        if not token:
            raise OfrepError(
                401,
                None,
                f"either the '{SDK_ID_HEADER}', '{SDK_KEY_HEADER}' or '{API_KEY_HEADER}' header "
                "or a Bearer token must be set",
            )
        found = find_by_key(backend, token) or find_by_id(backend, token)
    if found is None:
        raise OfrepError(401, None, "could not identify a configured SDK")
    return found


def parse_context(raw: bytes) -> dict[str, Any]:
    """The request's ``context`` (empty when there is no body)."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise OfrepError(400, "PARSE_ERROR", f"failed to parse JSON body: {exc}") from None
    if not isinstance(body, dict):
        raise OfrepError(400, "PARSE_ERROR", "the body must be a JSON object")
    context = body.get("context", {})
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise OfrepError(400, "PARSE_ERROR", "'context' must be a JSON object")
    key = context.get("targetingKey")
    if key is not None and not isinstance(key, str):
        raise OfrepError(400, "INVALID_CONTEXT", "'targetingKey' must be a string")
    return context


def _has_targeting_key(context: dict[str, Any]) -> bool:
    key = context.get("targetingKey", context.get("Identifier"))
    return isinstance(key, str) and key != ""


def success(evaluation: Evaluation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": evaluation.key,
        "value": evaluation.value,
        "reason": evaluation.reason,
    }
    if evaluation.variation_id is not None:
        out["variant"] = evaluation.variation_id
    return out


def _failure(evaluation: Evaluation, has_key: bool) -> OfrepError | None:
    if evaluation.has_targeting and not has_key:
        return OfrepError(
            400,
            "TARGETING_KEY_MISSING",
            f"flag '{evaluation.key}' has targeting rules or percentage options and the "
            "context has no 'targetingKey'",
        )
    if evaluation.error is not None:
        return OfrepError(400, "GENERAL", evaluation.error)
    return None


def bulk_etag(target: Target, version: int, context: dict[str, Any], streams: bool) -> str:
    """Names the config's built version, the context and whether streams are offered."""
    canonical = json.dumps(
        [target.slot, version, context, streams], sort_keys=True, separators=(",", ":")
    )
    return f'"{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"'


def event_stream_url(request: Request, target: Target) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}/event-stream/{target.sdk_id}"


def ofrep_routes(host: Host) -> list[BaseRoute]:
    def prepare() -> None:
        apply_due_before_read(host.backend)

    async def evaluate_flag(request: Request) -> Response:
        """OFREP: one flag for a context, ``{key, value, reason, variant}``."""
        started = time.perf_counter()
        name = "ofrep-evaluate-flag"
        cors = cors_headers(request)
        if request.method == "OPTIONS":
            return preflight(request, ["POST"], REQUEST_HEADERS)
        key = request.path_params["key"]
        faulted = await fault_answer(host, request, name, cors)
        if faulted is not None:
            return record(host, request, name, faulted, started)
        raw = await request.body()
        try:
            context = parse_context(raw)
            with host.backend.lock:
                prepare()
                target = select_sdk(host, request)
                store = store_for(host.backend)
                _, evaluator = evaluators_for(host.backend).get(store, target.slot)
                try:
                    user = user_from_context(context)
                except InvalidUser as exc:
                    raise OfrepError(400, "INVALID_CONTEXT", str(exc)) from None
                evaluation = evaluator.evaluate(key, user)
            if evaluation is None:
                raise OfrepError(404, "FLAG_NOT_FOUND", f"flag '{key}' was not found")
            failure = _failure(evaluation, _has_targeting_key(context))
            if failure is not None:
                raise failure
            response = json_response(200, success(evaluation), cors)
        except OfrepError as exc:
            body = exc.body(None if exc.status == 401 else key)
            response = json_response(exc.status, body, cors)
        except LookupError:  # the config or environment went away under the key
            response = json_response(401, {"errorDetails": "the SDK key is gone"}, cors)
        return record(host, request, name, response, started)

    async def evaluate_flags(request: Request) -> Response:
        """OFREP: every flag for a context, with an ``ETag`` (``304`` while unchanged)."""
        started = time.perf_counter()
        name = "ofrep-evaluate-flags"
        cors = cors_headers(request)
        if request.method == "OPTIONS":
            return preflight(request, ["POST"], REQUEST_HEADERS)
        faulted = await fault_answer(host, request, name, cors)
        if faulted is not None:
            return record(host, request, name, faulted, started)
        raw = await request.body()
        try:
            context = parse_context(raw)
            try:
                user = user_from_context(context)
            except InvalidUser as exc:
                raise OfrepError(400, "INVALID_CONTEXT", str(exc)) from None
            settings = settings_for(host.backend)
            with host.backend.lock:
                prepare()
                target = select_sdk(host, request)
                store = store_for(host.backend)
                evaluators = evaluators_for(host.backend)
                built, evaluator = evaluators.get(store, target.slot)
                streams = settings.ofrep_event_streams
                etag = bulk_etag(target, built.version, context, streams)
                headers = {**cors, "ETag": etag}
                if matches(etag, request.headers.get("if-none-match")):
                    return record(host, request, name, Response(None, 304, headers), started)
                stream_url = event_stream_url(request, target) if streams else None

                def compute() -> bytes:
                    has_key = _has_targeting_key(context)
                    flags = []
                    for evaluation in evaluator.evaluate_all(user):
                        failure = _failure(evaluation, has_key)
                        flags.append(
                            success(evaluation) if failure is None else failure.body(evaluation.key)
                        )
                    body: dict[str, Any] = {"flags": flags}
                    if stream_url is not None:
                        body["eventStreams"] = [
                            {
                                "type": "sse",
                                "url": stream_url,
                                "inactivityDelaySec": DEFAULT_INACTIVITY_DELAY,
                            }
                        ]
                    return dumps(body)

                # the ETag names the config's version, the context and the streams setting
                answer = evaluators.answer(("ofrep-bulk", etag, stream_url), compute)
            response = Response(answer, 200, headers, media_type="application/json")
        except OfrepError as exc:
            response = json_response(exc.status, exc.body(None), cors)
        except LookupError:
            response = json_response(401, {"errorDetails": "the SDK key is gone"}, cors)
        return record(host, request, name, response, started)

    methods = ["POST", "OPTIONS"]
    return [
        Route(f"{PREFIX}/evaluate/flags/{{key:path}}", evaluate_flag, methods=methods),
        Route(f"{PREFIX}/evaluate/flags", evaluate_flags, methods=methods),
    ]
