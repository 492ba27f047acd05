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
needs ``Authorization: Bearer <token>``: see :mod:`configcat_mock.guards`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import attrs
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from configcat_mock.errors import BadRequest, MockHTTPError
from configcat_mock.ratelimit import RateLimits
from configcat_mock.validation import parse_json

if TYPE_CHECKING:
    from configcat_mock.app import MockApp


def control_routes(app: MockApp) -> list[Route]:
    from configcat_mock.app import json_response

    def guarded(
        fn: Callable[[Request], Awaitable[Any]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                result = await fn(request)
            except MockHTTPError as exc:
                return json_response(exc.status, exc.body, exc.headers)
            except Exception as exc:  # never a 500, as on the API routes
                app.internal_errors.append(f"{request.method} {request.url.path}: {exc!r}")
                return json_response(400, {"request": ["The request could not be processed."]})
            return json_response(200, result) if result is not None else Response(status_code=204)

        return endpoint

    async def body(request: Request) -> Any:
        return parse_json(await request.body())

    async def health(request: Request) -> Any:
        return {
            "status": "ok",
            "spec": app.spec.source,
            "operations": len(app.spec.operations),
            "unimplemented": app.unimplemented,
        }

    async def reset(request: Request) -> Any:
        reset_mock(app)
        return None

    async def get_state(request: Request) -> Any:
        return app.backend.dump()

    async def put_state(request: Request) -> Any:
        app.backend.load(await body(request))
        app.limiter.reset()
        return None

    async def put_seed(request: Request) -> Any:
        app.backend.reseed(await body(request))
        app.limiter.reset()
        return None

    async def get_faults(request: Request) -> Any:
        return app.faults.to_json()

    async def put_faults(request: Request) -> Any:
        app.faults.configure_json(await body(request))
        return app.faults.to_json()

    async def get_limits(request: Request) -> Any:
        return attrs.asdict(app.limiter.limits)

    async def put_limits(request: Request) -> Any:
        data = await body(request)
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
        app.limiter.limits = limits
        app.limiter.reset()
        return attrs.asdict(limits)

    async def get_journal(request: Request) -> Any:
        return app.journal.to_json()

    async def clear_journal(request: Request) -> Any:
        app.journal.clear()
        return None

    async def get_deliveries(request: Request) -> Any:
        wait = request.query_params.get("wait")
        if wait is not None:
            try:
                seconds = float(wait)
                if not 0 <= seconds <= 60:
                    raise ValueError
            except ValueError:
                raise BadRequest("wait", "Seconds to wait, 0 to 60.") from None
            await asyncio.to_thread(app.webhooks.wait, seconds)
        return app.webhooks.deliveries()

    async def clear_deliveries(request: Request) -> Any:
        app.webhooks.clear()
        return None

    return [
        Route("/health", guarded(health), methods=["GET"]),
        Route("/reset", guarded(reset), methods=["POST"]),
        Route("/state", guarded(get_state), methods=["GET"]),
        Route("/state", guarded(put_state), methods=["PUT", "POST"]),
        Route("/seed", guarded(put_seed), methods=["POST", "PUT"]),
        Route("/faults", guarded(get_faults), methods=["GET"]),
        Route("/faults", guarded(put_faults), methods=["PUT", "POST"]),
        Route("/rate-limits", guarded(get_limits), methods=["GET"]),
        Route("/rate-limits", guarded(put_limits), methods=["PUT", "POST"]),
        Route("/journal", guarded(get_journal), methods=["GET"]),
        Route("/journal", guarded(clear_journal), methods=["DELETE"]),
        Route("/webhook-deliveries", guarded(get_deliveries), methods=["GET"]),
        Route("/webhook-deliveries", guarded(clear_deliveries), methods=["DELETE"]),
    ]


def reset_mock(app: MockApp) -> None:
    """Back to the start state: the state, rate windows, journal, webhook record, and the
    faults' sequences (``POST /_mock/reset``, the dashboard's reset)."""
    app.backend.reset()
    app.limiter.reset()
    app.journal.clear()
    app.faults.restart()
    app.webhooks.clear()


def load_json_file(path: str) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
