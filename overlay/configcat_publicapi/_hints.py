"""Connection failures that no retry can heal, and what to do about them where the failure
itself does not say.

An ``https://`` request to a server that speaks plain HTTP (a local mock started with
``configcat-mock serve``, named as ``CONFIGCAT_API_HOST=127.0.0.1:8080``) fails in the TLS
handshake with OpenSSL's ``WRONG_VERSION_NUMBER`` (newer OpenSSL says ``record layer
failure`` or ``packet length too long``), which says nothing about the scheme. A host name
the resolver reports as unknown (``getaddrinfo``'s ``EAI_NONAME``, ``EAI_NODATA``) is a typo
or a name that does not exist. A certificate that fails verification (self-signed, another
host's, a proxy re-signing TLS with a CA this machine does not trust) is refused again on
every attempt. These give the same answer every time, so the retry policy gives up on them at
once (:func:`is_permanent`); a resolver that could not answer for now (``EAI_AGAIN``), a
refused or reset connection and any other TLS failure may heal and stay retried.
"""

from __future__ import annotations

import socket
import ssl

import httpx

_PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG")
#: ``getaddrinfo`` answers that mean "this name does not exist" (not "try again later").
_UNKNOWN_NAME_CODES = frozenset(
    code
    for code in (getattr(socket, name, None) for name in ("EAI_NONAME", "EAI_NODATA"))
    if code is not None
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    node: BaseException | None = exc
    while node is not None and node not in seen:
        seen.append(node)
        node = node.__cause__ or node.__context__
    return seen


def _answered_plain_http(exc: BaseException) -> bool:
    for node in _chain(exc):
        text = str(node).upper().replace(" ", "_")
        if any(sign in text for sign in _PLAIN_HTTP_SIGNS):
            return True
    return False


def _unknown_name(exc: BaseException) -> bool:
    return any(
        isinstance(node, socket.gaierror) and node.errno in _UNKNOWN_NAME_CODES
        for node in _chain(exc)
    )


def _certificate_refused(exc: BaseException) -> bool:
    return any(
        isinstance(node, ssl.SSLCertVerificationError)
        or "CERTIFICATE_VERIFY_FAILED" in str(node).upper()
        for node in _chain(exc)
    )


def is_permanent(exc: BaseException) -> bool:
    """Whether a transport failure will repeat on every attempt: no retry for it."""
    return isinstance(exc, httpx.ConnectError) and (
        _unknown_name(exc) or _answered_plain_http(exc) or _certificate_refused(exc)
    )


def connection_hint(url: httpx.URL, exc: BaseException) -> str:
    """A sentence to add to a connection error's message, or ``""``."""
    port = f":{url.port}" if url.port else ""
    if _unknown_name(exc):
        return (
            f" The host name {url.host} does not resolve: check base_url= (or"
            f" CONFIGCAT_API_HOST); the public API is https://api.configcat.com."
        )
    if url.scheme == "https" and _answered_plain_http(exc):
        return (
            f" The server at {url.host}{port} answered plain HTTP to an https request:"
            f" write http://{url.host}{port} (base_url= or CONFIGCAT_API_HOST)."
        )
    if _certificate_refused(exc):
        return (
            f" The certificate of {url.host}{port} was not accepted, so no retry was made:"
            " check the host in base_url= (or CONFIGCAT_API_HOST); behind a proxy that"
            " re-signs TLS, pass transport=httpx.HTTPTransport(verify=context) with a"
            " context that trusts its CA."
        )
    return ""
