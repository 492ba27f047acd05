"""``GET /v1/proxy/config/{profileKey}``: what a ConfigCat Proxy in auto-configuration mode polls.

The Proxy (``sdk/sdk_auto_registrar.go``) calls this with ``Authorization: Bearer <secret>`` and
the ``If-None-Match`` of its last answer, and reads ``{"SDKs": {sdkId: {"Key1", "Key2"}},
"Options": {"PollInterval", "DataGovernance"}}``. The fake builds it from the proxy profiles the
management API keeps: the profile key is the profile's id, the secret the one
``generate-proxy-profile-secret`` hands out, the SDKs the profile's selection (its rules, then
the explicit selections), each under the id the fake's own Proxy routes answer to (the SDK key's
last segment), ``PollInterval`` the profile's ``sdkPollInterval``. The ``ETag`` is the body's
hash, so ``304`` until the profile or what it selects changes. A wrong secret, no secret or an
unknown profile are all ``401`` (the answer does not say which profiles exist).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from configcat_mock.api.rules.proxy_profiles import selected_sdk_keys
from configcat_mock.delivery.etag import matches
from configcat_mock.delivery.protocol_http import Host, dumps, fault_answer, record
from configcat_mock.delivery.sdk_registry import implicit_sdk_id
from configcat_mock.errors import StorageFailed

PATH = "/v1/proxy/config/{profile_key}"
DATA_GOVERNANCE = "global"


def profile_config(items: list[dict[str, Any]], poll_interval: int) -> dict[str, Any]:
    sdks: dict[str, dict[str, str]] = {}
    for item in items:
        keys = {"Key1": item["primarySdkKey"]}
        if item.get("secondarySdkKey"):
            keys["Key2"] = item["secondarySdkKey"]
        sdks[implicit_sdk_id(item["primarySdkKey"])] = keys
    return {
        "SDKs": sdks,
        "Options": {"PollInterval": poll_interval, "DataGovernance": DATA_GOVERNANCE},
    }


def proxy_profile_routes(host: Host) -> list[BaseRoute]:
    async def config(request: Request) -> Response:
        """A proxy profile as a ConfigCat Proxy in auto-configuration reads it: Bearer secret,
        ``ETag`` and ``304``."""
        started = time.perf_counter()
        name = "proxy-profile-config"
        faulted = await fault_answer(host, request, name, {})
        if faulted is not None:
            return record(host, request, name, faulted, started)
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        backend = host.backend
        try:  # the SDK keys a profile selects are made on first read, so it may write
            with backend.lock, backend.tracked():
                profile = backend.proxy_profiles.get(request.path_params["profile_key"])
                allowed = (
                    profile is not None
                    and scheme.lower() == "bearer"
                    and bool(profile.secret)
                    and hmac.compare_digest(secret.strip().encode(), profile.secret.encode())
                )
                if not allowed or profile is None:
                    body = dumps({"message": "Unauthorized."})
                    answer = Response(body, 401, media_type="application/json")
                    return record(host, request, name, answer, started)
                poll = int(profile.connection_preferences.get("sdkPollInterval") or 60)
                document = profile_config(selected_sdk_keys(backend, profile), poll)
        except StorageFailed as exc:
            answer = Response(dumps(exc.body), exc.status, media_type="application/json")
            return record(host, request, name, answer, started)
        body = dumps(document)
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": "max-age=0, must-revalidate"}
        if matches(etag, request.headers.get("if-none-match")):
            return record(host, request, name, Response(None, 304, headers), started)
        answer = Response(body, 200, headers, media_type="application/json")
        return record(host, request, name, answer, started)

    return [Route(PATH, config, methods=["GET"])]
