"""The TLS setting of the client's own transport: full verification, built only when used.

httpx builds its default TLS context (loading every trusted certificate) when a transport
is made, which costs a command more than the rest of its start-up after importing httpx.
A client whose base URL is plain ``http://`` (a local fake, a proxy on loopback) never
opens a TLS connection: it gets a context that trusts no certificate at all, so that if one
were ever opened it would fail verification rather than pass unchecked. ``https://`` URLs
keep httpx's default verification.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit


def verify_for(base_url: str) -> ssl.SSLContext | bool:
    """``True`` (httpx's default verification) for https; a trust-nothing context otherwise."""
    if urlsplit(base_url).scheme == "https":
        return True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, with no certificate loaded
    return context
