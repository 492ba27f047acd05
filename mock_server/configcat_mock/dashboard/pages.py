"""The dashboard's pages and forms: a Starlette app rendered with Jinja2 (autoescaped).

Every page is a plain GET; every change is a POST of a form carrying the CSRF token, answered
with a redirect to the page it came from (or the page again with the reason it was refused).
The journal page refreshes itself with ``<meta http-equiv="refresh">``; the one script, for the
copy buttons of the API index, only adds to what works without it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from configcat_mock.dashboard import reading
from configcat_mock.dashboard.access import (
    BROWSER_COOKIE,
    CSRF_FIELD,
    TOKEN_COOKIE,
    Access,
    Refused,
    new_browser_id,
    set_cookie,
)
from configcat_mock.dashboard.changes import ChangeRefused, error_text, parse_value, set_value
from configcat_mock.dashboard.paths import DASHBOARD_PREFIX
from configcat_mock.dashboard.wording import (
    default_value,
    describe,
    segment_text,
    value_text,
)
from configcat_mock.errors import MockHTTPError
from configcat_mock.http import control
from configcat_mock.state import records

if TYPE_CHECKING:
    from configcat_mock.http.app import MockApp

HERE = Path(__file__).parent
AUDIT_PAGE_SIZE = 50
JOURNAL_SHOWN = 200
JOURNAL_REFRESH_SECONDS = 3

# No script but the dashboard's own file, nothing from anywhere else, no framing.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]

STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}

Endpoint = Callable[[Request], Awaitable[Response]]


def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value a page shows is text, whatever it holds
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(prefix=DASHBOARD_PREFIX)
    environment.filters["pretty_json"] = lambda data: json.dumps(
        data, indent=2, ensure_ascii=False, sort_keys=False
    )
    return environment


class Dashboard:
    """The dashboard of one :class:`MockApp`."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.access = Access(app.control_token)
        self.templates = _templates()
        self._assets: dict[str, bytes] = {}
        prefix = DASHBOARD_PREFIX
        self.asgi = Starlette(
            routes=[
                Route("/", self._root, methods=["GET", "HEAD"]),
                Route(prefix + "/static/{name}", self._static, methods=["GET", "HEAD"]),
                Route(prefix + "/login", self._login, methods=["GET", "HEAD", "POST"]),
                Route(prefix + "/logout", self._page(self._logout), methods=["POST"]),
                Route(prefix, self._root, methods=["GET", "HEAD"]),
                Route(prefix + "/", self._page(self.home), methods=["GET", "HEAD"]),
                Route(
                    prefix + "/configs/{config_id}",
                    self._page(self.config_grid),
                    methods=["GET", "HEAD", "POST"],
                ),
                Route(
                    prefix + "/values/{setting_id:int}/{environment_id}",
                    self._page(self.value_page),
                    methods=["GET", "HEAD", "POST"],
                ),
                Route(prefix + "/audit", self._page(self.audit), methods=["GET", "HEAD"]),
                Route(
                    prefix + "/journal", self._page(self.journal), methods=["GET", "HEAD", "POST"]
                ),
                Route(
                    prefix + "/webhooks", self._page(self.webhooks), methods=["GET", "HEAD", "POST"]
                ),
                Route(prefix + "/faults", self._page(self.faults), methods=["GET", "HEAD", "POST"]),
                Route(prefix + "/state", self._page(self.state), methods=["GET", "HEAD", "POST"]),
                Route(prefix + "/state.json", self._page(self.state_json), methods=["GET", "HEAD"]),
                Route(prefix + "/api", self._page(self.api_index), methods=["GET", "HEAD"]),
            ],
            exception_handlers={404: self._not_found, 405: self._not_allowed},
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        refused = self.access.refusal(scope)
        if refused is not None:
            response = self._error_page(Request(scope), refused.status, refused.message)
            await response(scope, receive, send_with_headers)
            return
        await self.asgi(scope, receive, send_with_headers)

    # -- plumbing ------------------------------------------------------------------------

    def _page(self, endpoint: Endpoint) -> Endpoint:
        """Login first (with a control token); a post must carry this browser's CSRF token.

        The page keeps the endpoint's name and docstring (the reference describes it by them).
        """

        @functools.wraps(endpoint)
        async def page(request: Request) -> Response:
            if not self.access.logged_in(request):
                if request.method == "POST":
                    return self._error_page(request, 401, "Log in with the control token first.")
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(
                    f"{DASHBOARD_PREFIX}/login?{urlencode({'next': target})}", 303
                )
            if request.method == "POST":
                # a state to load is a form field too: as large as the control API takes
                form = await request.form(max_part_size=self.app.body_limits.control)
                try:
                    self.access.check_post(request, form.get(CSRF_FIELD))
                except Refused as refused:
                    return self._error_page(request, refused.status, refused.message)
                request.state.form = form
            return await endpoint(request)

        return page

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """A page; a browser without an id gets one, and every form its CSRF token."""
        browser = self.access.browser_id(request)
        fresh = browser is None
        if browser is None:
            browser = new_browser_id()
        text = self.templates.get_template(template).render(
            csrf_field=CSRF_FIELD,
            csrf_token=self.access.csrf_token(browser),
            needs_login=self.access.needs_login,
            path=request.url.path,
            **context,
        )
        response = HTMLResponse(text, status)
        if fresh:
            set_cookie(response, BROWSER_COOKIE, browser)
        return response

    def _error_page(self, request: Request, status: int, message: str) -> HTMLResponse:
        title = {404: "Not found", 405: "Not allowed"}.get(status, "Refused")
        return self.render(request, "error.html", status, title=title, message=message)

    @staticmethod
    def _form(request: Request) -> FormData:
        form: FormData = request.state.form
        return form

    def _set_value(
        self,
        form: FormData,
        setting: records.Setting,
        environment: records.Environment,
        value: Any,
    ) -> None:
        """Set ``value`` as a form asked: its reason and its approval bypass go along."""
        set_value(
            self.app,
            setting,
            environment,
            value,
            reason=self._text(form, "reason"),
            bypass_approval=form.get("bypass_approval") == "on",
        )

    @staticmethod
    def _text(form: FormData, name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    async def _static(self, request: Request) -> Response:
        """The stylesheet, the script and the icon: read once, from the package."""
        name = request.path_params["name"]
        media_type = STATIC_TYPES.get(Path(name).suffix)
        path = HERE / "static" / name
        if media_type is None or "/" in name or not path.is_file():
            return Response("Not found.", 404, media_type="text/plain")
        body = self._assets.get(name)
        if body is None:
            body = self._assets[name] = path.read_bytes()
        return Response(body, media_type=media_type)

    async def _not_found(self, request: Request, exc: Exception) -> Response:
        return self._error_page(request, 404, "There is no such page in the dashboard.")

    async def _not_allowed(self, request: Request, exc: Exception) -> Response:
        return self._error_page(request, 405, "This page does not take that method.")

    async def _root(self, request: Request) -> Response:
        """Sends a browser to the dashboard's home page."""
        return RedirectResponse(DASHBOARD_PREFIX + "/", 303)

    async def _login(self, request: Request) -> Response:
        """The login form (with a control token): the right token is kept in a cookie; without
        a control token it goes straight on."""
        target = request.query_params.get("next", "")
        if not target.startswith(DASHBOARD_PREFIX + "/"):  # never off the dashboard
            target = DASHBOARD_PREFIX + "/"
        if not self.access.needs_login:
            return RedirectResponse(target, 303)
        error = ""
        if request.method == "POST":
            form = await request.form()
            try:
                self.access.check_post(request, form.get(CSRF_FIELD))
            except Refused as refused:
                return self._error_page(request, refused.status, refused.message)
            token = form.get("token")
            if isinstance(token, str) and self.access.token_is_right(token):
                response = RedirectResponse(target, 303)
                set_cookie(response, TOKEN_COOKIE, token)
                return response
            error = "That is not the control token."
        status = 401 if error else 200
        return self.render(request, "login.html", status, title="Log in", error=error, next=target)

    async def _logout(self, request: Request) -> Response:
        """Forgets the control token's cookie and goes back to the login form."""
        response = RedirectResponse(DASHBOARD_PREFIX + "/login", 303)
        response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    # -- flags ---------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        """Every product with its configs, environments and segments."""
        backend = self.app.backend
        with backend.lock:
            products = reading.products(backend)
        segments = {
            summary.product.product_id: [(s, segment_text(s)) for s in summary.segments]
            for summary in products
        }
        return self.render(
            request, "home.html", title="Flags", products=products, segments=segments
        )

    async def config_grid(self, request: Request) -> Response:
        """A config's flags by environment, searchable; POST toggles a boolean flag in one
        environment."""
        backend = self.app.backend
        config = backend.configs.get(request.path_params["config_id"])
        if config is None:
            return self._error_page(request, 404, "There is no such config (any more).")
        error = ""
        status = 200
        done = ""
        if request.method == "POST":
            form = self._form(request)
            try:
                setting, environment, value = self._toggle_target(
                    config, self._text(form, "toggle")
                )
                self._set_value(form, setting, environment, value)
            except ChangeRefused as refused:
                error, status = str(refused), 400
            else:
                search = self._text(form, "q")
                query = urlencode({"q": search} if search else {})
                anchor = f"#flag-{setting.setting_id}"
                done = f"?{query}" if query else ""
                return RedirectResponse(request.url.path + done + anchor, 303)
        search = request.query_params.get("q", "")
        with backend.lock:
            grid = reading.grid(backend, config, search)
        return self.render(
            request,
            "grid.html",
            status,
            title=f"{config.name} · {grid.product.name}",
            grid=grid,
            search=search,
            error=error,
        )

    def _toggle_target(
        self, config: records.Config, given: str
    ) -> tuple[records.Setting, records.Environment, bool]:
        """``<setting id>|<environment id>|<true or false>``: the value the button sets."""
        parts = given.split("|")
        backend = self.app.backend
        if len(parts) != 3 or not parts[0].isdigit() or parts[2] not in ("true", "false"):
            raise ChangeRefused("The form did not say which flag to toggle.")
        setting = backend.settings.get(int(parts[0]))
        environment = backend.environments.get(parts[1])
        if setting is None or setting.config_id != config.config_id or environment is None:
            raise ChangeRefused("That flag or environment is not in this config (any more).")
        if setting.setting_type != "boolean":
            raise ChangeRefused(f"{setting.key} is not a boolean flag: edit its value instead.")
        return setting, environment, parts[2] == "true"

    async def value_page(self, request: Request) -> Response:
        """One flag's value in one environment, its targeting rules in words; POST sets the
        value."""
        backend = self.app.backend
        setting = backend.settings.get(request.path_params["setting_id"])
        environment = backend.environments.get(request.path_params["environment_id"])
        config = backend.configs.get(setting.config_id) if setting else None
        if setting is None or environment is None or config is None:
            return self._error_page(request, 404, "There is no such flag or environment.")
        if environment.product_id != config.product_id:
            return self._error_page(request, 404, "That environment is in another product.")
        error, status, entered = "", 200, None
        if request.method == "POST":
            form = self._form(request)
            entered = self._text(form, "value")
            try:
                value = parse_value(setting, entered)
                self._set_value(form, setting, environment, value)
            except ChangeRefused as refused:
                error, status = str(refused), 400
            else:
                return RedirectResponse(request.url.path + "?saved=1", 303)
        with backend.lock:
            stored = backend.setting_values.get((setting.setting_id, environment.environment_id))
            if stored is None:
                return self._error_page(request, 404, "This flag has no value there.")
            described = describe(backend, setting, stored)
            served = default_value(stored)
            product = backend.products[config.product_id]
            others = reading.products(backend)
        environments = next(
            (s.environments for s in others if s.product.product_id == product.product_id), []
        )
        if entered is None:
            entered = served if isinstance(served, str) else value_text(served)
        return self.render(
            request,
            "value.html",
            status,
            title=f"{setting.key} in {environment.name}",
            setting=setting,
            environment=environment,
            environments=environments,
            config=config,
            product=product,
            stored=stored,
            described=described,
            served=served,
            entered=entered,
            reason_required=reading.reason_required(backend, environment),
            error=error,
            saved=request.query_params.get("saved") == "1" and request.method == "GET",
        )

    # -- what happened ---------------------------------------------------------------------

    async def audit(self, request: Request) -> Response:
        """The audit log, newest first, filtered by product, type and text, in pages."""
        backend = self.app.backend
        query = request.query_params
        product_id = query.get("product", "")
        kind = query.get("type", "")
        text = query.get("q", "").strip().casefold()
        try:
            number = max(1, int(query.get("page", "1")))
        except ValueError:
            number = 1
        with backend.lock:
            entries = sorted(backend.audit_logs, key=lambda a: a.audit_log_id, reverse=True)
            kinds = sorted({a.type for a in entries})
            products = reading.products(backend)
        if product_id:
            entries = [a for a in entries if a.product_id == product_id]
        if kind:
            entries = [a for a in entries if a.type == kind]
        if text:
            entries = [
                a
                for a in entries
                if any(
                    text in (field or "").casefold()
                    for field in (
                        a.user_email,
                        a.user_name,
                        a.action_target,
                        a.where,
                        a.why,
                        a.details,
                    )
                )
            ]
        total = len(entries)
        pages = max(1, (total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE)
        number = min(number, pages)
        shown = entries[(number - 1) * AUDIT_PAGE_SIZE : number * AUDIT_PAGE_SIZE]
        filters = {"product": product_id, "type": kind, "q": query.get("q", "")}
        kept = {k: v for k, v in filters.items() if v}

        def page_link(page: int) -> str:
            return "?" + urlencode({**kept, "page": str(page)})

        return self.render(
            request,
            "audit.html",
            title="Audit log",
            entries=shown,
            total=total,
            number=number,
            pages=pages,
            kinds=kinds,
            products=products,
            filters=filters,
            page_link=page_link,
        )

    async def journal(self, request: Request) -> Response:
        """The requests the fake answered, newest first, refreshing itself; POST clears them."""
        journal = self.app.journal
        if request.method == "POST":
            journal.clear()
            return RedirectResponse(request.url.path, 303)
        live = request.query_params.get("live", "1") != "0"
        entries = list(journal.entries)[-JOURNAL_SHOWN:][::-1]
        return self.render(
            request,
            "journal.html",
            title="Request journal",
            entries=entries,
            total=len(journal.entries),
            live=live,
            refresh=JOURNAL_REFRESH_SECONDS,
        )

    async def webhooks(self, request: Request) -> Response:
        """The webhook calls made (or refused), newest first; POST clears the record."""
        sender = self.app.webhooks
        if request.method == "POST":
            sender.clear()
            return RedirectResponse(request.url.path, 303)
        deliveries = sender.deliveries()[::-1]
        return self.render(
            request, "webhooks.html", title="Webhook deliveries", deliveries=deliveries
        )

    async def faults(self, request: Request) -> Response:
        """The fault rules as JSON and the rate limits; POST replaces the rules."""
        app = self.app
        error, status = "", 200
        entered = None
        if request.method == "POST":
            form = self._form(request)
            entered = self._text(form, "faults")
            try:
                app.faults.configure_json(json.loads(entered))
            except ValueError as exc:
                error, status = f"Not JSON: {exc}.", 400
            except MockHTTPError as exc:
                error, status = error_text(exc.body), 400
            else:
                return RedirectResponse(request.url.path + "?saved=1", 303)
        current = app.faults.to_json()
        return self.render(
            request,
            "faults.html",
            status,
            title="Fault injection",
            current=current,
            entered=entered if entered is not None else json.dumps(current, indent=2),
            limits=app.limiter.limits,
            error=error,
            saved=request.query_params.get("saved") == "1" and request.method == "GET",
        )

    # -- state ---------------------------------------------------------------------------

    async def state(self, request: Request) -> Response:
        """Reset, seed or load a state, each in two steps: the form, then a page to confirm it
        on."""
        app = self.app
        backend = app.backend
        step, error, status, review = "", "", 200, None
        document = ""
        if request.method == "POST":
            form = self._form(request)
            action = self._text(form, "action")
            if action == "reset":
                step = "confirm-reset"
            elif action == "reset-confirmed":
                await control.reset(app, request)
                return RedirectResponse(request.url.path + "?done=reset", 303)
            elif action in ("seed", "load"):
                document = await self._seed_text(form)
                try:
                    review = _counts(json.loads(document))
                    step = "confirm-" + action
                except ValueError as exc:
                    error, status = f"Not a state: {exc}.", 400
            elif action in ("seed-confirmed", "load-confirmed"):
                document = self._text(form, "document")
                try:
                    loaded = json.loads(document)
                    if action == "seed-confirmed":
                        backend.reseed(loaded)
                    else:
                        backend.load(loaded)
                    app.limiter.reset()
                except ValueError as exc:
                    error, status = f"Not JSON: {exc}.", 400
                except MockHTTPError as exc:
                    error, status = error_text(exc.body), 400
                else:
                    done = "seed" if action == "seed-confirmed" else "load"
                    return RedirectResponse(f"{request.url.path}?done={done}", 303)
            else:
                error, status = "The form did not say what to do.", 400
        with backend.lock:
            counts = _counts(backend.dump())
        return self.render(
            request,
            "state.html",
            status,
            title="State",
            step=step,
            counts=counts,
            review=review,
            document=document,
            error=error,
            done=request.query_params.get("done", "") if request.method == "GET" else "",
        )

    @staticmethod
    async def _seed_text(form: FormData) -> str:
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            return (await upload.read()).decode("utf-8", "replace")
        text = form.get("document")
        return text if isinstance(text, str) else ""

    async def state_json(self, request: Request) -> Response:
        """The whole state as a JSON download (what ``GET /_mock/state`` answers)."""
        body = json.dumps(self.app.backend.dump(), indent=2, ensure_ascii=False)
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="configcat-mock-state.json"'},
        )

    # -- the index -----------------------------------------------------------------------

    async def api_index(self, request: Request) -> Response:
        """The API's base URL and every SDK key by config and environment, to copy."""
        backend = self.app.backend
        base = f"{request.url.scheme}://{request.url.netloc}"
        keys = []
        with backend.lock:
            for summary in reading.products(backend):
                for config, _count in summary.configs:
                    for environment in summary.environments:
                        key = backend.sdk_keys.get((config.config_id, environment.environment_id))
                        if key is not None:
                            keys.append((summary.product, config, environment, key))
        return self.render(
            request,
            "api.html",
            title="API and SDK keys",
            base=base,
            keys=keys,
            control_token=self.access.needs_login,
        )


def _counts(state: Any) -> dict[str, int]:
    """Rows per table of a state document (what a reset or seed would leave)."""
    if not isinstance(state, dict) or not isinstance(state.get("tables"), dict):
        raise ValueError("a state is an object with 'tables' (what GET /_mock/state returns)")
    return {
        name: len(rows) if isinstance(rows, list) else 0
        for name, rows in state["tables"].items()
        if rows
    }
