"""The operation table: spec operation id -> the handler that answers it.

Each handler names the operations it answers with :func:`handles`; nothing is derived from
function names, so helpers a handler module exposes never become endpoints and one function
can serve several operations (the SDK-key variants of the value endpoints). Importing
Importing :mod:`configcat_mock.api.handlers` imports every module in that package
(:func:`register_package` finds them, no list is kept by hand) and so fills the table;
:func:`operation_table` does that by name, so that the handlers, which import this module, are
not imported by it.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Any, TypeVar

from configcat_mock.api.context import Call

Handler = Callable[[Call], Any]
F = TypeVar("F", bound=Handler)

HANDLERS: dict[str, Handler] = {}
"""Operation id -> handler, as registered."""

HANDLER_PACKAGE = "configcat_mock.api.handlers"


def handles(*operation_ids: str) -> Callable[[F], F]:
    """Register the decorated function as the handler of ``operation_ids``."""

    def register(fn: F) -> F:
        for operation_id in operation_ids:
            other = HANDLERS.get(operation_id)
            if other is not None and other is not fn:
                raise RuntimeError(f"{operation_id} has two handlers: {other} and {fn}")
            HANDLERS[operation_id] = fn
        return fn

    return register


def register_package(package: str) -> tuple[ModuleType, ...]:
    """Import every module of ``package`` whose name does not start with ``_``; each registers
    its handlers as it is imported. Returns the modules, in name order."""
    found = pkgutil.iter_modules(import_module(package).__path__)
    names = sorted(info.name for info in found if not info.name.startswith("_"))
    return tuple(import_module(f"{package}.{name}") for name in names)


def operation_table() -> dict[str, Handler]:
    """Operation id -> handler, with every module of :data:`HANDLER_PACKAGE` registered."""
    import_module(HANDLER_PACKAGE)
    return HANDLERS
