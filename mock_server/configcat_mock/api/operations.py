"""The operation table: spec operation id -> the handler that answers it.

Each handler names the operations it answers with :func:`handles`; nothing is derived from
function names, so helpers a handler module exposes never become endpoints and one function
can serve several operations (the SDK-key variants of the value endpoints). Importing
:mod:`configcat_mock.api.routes` imports every handler module and so fills the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from configcat_mock.api.context import Call

Handler = Callable[[Call], Any]
F = TypeVar("F", bound=Handler)

HANDLERS: dict[str, Handler] = {}
"""Operation id -> handler, as registered."""


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
