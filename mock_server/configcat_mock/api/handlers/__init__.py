"""HTTP handlers, one module per resource group.

Each takes a :class:`~configcat_mock.api.context.Call` and returns the response body in the
spec's property names (or a ``Reply``); it names the operations it answers with
:func:`~configcat_mock.api.operations.handles`. Rules that several places share live in
:mod:`configcat_mock.api.rules`, not here."""

from __future__ import annotations

from configcat_mock.api.operations import HANDLERS, Handler, register_package

MODULES = register_package(__name__)
"""Every module of this package: a module added here registers its handlers by being here."""

__all__ = ["HANDLERS", "MODULES", "Handler"]
