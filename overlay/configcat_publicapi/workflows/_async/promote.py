"""Promote and compare products: the reads and writes around :mod:`..promote`'s documents."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from configcat_publicapi._async.client import AsyncConfigCatClient
from configcat_publicapi.workflows._async.apply import run_plan
from configcat_publicapi.workflows._async.export import snapshot
from configcat_publicapi.workflows._clients import expect_client
from configcat_publicapi.workflows.plan import ApplyResult, Plan, Progress, plan_against
from configcat_publicapi.workflows.promote import comparable, promoted, with_structural


async def diff_products(cc: AsyncConfigCatClient, left: str | UUID, right: str | UUID) -> Plan:
    """What applying product ``left`` to product ``right`` would change (deletes included).

    What no apply can change in place (a config's evaluation version, a flag's type) is in
    the plan too, as a change of that field, rather than refused.
    """
    expect_client(cc, AsyncConfigCatClient, "diff_products")
    source = await snapshot(cc, left)
    target = await snapshot(cc, right)
    document, structural = comparable(source.document, target.document)
    return with_structural(plan_against(target, document, prune=True), structural)


async def promote(
    cc: AsyncConfigCatClient,
    product_id: str | UUID,
    source: str,
    target: str,
    *,
    keys: Iterable[str] | None = None,
    config: str | None = None,
    target_config: str | None = None,
    reason: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    concurrency: int = 1,
) -> tuple[Plan, ApplyResult | None]:
    """Copy values (and rules) of the chosen flags from ``source`` to ``target``.

    Returns the plan (the diff) and, unless ``dry_run``, what was applied.
    """
    expect_client(cc, AsyncConfigCatClient, "promote")
    snap = await snapshot(cc, product_id)
    doc = promoted(
        snap.document, source, target, keys=keys, config=config, target_config=target_config
    )
    the_plan = plan_against(snap, doc)
    if dry_run:
        return the_plan, None
    done = await run_plan(
        cc, snap, the_plan, reason=reason, progress=progress, concurrency=concurrency
    )
    return the_plan, done
