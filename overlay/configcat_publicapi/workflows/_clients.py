"""Which client a workflow function takes, said early: a sync function given an async client
would otherwise fail deep inside with an un-awaited coroutine."""

from __future__ import annotations

from typing import Any

from configcat_publicapi._client import AsyncConfigCatClient, ConfigCatClient


def expect_client(cc: Any, expected: type[Any], name: str) -> None:
    """Raise :class:`TypeError` unless ``cc`` is an ``expected``; ``name`` is the sync name."""
    if isinstance(cc, expected):
        return
    ours = f"async_{name}" if expected is AsyncConfigCatClient else name
    if isinstance(cc, AsyncConfigCatClient):
        hint = f"use async_{name}() with an AsyncConfigCatClient"
    elif isinstance(cc, ConfigCatClient):
        hint = f"use {name}() with a ConfigCatClient"
    else:
        hint = "pass a ConfigCatClient or an AsyncConfigCatClient"
    kind = expected.__name__
    article = "an" if kind[0] in "AEIOU" else "a"
    raise TypeError(f"{ours}() takes {article} {kind}, not {type(cc).__name__}: {hint}")
