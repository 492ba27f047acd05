"""The control API under ``/_mock``: reset, load and dump state, faults, rate limits, journal.

=======  ====================  ===================================================
GET      /_mock/health         operations served, handlers missing
POST     /_mock/reset          back to the start state; clears rate windows, journal;
                               faults start again from their seed
GET      /_mock/state          the whole state as JSON (a seed file)
PUT      /_mock/state          load a state (same shape)
POST     /_mock/seed           load a state and make it the one reset goes back to
GET/PUT  /_mock/faults         ``{"seed": 1, "rules": [{"route": "*", "rate_503": 0.1}]}``
GET/PUT  /_mock/rate-limits    ``{"per_second": 20, "per_minute": 500, "enabled": true}``
GET      /_mock/journal        the requests answered, oldest first; DELETE clears it
GET      /_mock/webhook-deliveries  the webhook calls made (or refused), oldest first,
                               each with its attempts; ``?wait=SECONDS`` first waits until
                               none is queued or being sent; DELETE clears the record
=======  ====================  ===================================================

Without a control token it takes no credentials and answers on loopback only; with one
(``configcat-mock serve --control-token``, ``MockConfigCat(control_token=...)``) every call
needs ``Authorization: Bearer <token>``: see :mod:`configcat_mock.http.guards`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import attrs
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from configcat_mock.api.spec import Spec
from configcat_mock.api.validation import parse_json
from configcat_mock.errors import BadRequest, MockHTTPError
from configcat_mock.http.faults import FaultInjector
from configcat_mock.http.ratelimit import RateLimiter, RateLimits
from configcat_mock.http.responses import json_response
from configcat_mock.http.state_load import load_state, seed_state
from configcat_mock.http.webhook_sender import WebhookSender
from configcat_mock.state.backend import Backend
from configcat_mock.state.journal import Journal


class ControlHost(Protocol):
    """What the control API reads and resets: the parts of :class:`~configcat_mock.http.app.
    MockApp` it needs, named here so that this module does not import the app."""

    spec: Spec
    backend: Backend
    limiter: RateLimiter
    journal: Journal
    faults: FaultInjector
    webhooks: WebhookSender
    unimplemented: list[str]
    internal_errors: list[str]


#: A control endpoint: what the host and the request give -> the JSON answer (``None``: 204).
Answer = Callable[[ControlHost, Request], Awaitable[Any]]


async def _body(request: Request) -> Any:
    return parse_json(await request.body())


async def health(host: ControlHost, request: Request) -> Any:
    return {
        "status": "ok",
        "spec": host.spec.source,
        "operations": len(host.spec.operations),
        "unimplemented": host.unimplemented,
    }


async def reset(host: ControlHost, request: Request) -> Any:
    host.backend.reset()
    host.limiter.reset()
    host.journal.clear()
    host.faults.restart()
    host.webhooks.clear()
    return None


async def get_state(host: ControlHost, request: Request) -> Any:
    return host.backend.dump()


async def put_state(host: ControlHost, request: Request) -> Any:
    await load_state(host.backend, await request.body())
    host.limiter.reset()
    return None


async def put_seed(host: ControlHost, request: Request) -> Any:
    await seed_state(host.backend, await request.body())
    host.limiter.reset()
    return None


async def get_faults(host: ControlHost, request: Request) -> Any:
    return host.faults.to_json()


async def put_faults(host: ControlHost, request: Request) -> Any:
    host.faults.configure_json(await _body(request))
    return host.faults.to_json()


async def get_limits(host: ControlHost, request: Request) -> Any:
    return attrs.asdict(host.limiter.limits)


async def put_limits(host: ControlHost, request: Request) -> Any:
    data = await _body(request)
    try:
        limits = RateLimits(**data)
        ok = (
            type(limits.per_second) is int
            and type(limits.per_minute) is int
            and isinstance(limits.enabled, bool)
        )
        if not ok or limits.per_second < 1 or limits.per_minute < 1:
            raise ValueError("limits must be positive integers, enabled a boolean")
    except (TypeError, ValueError) as exc:
        raise BadRequest("rateLimits", str(exc)) from None
    host.limiter.limits = limits
    host.limiter.reset()
    return attrs.asdict(limits)


async def get_journal(host: ControlHost, request: Request) -> Any:
    return host.journal.to_json()


async def clear_journal(host: ControlHost, request: Request) -> Any:
    host.journal.clear()
    return None


async def get_deliveries(host: ControlHost, request: Request) -> Any:
    wait = request.query_params.get("wait")
    if wait is not None:
        try:
            seconds = float(wait)
            if not 0 <= seconds <= 60:
                raise ValueError
        except ValueError:
            raise BadRequest("wait", "Seconds to wait, 0 to 60.") from None
        await asyncio.to_thread(host.webhooks.wait, seconds)
    return host.webhooks.deliveries()


async def clear_deliveries(host: ControlHost, request: Request) -> Any:
    host.webhooks.clear()
    return None


#: The control API: path under ``/_mock``, the methods it takes, what answers.
ROUTES: tuple[tuple[str, tuple[str, ...], Answer], ...] = (
    ("/health", ("GET",), health),
    ("/reset", ("POST",), reset),
    ("/state", ("GET",), get_state),
    ("/state", ("PUT", "POST"), put_state),
    ("/seed", ("POST", "PUT"), put_seed),
    ("/faults", ("GET",), get_faults),
    ("/faults", ("PUT", "POST"), put_faults),
    ("/rate-limits", ("GET",), get_limits),
    ("/rate-limits", ("PUT", "POST"), put_limits),
    ("/journal", ("GET",), get_journal),
    ("/journal", ("DELETE",), clear_journal),
    ("/webhook-deliveries", ("GET",), get_deliveries),
    ("/webhook-deliveries", ("DELETE",), clear_deliveries),
)


def _endpoint(host: ControlHost, answer: Answer) -> Callable[[Request], Awaitable[Response]]:
    """``answer`` as a Starlette endpoint: a handler's error becomes its answer, anything else
    a 400 noted in ``host.internal_errors`` (never a 500, as on the API routes)."""

    async def endpoint(request: Request) -> Response:
        try:
            result = await answer(host, request)
        except MockHTTPError as exc:
            return json_response(exc.status, exc.body, exc.headers)
        except Exception as exc:
            host.internal_errors.append(f"{request.method} {request.url.path}: {exc!r}")
            return json_response(400, {"request": ["The request could not be processed."]})
        return json_response(200, result) if result is not None else Response(status_code=204)

    return endpoint


def control_routes(host: ControlHost) -> list[Route]:
    return [
        Route(path, _endpoint(host, answer), methods=list(methods))
        for path, methods, answer in ROUTES
    ]
