"""SDK-key scopes: the operations that name config and environment by ``X-CONFIGCAT-SDKKEY``.

``cc.for_sdk_key(key)`` checks the key's format before any request and never shows the key:
its repr, the client's log lines and every exception message carry ``[redacted]`` instead.
The scopes themselves are in ``_async/sdk_keys.py`` and, derived from it, ``_sync/sdk_keys.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from configcat_publicapi._exceptions import SdkKeyFormatError

if TYPE_CHECKING:
    from configcat_publicapi_client.models import JsonPatchOperation

#: ``configcat-sdk-1/<22>/<22>`` and the legacy ``<22>/<22>``.
SDK_KEY_FORMAT = re.compile(r"(?:configcat-sdk-1/)?[A-Za-z0-9_-]{22}/[A-Za-z0-9_-]{22}")


def check_sdk_key(sdk_key: object) -> str:
    """Return ``sdk_key`` if it has a ConfigCat SDK key format, else raise without echoing it."""
    if not isinstance(sdk_key, str) or not SDK_KEY_FORMAT.fullmatch(sdk_key):
        shape = f"a {type(sdk_key).__name__}"
        if isinstance(sdk_key, str):
            shape += f" of length {len(sdk_key)}"
        raise SdkKeyFormatError(
            f"not a ConfigCat SDK key (got {shape}); expected 'configcat-sdk-1/<22 chars>/<22 "
            "chars>' or the legacy '<22 chars>/<22 chars>', letters, digits, '-' and '_' only"
        )
    return sdk_key


def flag(setting_key_or_id: str | int) -> str:
    """The flag part of an SDK-key URL: a key, or a numeric id as text."""
    if isinstance(setting_key_or_id, bool) or not isinstance(setting_key_or_id, (str, int)):
        raise TypeError("a flag is named by its key (str) or its numeric id (int)")
    text = str(setting_key_or_id)
    if not text:
        raise ValueError("the flag key is empty")
    return text


def patch_body(patch: Iterable[Any]) -> list[JsonPatchOperation]:
    """Accept a builder from :mod:`configcat_publicapi.patch` or a list of operations."""
    build = getattr(patch, "build", None)
    return list(build() if callable(build) else patch)


class ScopeBase:
    """What the sync and async SDK-key scopes share: the checked key."""

    __slots__ = ("_key",)

    def __init__(self, sdk_key: str) -> None:
        self._key = check_sdk_key(sdk_key)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(sdk_key='[redacted]')"
