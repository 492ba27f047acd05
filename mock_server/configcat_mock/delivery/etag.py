"""Entity tags: a weak tag per content for config_v6, and ``If-None-Match`` matching.

Hand-written because the rule is three lines (RFC 9110 weak comparison: ``W/`` is ignored,
``*`` matches anything) and Starlette offers no conditional-request helper for dynamic bodies.
"""

from __future__ import annotations

import hashlib


def weak_etag(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    if tag[:2] in ("W/", "w/"):
        tag = tag[2:]
    return tag.strip('"')


def matches(etag: str, if_none_match: str | None) -> bool:
    """Whether an ``If-None-Match`` value (a list of tags, or ``*``) names ``etag``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    current = _opaque(etag)
    return any(_opaque(tag) == current for tag in if_none_match.split(","))
