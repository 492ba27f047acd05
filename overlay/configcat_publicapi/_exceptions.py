"""The exceptions the overlay raises: one base, one class per status family, transport errors.

Every message is redacted: no credentials, no SDK key, no ``Authorization`` value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx

from configcat_publicapi._headers import rate_limit_wait
from configcat_publicapi._redact import redact_text, redact_url

#: How much of a response text an exception message quotes.
_TEXT_IN_MESSAGE = 500


class ConfigCatError(Exception):
    """Base class of every error raised by ``configcat_publicapi``."""


class ConfigCatConfigurationError(ConfigCatError, ValueError):
    """The client cannot be built: credentials are missing or the host is unusable."""


class SdkKeyFormatError(ConfigCatError, ValueError):
    """A string given as an SDK key has neither ConfigCat SDK key format."""


class APIConnectionError(ConfigCatError):
    """The request got no response: the connection failed or broke."""

    #: How many times the request was sent, retries included.
    attempts: int = 1

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIResponseError(ConfigCatError):
    """A successful response whose body does not match the documented model."""


class APIStatusError(ConfigCatError):
    """The service answered with a status outside 2xx.

    ``field_errors`` holds the service's validation messages (``{"Field": ["message"]}``)
    when the body has that shape, else it is empty.
    """

    #: How many times the request was sent, retries included.
    attempts: int = 1

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        url: str,
        text: str,
        field_errors: dict[str, list[str]],
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.method = method
        self.url = url
        self.text = text
        self.field_errors = field_errors
        self.response = response


class BadRequestError(APIStatusError):
    """400: the request is invalid; see ``field_errors``."""


class AuthenticationError(APIStatusError):
    """401: the credentials are wrong or revoked."""


class PlanLimitError(APIStatusError):
    """402: the organization's subscription plan does not allow this."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials lack the permission."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist or is not visible to these credentials."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` is the wait the service asked for, in seconds."""

    retry_after: float | None = None


class InternalServerError(APIStatusError):
    """5xx: the service failed."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PlanLimitError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def field_errors_of(text: str) -> dict[str, list[str]]:
    """The validation messages of a body shaped ``{"Field": ["message", ...]}`` (also under
    ``"errors"``), else ``{}``."""
    try:
        body: Any = json.loads(text)
    except ValueError:
        return {}
    if isinstance(body, dict) and isinstance(body.get("errors"), dict):
        body = body["errors"]
    if not isinstance(body, dict) or not body:
        return {}
    found: dict[str, list[str]] = {}
    for name, messages in body.items():
        if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
            return {}
        found[str(name)] = list(messages)
    return found


def status_error(
    *,
    status_code: int,
    method: str,
    url: str,
    text: str,
    headers: httpx.Headers,
    response: httpx.Response | None = None,
    secrets: Iterable[str] = (),
) -> APIStatusError:
    """Build the exception that matches ``status_code``; every string in it is redacted."""
    secrets = tuple(secrets)
    cls = _BY_STATUS.get(status_code)
    if cls is None:
        cls = InternalServerError if status_code >= 500 else APIStatusError
    safe_url = redact_url(url, secrets)
    safe_text = redact_text(text, secrets)
    fields = field_errors_of(safe_text)
    try:
        phrase = httpx.codes.get_reason_phrase(status_code)
    except ValueError:  # pragma: no cover - get_reason_phrase returns "" for unknown codes
        phrase = ""
    if fields:
        detail = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
    else:
        detail = safe_text[:_TEXT_IN_MESSAGE] + ("..." if len(safe_text) > _TEXT_IN_MESSAGE else "")
    message = f"{status_code} {phrase} for {method} {safe_url}".replace("  ", " ")
    if detail.strip():
        message += f": {detail.strip()}"
    error = cls(
        message,
        status_code=status_code,
        method=method,
        url=safe_url,
        text=safe_text,
        field_errors=fields,
        response=response,
    )
    if isinstance(error, RateLimitError):
        error.retry_after = rate_limit_wait(headers)
    return error
