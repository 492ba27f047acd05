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
from configcat_publicapi.workflows._run import run_changes
from configcat_publicapi.workflows._sync.apply import Applier
from configcat_publicapi.workflows._sync.export import snapshot
from configcat_publicapi.workflows.bulk import BulkResult, with_values
from configcat_publicapi.workflows.guards import check_writes
from configcat_publicapi.workflows.plan import Change, Progress, plan_against


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
    concurrency: int = 1,
) -> BulkResult:
    """Set (or, with ``value=TOGGLE``, toggle) the default value of the chosen flags.

    ``concurrency`` writes may be in flight at once (1: one after another, in order).
    """
    expect_client(cc, ConfigCatClient, "bulk_set")
    snap = snapshot(cc, product_id)
    doc = with_values(
        snap.document, value, environments=environments, keys=keys, tags=tags, configs=configs
    )
    the_plan = plan_against(snap, doc)
    result = BulkResult(the_plan)
    if dry_run:
        return result
    check_writes(the_plan.needs_reason, the_plan.needs_approval, reason)
    runner = Applier(cc, snap, reason)
    total = len(the_plan.changes)

    def report(change: Change) -> None:
        if progress is not None:
            progress(len(result.changed) + len(result.failed), total, change)

    def done(change: Change) -> None:
        result.changed.append(change)
        report(change)

    def failed(change: Change, exc: ConfigCatError) -> None:
        result.failed.append((change, exc))
        report(change)

    run_changes(the_plan.changes, runner.run, limit=concurrency, done=done, failed=failed)
    return result
