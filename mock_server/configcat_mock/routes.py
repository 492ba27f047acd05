"""Every handler module, imported so that :data:`HANDLERS` holds the whole operation table.

The modules register their handlers with :func:`configcat_mock.operations.handles`; a test
checks that the registered operation ids are exactly the spec's.
"""

from __future__ import annotations

from configcat_mock.handlers import (
    account,
    audit,
    change_requests,
    code_references,
    configs,
    environments,
    integrations,
    products,
    proxy_profiles,
    segments,
    settings,
    tags,
    values,
    webhooks,
)
from configcat_mock.operations import HANDLERS, Handler

GROUPS = (
    account,
    audit,
    change_requests,
    code_references,
    configs,
    environments,
    integrations,
    products,
    proxy_profiles,
    segments,
    settings,
    tags,
    values,
    webhooks,
)
"""The handler modules, one per resource group."""

__all__ = ["GROUPS", "HANDLERS", "Handler"]
