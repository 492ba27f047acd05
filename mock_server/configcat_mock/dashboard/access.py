"""Who may use the dashboard, and which posts are the dashboard's own.

The control API's rules hold here too (:mod:`configcat_mock.http.guards`): without a control token
the dashboard answers only requests that reached the server on loopback; with one, a browser
first logs in with the token, which is then kept in an HttpOnly, ``SameSite=Strict`` cookie
(a browser cannot send ``Authorization: Bearer``). Static assets are served to anyone who may
reach the server at all, so the login page has its style.

Without a token, a request that came over a loopback socket must also name a loopback host
(``Host: 127.0.0.1:8080``, ``localhost``): a site whose name was made to resolve to 127.0.0.1
(DNS rebinding) is refused.

Every state-changing form carries a CSRF token: an HMAC, under a key made when the dashboard
starts, of a random browser id kept in another HttpOnly, ``SameSite=Strict`` cookie. A post
without the cookie, without the token or with another browser's token is refused (403), and
so is one whose ``Origin`` or ``Sec-Fetch-Site`` says another site sent it. Written here
because the check is a dozen lines over the standard library's :mod:`hmac` and ``secrets``,
and a CSRF middleware package would still need the token placed in every form.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from configcat_mock.http.guards import is_loopback, reached_off_loopback, token_matches

TOKEN_COOKIE = "configcat_mock_control"  # noqa: S105 - a cookie name
BROWSER_COOKIE = "configcat_mock_browser"
CSRF_FIELD = "csrf_token"


class Refused(Exception):
    """A request the dashboard does not serve: ``status`` and a sentence saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Access:
    """The dashboard's checks, for one app (and one control token, if any)."""

    def __init__(self, control_token: str | None) -> None:
        self.control_token = control_token
        self._key = secrets.token_bytes(32)

    @property
    def needs_login(self) -> bool:
        return self.control_token is not None

    def refusal(self, scope: Any) -> Refused | None:
        """Why a request may not reach the dashboard at all (None: it may)."""
        if self.control_token is not None:
            return None
        if reached_off_loopback(scope):
            return Refused(
                403,
                "Without a control token the dashboard answers on loopback only "
                "(configcat-mock serve --control-token).",
            )
        if _named_off_loopback(scope):
            return Refused(
                403,
                "The page was asked for under a name that is not this machine's: open it as "
                "http://127.0.0.1:PORT/ or http://localhost:PORT/.",
            )
        return None

    def logged_in(self, request: Request) -> bool:
        if self.control_token is None:
            return True
        given = request.cookies.get(TOKEN_COOKIE)
        return given is not None and token_matches(given.encode(), self.control_token)

    def token_is_right(self, given: str) -> bool:
        return self.control_token is not None and token_matches(given.encode(), self.control_token)

    # -- CSRF ----------------------------------------------------------------------------

    @staticmethod
    def browser_id(request: Request) -> str | None:
        value = request.cookies.get(BROWSER_COOKIE)
        return value if value and len(value) <= 64 else None

    def csrf_token(self, browser_id: str) -> str:
        return hmac.new(self._key, browser_id.encode(), hashlib.sha256).hexdigest()

    def check_post(self, request: Request, form_token: Any) -> None:
        """Raise :class:`Refused` unless this post came from a dashboard page."""
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            raise Refused(403, "A form of another site may not change the fake.")
        origin = request.headers.get("origin")
        if origin is not None and origin != "null":
            host = request.headers.get("host", "")
            if urlsplit(origin).netloc.lower() != host.lower():
                raise Refused(403, "A form of another site may not change the fake.")
        browser = self.browser_id(request)
        if (
            browser is None
            or not isinstance(form_token, str)
            or not hmac.compare_digest(form_token.encode(), self.csrf_token(browser).encode())
        ):
            raise Refused(
                403,
                "The form's CSRF token is missing or not this browser's: "
                "reload the page and send the form again.",
            )


def _named_off_loopback(scope: Any) -> bool:
    """A request that came over a loopback socket for a host name that is not loopback: a
    page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding) would
    otherwise read the dashboard as its own. In-process transports have no socket address
    and any name."""
    server = scope.get("server")
    if not server or not _is_address(server[0]):
        return False
    host = ""
    for key, value in scope.get("headers", ()):
        if key == b"host":
            host = value.decode("latin-1")
            break
    name = urlsplit(f"//{host}").hostname or ""
    return not (is_loopback(name) or name.endswith(".localhost"))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def new_browser_id() -> str:
    return secrets.token_urlsafe(24)


def set_cookie(response: Response, name: str, value: str) -> None:
    """A cookie only the fake's pages send back: HttpOnly, SameSite=Strict, for the session."""
    response.set_cookie(name, value, path="/", httponly=True, samesite="strict")
