"""Keep credentials and SDK keys out of everything a person or a log file can read.

Basic auth travels in a header; SDK keys travel in the ``X-CONFIGCAT-SDKKEY`` header and may
also show up inside a URL or a response text. Every message, repr and log line the overlay
writes goes through :func:`redact_text` or :func:`redact_url` first. httpx logs every
request URL itself, so the clients also put :class:`RedactingFilter` on the ``httpx`` and
``httpcore`` loggers (and on this package's own): a key that a caller puts into a raw
request's URL, or a ``user:password@`` URL handed to a log call as an argument, is hidden there
too.

A logger's filters see only the records logged on that very logger, not those of its
children, and httpcore logs on ``httpcore.http11``, ``httpcore.connection`` and the like: the
filter therefore goes on every logger of these packages that exists when a client is built
(httpcore creates its loggers when it is imported, which httpx does) and on the children
httpcore is known to use, should one of them be created later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from configcat_publicapi._constants import SENSITIVE_HEADERS

REDACTED = "[redacted]"
#: Secrets this long are replaced wherever they occur.
MIN_SECRET_LENGTH = 8
#: Shorter ones (down to this length) only where they stand alone, not inside a longer word;
#: shorter still are not searched for: replacing every "p" would garble the message, and such
#: a value cannot be a real ConfigCat credential.
MIN_SHORT_SECRET_LENGTH = 4

_KEY_PART = r"[A-Za-z0-9_-]{22}"
_SLASH = r"(?:/|%2F|%2f)"
#: ``configcat-sdk-1/<22>/<22>`` and the legacy ``<22>/<22>``, also with ``%2F`` for ``/``.
SDK_KEY_IN_TEXT = re.compile(
    rf"(?<![A-Za-z0-9_-])(?:configcat-sdk-1{_SLASH})?{_KEY_PART}{_SLASH}{_KEY_PART}(?![A-Za-z0-9_-])"
)


#: The user info of a URL inside a text (``https://user:password@host``): scheme, then
#: everything up to an ``@`` that comes before the host's end (``/``, ``?``, ``#``, a space).
URL_USER_INFO = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s@]*@")


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Drop the user info of every URL in ``text`` and replace every SDK-key-shaped substring
    and every given secret by ``[redacted]``."""
    if "@" in text:
        text = URL_USER_INFO.sub(r"\1", text)
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
        elif len(secret) >= MIN_SHORT_SECRET_LENGTH and secret in text:
            alone = rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])"
            text = re.sub(alone, REDACTED, text)
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


class RedactingFilter(logging.Filter):
    """Rewrites a record's message without user info or SDK keys; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's message arguments; every record is kept."""
        if isinstance(record.args, tuple):
            record.args = tuple(_safe_arg(arg) for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True


def _safe_arg(arg: object) -> object:
    """The argument itself when its text holds nothing secret, else its redacted text."""
    if isinstance(arg, int | float | bytes) or arg is None:
        return arg
    text = str(arg)
    try:
        safe = redact_url(text) if type(arg).__name__ == "URL" else redact_text(text)
    except ValueError:  # not parseable as a URL after all
        safe = redact_text(text)
    return arg if safe == text else safe


_FILTERED_ROOTS = ("httpx", "httpcore", "configcat_publicapi")
#: httpcore's loggers (``httpcore._trace`` names them after the module that logs).
_KNOWN_CHILDREN = (
    "httpcore.connection",
    "httpcore.connection_pool",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_LOG_FILTER = RedactingFilter()


def _library_loggers() -> set[str]:
    existing = {
        name
        for name in logging.root.manager.loggerDict
        if name.partition(".")[0] in _FILTERED_ROOTS
    }
    return {*_FILTERED_ROOTS, *_KNOWN_CHILDREN, *existing}


def install_log_redaction() -> None:
    """Put the redacting filter on the HTTP libraries' loggers and their children (idempotent)."""
    for name in sorted(_library_loggers()):
        log = logging.getLogger(name)
        if _LOG_FILTER not in log.filters:
            log.addFilter(_LOG_FILTER)


def scrub_exception(exc: BaseException, secrets: Iterable[str] = ()) -> BaseException:
    """Redact the text arguments of ``exc`` and of the exceptions it was raised from.

    The overlay's own errors chain the library errors that caused them, and a traceback
    (``logger.exception``) prints each link's message.
    """
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if any(isinstance(arg, str) for arg in link.args):
            link.args = tuple(
                redact_text(a, secrets) if isinstance(a, str) else a for a in link.args
            )
        link = link.__cause__ or link.__context__
    return exc
