"""Checks every request passes before the pipeline: the control API's token and body limits.

Control token: ``/_mock/*`` can replace the whole state, so once a token is set every control
call needs ``Authorization: Bearer <token>`` (401 otherwise; compared with
:func:`hmac.compare_digest`, in constant time). Without a token the control API answers only
requests that reached the server on a loopback address: ``configcat-mock serve`` refuses a
non-loopback ``--host`` without a token, and this check holds the same line for an app served
some other way (``uvicorn --factory``). In-process transports have no socket address and pass.

Body limits: a request whose ``Content-Length`` is over the limit is answered 413 before one
byte of its body is read; a chunked body is counted while it arrives and refused as soon as it
passes the limit, so no more than the limit is ever held. The API and the control API have
separate limits: a state dump for ``PUT /_mock/state`` is legitimately larger than any API body.
Written here because Starlette and uvicorn have no body limit (uvicorn's
``h11_max_incomplete_event_size`` bounds headers only).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import attrs

from configcat_mock.errors import MockHTTPError

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]

MIB = 1024 * 1024
#: ``--body-limit``: the largest API request body, in bytes.
DEFAULT_BODY_LIMIT = 10 * MIB
#: ``--control-body-limit``: the largest ``/_mock/*`` body (``PUT /_mock/state``, seeds).
DEFAULT_CONTROL_BODY_LIMIT = 64 * MIB
#: The environment variable ``serve`` reads the control token from.
CONTROL_TOKEN_ENV = "CONFIGCAT_MOCK_CONTROL_TOKEN"  # noqa: S105 - a variable name


class PayloadTooLarge(MockHTTPError):
    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(
            {"message": f"The request body is larger than the limit of {limit:,} bytes."}
        )


class ClientDisconnected(MockHTTPError):
    """The client went away (or was cut off by a read timeout) before its body was complete.
    The answer is never delivered; it is there for the journal."""

    status = 400

    def __init__(self) -> None:
        super().__init__({"request": ["The connection closed before the request body ended."]})


class ControlUnauthorized(MockHTTPError):
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__({"message": message}, headers={"WWW-Authenticate": 'Bearer realm="mock"'})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is a loopback address."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@attrs.frozen
class BodyLimits:
    api: int = DEFAULT_BODY_LIMIT
    control: int = DEFAULT_CONTROL_BODY_LIMIT

    def __attrs_post_init__(self) -> None:
        if self.api < 1 or self.control < 1:
            raise ValueError("body limits must be positive numbers of bytes")


def _header(scope: MutableMapping[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def check_control_access(scope: MutableMapping[str, Any], token: str | None) -> None:
    """Raise :class:`ControlUnauthorized` unless this ``/_mock`` request may go on."""
    if token is None:
        if reached_off_loopback(scope):
            raise ControlUnauthorized(
                "The control API needs a token on a non-loopback address "
                "(configcat-mock serve --control-token)."
            )
        return
    scheme, _, given = (_header(scope, b"authorization") or b"").partition(b" ")
    if scheme.lower() != b"bearer" or not token_matches(given.strip(), token):
        raise ControlUnauthorized("The control API needs 'Authorization: Bearer <token>'.")


def reached_off_loopback(scope: MutableMapping[str, Any]) -> bool:
    """Whether the request reached the server on an address that is not loopback (what the
    control API and the dashboard refuse without a token)."""
    server = scope.get("server")
    return bool(server and _is_ip(server[0]) and not is_loopback(server[0]))


def token_matches(given: bytes, token: str) -> bool:
    """``given`` is the control token, compared in constant time."""
    # compare_digest on equal-length inputs only: a digest of each keeps the time independent
    # of both the token's length and where the first difference is
    return hmac.compare_digest(_digest(given), _digest(token.encode()))


def _digest(value: bytes) -> bytes:
    return hashlib.sha256(value).digest()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def limit_body(scope: MutableMapping[str, Any], receive: Receive, limit: int) -> Receive:
    """``receive`` refusing a body over ``limit`` bytes; raises at once on ``Content-Length``."""
    declared = _header(scope, b"content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise PayloadTooLarge(limit)
        except ValueError:
            pass  # not a number: the server's parser has refused it already
    seen = 0
    complete = False

    async def guarded() -> Message:
        nonlocal seen, complete
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLarge(limit)
            complete = not message.get("more_body", False)
        elif message["type"] == "http.disconnect" and not complete:
            raise ClientDisconnected()
        return message

    return guarded
