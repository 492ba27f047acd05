"""What to do about a failed connection, where the failure says more than its message.

An ``https://`` request to a server that speaks plain HTTP (a local mock started with
``configcat-mock serve``, named as ``CONFIGCAT_API_HOST=127.0.0.1:8080``) fails in the TLS
handshake with OpenSSL's ``WRONG_VERSION_NUMBER`` (newer OpenSSL says ``record layer
failure`` or ``packet length too long``), which says nothing about the scheme.
"""

from __future__ import annotations

import httpx

_PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    node: BaseException | None = exc
    while node is not None and node not in seen:
        seen.append(node)
        node = node.__cause__ or node.__context__
    return seen


def connection_hint(url: httpx.URL, exc: BaseException) -> str:
    """A sentence to add to a connection error's message, or ``""``."""
    if url.scheme != "https":
        return ""
    for node in _chain(exc):
        text = str(node).upper().replace(" ", "_")
        if any(sign in text for sign in _PLAIN_HTTP_SIGNS):
            port = f":{url.port}" if url.port else ""
            return (
                f" The server at {url.host}{port} answered plain HTTP to an https request:"
                f" write http://{url.host}{port} (base_url= or CONFIGCAT_API_HOST)."
            )
    return ""
