"""Every handler module, imported so that :data:`HANDLERS` holds the whole operation table.

The modules register their handlers with :func:`configcat_mock.api.operations.handles`; a test
checks that the registered operation ids are exactly the spec's.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from configcat_mock.api.operations import HANDLERS, Handler

MODULES = (
    "account",
    "audit",
    "change_requests",
    "code_references",
    "configs",
    "environments",
    "integrations",
    "products",
    "proxy_profiles",
    "segments",
    "settings",
    "tags",
    "values",
    "webhooks",
)
"""The handler modules of :mod:`configcat_mock.api.handlers`, one per resource group."""

GROUPS: tuple[ModuleType, ...] = tuple(
    import_module(f"configcat_mock.api.handlers.{name}") for name in MODULES
)

__all__ = ["GROUPS", "HANDLERS", "Handler"]
