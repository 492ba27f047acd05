"""Keep credentials and SDK keys out of everything a person or a log file can read.

Basic auth travels in a header; SDK keys travel in the ``X-CONFIGCAT-SDKKEY`` header and may
also show up inside a URL or a response text. Every message, repr and log line the overlay
writes goes through :func:`redact_text` or :func:`redact_url` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from configcat_publicapi._constants import SENSITIVE_HEADERS

REDACTED = "[redacted]"
#: Shorter "secrets" are not searched for: replacing every "p" would garble the message, and
#: such a value cannot be a real ConfigCat credential.
MIN_SECRET_LENGTH = 8

_KEY_PART = r"[A-Za-z0-9_-]{22}"
_SLASH = r"(?:/|%2F|%2f)"
#: ``configcat-sdk-1/<22>/<22>`` and the legacy ``<22>/<22>``, also with ``%2F`` for ``/``.
SDK_KEY_IN_TEXT = re.compile(
    rf"(?<![A-Za-z0-9_-])(?:configcat-sdk-1{_SLASH})?{_KEY_PART}{_SLASH}{_KEY_PART}(?![A-Za-z0-9_-])"
)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace every SDK-key-shaped substring and every given secret by ``[redacted]``."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    return SDK_KEY_IN_TEXT.sub(REDACTED, text)


def redact_url(url: object, secrets: Iterable[str] = ()) -> str:
    """A URL without user info and without SDK keys in its path or query."""
    text = str(url)
    parts = urlsplit(text)
    if parts.username is not None or parts.password is not None:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        text = urlunsplit(parts._replace(netloc=netloc))
    return redact_text(text, secrets)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with the values of sensitive ones replaced."""
    return {
        name: REDACTED if name.lower() in SENSITIVE_HEADERS else value
        for name, value in headers.items()
    }
