"""Hashing of sensitive comparison values and the per-config salt, as SDKs expect them.

A sensitive item is served as ``sha256(value_utf8 + config_salt + context_salt)`` in hex, where
the context salt is the setting key (the segment name for a segment's condition). Starts-with
and ends-with items are served as ``"<byte length>_<hash>"`` so an SDK knows how many bytes of
the user's value to hash.
"""

from __future__ import annotations

import base64
import functools
import hashlib


@functools.lru_cache(maxsize=65536)
def sensitive_hash(value: str, config_salt: str, context_salt: str) -> str:
    """The hex SHA-256 of ``value + config_salt + context_salt`` (UTF-8); memoised, as a
    rebuild after a change hashes the same items again."""
    data = value.encode() + config_salt.encode() + context_salt.encode()
    return hashlib.sha256(data).hexdigest()


def sensitive_affix_hash(value: str, config_salt: str, context_salt: str) -> str:
    """A starts-with / ends-with item: ``"<UTF-8 byte length>_<sensitive hash>"``."""
    return f"{len(value.encode())}_{sensitive_hash(value, config_salt, context_salt)}"


def config_salt(config_id: str) -> str:
    """The salt of a config: derived from its id, so it is stable across restarts and state
    dumps without a stored field, and differs between configs."""
    digest = hashlib.sha256(f"configcat-mock-salt:{config_id}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")
