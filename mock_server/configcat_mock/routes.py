"""Operation id -> handler: the table that connects the spec's operations to the handlers.

A handler is the function named after the operation id (``get-products`` ->
``get_products``) in its resource group's module; the SDK-key variants of the value
endpoints share the handlers of the id-based ones.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Any

from configcat_mock import handlers
from configcat_mock.context import Call

Handler = Callable[[Call], Any]

#: The resource groups: every public module of ``configcat_mock.handlers``, by name.
GROUPS: tuple[ModuleType, ...] = tuple(
    import_module(f"{handlers.__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(handlers.__path__), key=lambda info: info.name)
    if not info.name.startswith("_")
)

ALIASES: dict[str, str] = {
    "get-setting-value-by-sdkkey": "get-setting-value",
    "replace-setting-value-by-sdkkey": "replace-setting-value",
    "update-setting-value-by-sdkkey": "update-setting-value",
    "get-setting-value-by-sdkkey-v2": "get-setting-value-v2",
    "replace-setting-value-by-sdkkey-v2": "replace-setting-value-v2",
    "update-setting-value-by-sdkkey-v2": "update-setting-value-v2",
}


#: Public functions of handler modules that are helpers, not operations.
NOT_OPERATIONS = frozenset({"apply_due"})


def _collect() -> dict[str, Handler]:
    found: dict[str, Handler] = {}
    for module in GROUPS:
        for name, fn in vars(module).items():
            if name.startswith("_") or getattr(fn, "__module__", "") != module.__name__:
                continue
            if name in NOT_OPERATIONS:
                continue
            found[name.replace("_", "-")] = fn
    for alias, target in ALIASES.items():
        if target in found:
            found[alias] = found[target]
    return found


HANDLERS: dict[str, Handler] = _collect()
