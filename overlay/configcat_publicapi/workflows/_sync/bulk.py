# Derived from configcat_publicapi/workflows/_async/bulk.py
# by scripts/make_sync.py: do not edit.
"""Bulk edits: the reads and writes around :mod:`..bulk`'s edited document."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from configcat_publicapi._exceptions import ConfigCatError
from configcat_publicapi._sync.client import ConfigCatClient
from configcat_publicapi.workflows._clients import expect_client
from configcat_publicapi.workflows._sync.apply import Applier
from configcat_publicapi.workflows._sync.export import snapshot
from configcat_publicapi.workflows.bulk import BulkResult, with_values
from configcat_publicapi.workflows.plan import Progress, plan_against


def bulk_set(
    cc: ConfigCatClient,
    product_id: str | UUID,
    value: Any,
    *,
    environments: Iterable[str],
    keys: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    configs: Iterable[str] | None = None,
    reason: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> BulkResult:
    """Set (or, with ``value=TOGGLE``, toggle) the default value of the chosen flags."""
    expect_client(cc, ConfigCatClient, "bulk_set")
    snap = snapshot(cc, product_id)
    doc = with_values(
        snap.document, value, environments=environments, keys=keys, tags=tags, configs=configs
    )
    the_plan = plan_against(snap, doc)
    result = BulkResult(the_plan)
    if dry_run:
        return result
    runner = Applier(cc, snap, the_plan.document, reason)
    for n, change in enumerate(the_plan.changes, 1):
        try:
            runner.run(change)
        except ConfigCatError as exc:
            result.failed.append((change, exc))
        else:
            result.changed.append(change)
        if progress is not None:
            progress(n, len(the_plan.changes), change)
    return result
