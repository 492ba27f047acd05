"""The ASGI application: one Starlette app for in-process transports, fixtures and the server.

Each API request goes: route match (404/405) -> Basic auth (401) -> rate limit (429) ->
injected fault -> parameter and body validation (400) -> permission group (403, when
enforced) -> handler -> after-commit fault -> response shaping. Ahead of all that,
:mod:`configcat_mock.http.guards` applies the body limits and, under :data:`CONTROL_PREFIX`, the
control token (no credentials without one, on loopback only).

No input may produce a 500: an exception a handler did not expect is answered 400 and kept in
:attr:`MockApp.internal_errors`, so tests can assert there were none.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import time
import traceback
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from configcat_mock.api import permissions
from configcat_mock.api.context import Call, Reply
from configcat_mock.api.operations import Handler, operation_table
from configcat_mock.api.rules.change_requests import apply_due
from configcat_mock.api.spec import Operation, Spec
from configcat_mock.api.validation import parse_body, parse_parameters
from configcat_mock.delivery.protocol_routes import after_request, is_protocol_path, protocol_routes
from configcat_mock.delivery.routes import delivery_routes, is_delivery_path
from configcat_mock.errors import MockHTTPError, NotImplementedByMock, StorageFailed, Unauthorized
from configcat_mock.http.control import control_routes
from configcat_mock.http.faults import Fault, FaultInjector
from configcat_mock.http.guards import (
    BodyLimits,
    ClientDisconnected,
    check_control_access,
    limit_body,
)
from configcat_mock.http.protocol import CONNECTION_EXTENSION
from configcat_mock.http.ratelimit import RateLimiter, RateLimits, Verdict
from configcat_mock.http.responses import json_response
from configcat_mock.http.webhook_sender import WebhookSender
from configcat_mock.state import passwords
from configcat_mock.state.backend import Backend, ValueChange
from configcat_mock.state.journal import Entry, Journal
from configcat_mock.state.records import User

CONTROL_PREFIX = "/_mock"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


async def _error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MockHTTPError)
    return json_response(exc.status, exc.body, exc.headers)


class Site(Protocol):
    """Pages served beside the API by another package (the dashboard): which paths are its
    own, and the ASGI app that answers them. Set as :attr:`MockApp.site`."""

    def handles(self, path: str) -> bool: ...

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None: ...


class MockApp:
    """The mock's request pipeline around one :class:`Backend` and one :class:`Spec`."""

    def __init__(
        self,
        backend: Backend,
        spec: Spec,
        *,
        rate_limits: RateLimits | None = None,
        faults: FaultInjector | None = None,
        journal: Journal | None = None,
        validate_responses: bool = False,
        enforce_permissions: bool = False,
        control_token: str | None = None,
        body_limits: BodyLimits | None = None,
        webhooks: WebhookSender | None = None,
    ) -> None:
        self.backend = backend
        self.webhooks = webhooks or WebhookSender()
        """Sends the webhooks of value changes (see :mod:`configcat_mock.http.webhook_sender`)."""
        self.control_token = control_token
        self.site: Site | None = None
        """Pages answered ahead of the API (``MockConfigCat`` sets the dashboard here)."""
        self.body_limits = body_limits or BodyLimits()
        self.enforce_permissions = enforce_permissions
        self.spec = spec
        self.router = spec.router
        self.limiter = RateLimiter(rate_limits)
        self.faults = faults or FaultInjector()
        self.journal = journal or Journal()
        self.validate_responses = validate_responses
        self.response_violations: list[str] = []
        self.responses_checked = 0
        self.internal_errors: list[str] = []
        self.handlers: dict[str, Handler] = operation_table()
        missing = [
            op.operation_id for op in spec.operations if op.operation_id not in self.handlers
        ]
        self.unimplemented = missing
        self.asgi = Starlette(
            routes=[
                # flag delivery (SDK config JSON, public config, /_mock/delivery), ahead of the rest
                # OFREP, the Proxy's API and streams, proxy profiles' config, their settings
                *protocol_routes(self),
                *delivery_routes(self),
                Mount(CONTROL_PREFIX, routes=control_routes(self)),
                Route("/{path:path}", self.endpoint, methods=_METHODS),
            ],
            # a body limit passed while a control or delivery route read the body
            exception_handlers={MockHTTPError: _error_response},
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # API requests skip Starlette's router and middleware: the endpoint handles every
        # outcome itself. The control API and lifespan events go through Starlette.
        path = scope.get("path", "")
        if scope["type"] != "http":
            await self.asgi(scope, receive, send)
            return
        control = path.startswith(CONTROL_PREFIX)
        site = (
            self.site if self.site is not None and not control and self.site.handles(path) else None
        )
        try:
            if control:
                check_control_access(scope, self.control_token)
            limit = self.body_limits.control if control or site else self.body_limits.api
            receive = limit_body(scope, receive, limit)
        except MockHTTPError as exc:  # before one byte of the body is read
            close = {"Connection": "close"} if exc.status == 413 else {}
            await json_response(exc.status, exc.body, {**exc.headers, **close})(
                scope, receive, send
            )
            return
        if site is not None:  # its own access rules (the dashboard: the control API's)
            await site(scope, receive, send)
        elif not control and not is_delivery_path(path) and not is_protocol_path(path):
            # delivery and its protocols have their own routes in self.asgi
            response = await self.endpoint(Request(scope, receive))
            await response(scope, receive, send)
        else:
            await self.asgi(scope, receive, send)
        after_request(self, scope["method"], path)  # a write wakes the open streams

    # -- the pipeline ----------------------------------------------------------------------

    @staticmethod
    def credentials(request: Request) -> tuple[str, str]:
        """The Basic credentials of a request; 401 when there are none."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token:
            raise Unauthorized()
        try:
            username, sep, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise Unauthorized() from None
        if not sep:
            raise Unauthorized()
        return username, password

    def authenticate(self, request: Request) -> User:
        user = self.backend.authenticate(*self.credentials(request))
        if user is None:
            raise Unauthorized()
        return user

    async def _check_password_off_loop(self, request: Request) -> None:
        """Hash a password not checked before in a worker thread (scrypt takes ~0.1 s and
        lets go of the GIL), so that :meth:`authenticate` finds the verdict remembered."""
        username, password = self.credentials(request)
        for user in self.backend.users.by("username", username):
            if passwords.known(user.password, password) is None:
                await asyncio.to_thread(passwords.verify, user.password, password)

    async def endpoint(self, request: Request) -> Response:
        started = time.perf_counter()
        op: Operation | None = None
        user: User | None = None
        verdict: Verdict | None = None
        request_body: Any = None
        status = 500
        body: Any = None
        headers: dict[str, str] = {}
        try:
            # the path as sent, split before decoding: ``request.url.path`` is decoded and goes
            # through urlsplit, which drops tabs and line breaks (``/members/%0D`` would lose
            # its last segment) and turns ``%2F`` inside a value into a separator
            raw_path = request.scope.get("raw_path")
            if raw_path:
                op, path_params = self.router.match_raw(request.method, raw_path)
            else:
                op, path_params = self.router.match(request.method, request.scope["path"])
            await self._check_password_off_loop(request)
            user = self.authenticate(request)
            verdict = self.limiter.hit(user.username, op.operation_id)
            if verdict is not None:
                headers.update(verdict.headers())
                if not verdict.allowed:
                    return self._finish(
                        request,
                        op,
                        user,
                        started,
                        None,
                        Response(
                            f"Too many requests. Retry after {verdict.reset_seconds} seconds.",
                            429,
                            headers,
                            media_type="text/plain",
                        ),
                    )
            fault = self.faults.draw(op.operation_id, op.path)
            if fault is not None:
                if fault.latency_ms:
                    await asyncio.sleep(fault.latency_ms / 1000)
                if fault.fails and not fault.after_commit:
                    return await self._fault(request, op, user, started, fault, headers)
            raw = await request.body()
            status, body = self.handle(op, user, path_params, request, raw)
            if fault is not None and fault.after_commit:  # the write stays, the answer is lost
                return await self._fault(request, op, user, started, fault, headers)
            if self.journal.keep_bodies and raw:
                try:
                    request_body = json.loads(raw)
                except ValueError:
                    request_body = raw.decode("utf-8", "replace")
        except MockHTTPError as exc:
            status, body = exc.status, exc.body
            headers.update(exc.headers)
        except Exception as exc:  # the catch-all: never a 500 (and the details stay here)
            self.internal_errors.append(
                f"{request.method} {request.url.path}: {''.join(traceback.format_exception(exc))}"
            )
            status, body = 400, {"request": ["The request could not be processed."]}
        return self._finish(
            request, op, user, started, request_body, json_response(status, body, headers), body
        )

    async def _fault(
        self,
        request: Request,
        op: Operation,
        user: User,
        started: float,
        fault: Fault,
        headers: dict[str, str],
    ) -> Response:
        """The answer of an injected fault: its status, or a dropped connection."""
        if not fault.drop:
            if fault.status == 429:
                headers["Retry-After"] = "1"
            status = fault.status or 500
            text = f"Injected fault: {status}."
            response = Response(text, status, headers, media_type="text/plain")
            return self._finish(request, op, user, started, None, response)
        self._finish(request, op, user, started, None, Response(status_code=0))
        connection = request.scope.get("extensions", {}).get(CONNECTION_EXTENSION)
        if connection is None:
            raise RuntimeError(
                "a dropped connection needs configcat-mock serve's protocol or the in-process "
                "transports; this server offers neither"
            )
        connection["abort"]()
        with contextlib.suppress(ClientDisconnected):  # wait until the server has let go
            while (await request.receive())["type"] != "http.disconnect":
                pass
        return Response(status_code=204)  # never written: the connection is gone

    def handle(
        self, op: Operation, user: User, path_params: dict[str, str], request: Request, raw: bytes
    ) -> tuple[int, Any]:
        handler = self.handlers.get(op.operation_id)
        if handler is None:
            raise NotImplementedByMock(op.operation_id)
        schemas = self.spec.schemas
        query: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            query.setdefault(key, []).append(value)
        path, params, header_values = parse_parameters(
            schemas, op, path_params, query, request.headers
        )
        body = parse_body(schemas, op, raw)
        backend = self.backend
        # with a state file, what the request changed is written before the answer
        with backend.lock:
            # the values this request stores, for the webhooks (sent off the request path)
            changes: list[ValueChange] = []
            backend.value_changes = changes
            try:
                if backend.change_requests:
                    with backend.tracked():
                        apply_due(backend)  # scheduled change requests whose time has come
                with backend.tracked():
                    if self.enforce_permissions:
                        permissions.check(backend, user, op.operation_id, path, header_values)
                    call = Call(backend, op, user, path, params, header_values, body, schemas)
                    result = handler(call)
            except StorageFailed:
                changes.clear()  # nothing of the write was kept: no webhook reports it
                raise
            finally:
                backend.value_changes = None
                if changes:  # also when the handler failed after storing some
                    self.webhooks.notify(backend, changes)
        status = op.success[0][0] if op.success else 200
        if isinstance(result, Reply):
            status, result = result.status, result.body
        if status == 204:
            return 204, None
        for code, schema in op.response_schemas:
            if code == status:
                result = schemas.shape(schema, result)
                break
        if self.validate_responses:
            self.responses_checked += 1
            for problem in self.spec.response_errors(op, status, result):
                self.response_violations.append(f"{op.operation_id} {status}: {problem}")
        return status, result

    def _finish(
        self,
        request: Request,
        op: Operation | None,
        user: User | None,
        started: float,
        request_body: Any,
        response: Response,
        response_body: Any = None,
    ) -> Response:
        keep = self.journal.keep_bodies
        self.journal.add(
            Entry(
                method=request.method,
                path=request.scope["path"],
                # from the scope: building request.url costs more than the rest of the entry
                query=request.scope.get("query_string", b"").decode("utf-8", "replace"),
                operation_id=op.operation_id if op else None,
                username=user.username if user else None,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                request_body=request_body if keep else None,
                response_body=response_body if keep else None,
            )
        )
        return response
