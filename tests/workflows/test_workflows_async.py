"""The async workflows: the same calls as the sync ones, through an AsyncConfigCatClient."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest

from configcat_mock import MockConfigCat
from configcat_publicapi import AsyncConfigCatClient
from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows.plan import Change
from tests.workflows.workflows_support import Org, full_document

TWINS = sorted(name[len("async_") :] for name in wf.__all__ if name.startswith("async_"))


@pytest.fixture
async def acc(source: Org) -> AsyncIterator[AsyncConfigCatClient]:
    """An async client of the same fake as ``source.cc``."""
    mock: MockConfigCat = source.mock
    async with AsyncConfigCatClient(
        "demo", "demo", base_url="http://mock", transport=mock.async_transport, rate_limit=None
    ) as client:
        yield client


def test_every_function_that_calls_the_service_has_an_async_twin() -> None:
    assert TWINS == [
        "apply", "bulk_set", "diff_products", "export", "plan", "promote", "run_plan", "snapshot"
    ]  # fmt: skip
    for name in TWINS:
        sync, asynchronous = getattr(wf, name), getattr(wf, f"async_{name}")
        assert not inspect.iscoroutinefunction(sync), name
        assert inspect.iscoroutinefunction(asynchronous), name
        # the same parameters, in the same order and kind, with the same defaults
        params = inspect.signature(sync).parameters.values()
        aparams = inspect.signature(asynchronous).parameters.values()
        assert [(p.name, p.kind, p.default) for p in params] == [
            (p.name, p.kind, p.default) for p in aparams
        ], name


async def test_apply_export_and_plan(source: Org, acc: AsyncConfigCatClient) -> None:
    product = source.product()
    seen: list[tuple[int, int, str]] = []

    def progress(n: int, total: int, change: Change) -> None:
        seen.append((n, total, change.kind))

    first = await wf.async_plan(acc, full_document(), product)
    result = await wf.async_apply(acc, full_document(), product, reason="async", progress=progress)
    assert [c.path for c in result.done] == [c.path for c in first.changes]
    assert [n for n, _, _ in seen] == list(range(1, len(first.changes) + 1))
    assert not await wf.async_plan(acc, full_document(), product)
    exported = await wf.async_export(acc, product)
    # what the async reader sees is what the sync reader sees, and what the document says
    assert exported == wf.export(source.cc, product)
    assert wf.canonical(exported) == wf.canonical(full_document())
    snap = await wf.async_snapshot(acc, product, configs=["Legacy"])
    assert [c["name"] for c in snap.document["configs"]] == ["Legacy"]
    assert set(snap.configs) == {"Legacy"}


async def test_an_interrupted_async_apply_resumes(source: Org, acc: AsyncConfigCatClient) -> None:
    product = source.product()

    class Stop(Exception):
        pass

    def stop_at_ten(n: int, total: int, change: Change) -> None:
        if n == 10:
            raise Stop

    with pytest.raises(Stop):
        await wf.async_apply(acc, full_document(), product, progress=stop_at_ten)
    rest = await wf.async_apply(acc, full_document(), product)
    total = len(wf.plan(source.cc, full_document(), source.product("B")).changes)
    assert len(rest.done) == total - 10
    assert wf.canonical(wf.export(source.cc, product)) == wf.canonical(full_document())


async def test_promote_diff_and_bulk(source: Org, acc: AsyncConfigCatClient) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    other = source.product("Other")
    diff = await wf.async_diff_products(acc, product, other)
    assert diff.to_json() == wf.diff_products(source.cc, product, other).to_json()

    main: dict[str, Any] = {"config": "Main"}
    dry, none = await wf.async_promote(acc, product, "Production", "Staging", dry_run=True, **main)
    assert none is None and dry.changes
    sync_dry, _ = wf.promote(source.cc, product, "Production", "Staging", dry_run=True, **main)
    assert dry.to_json() == sync_dry.to_json()
    the_plan, done = await wf.async_promote(
        acc, product, "Production", "Staging", reason="go", **main
    )
    assert done is not None and len(done.done) == len(the_plan.changes)
    after = wf.export(source.cc, product)
    assert wf.diff_environments(after, "Production", "Staging", config="Main") == []

    bulk = await wf.async_bulk_set(
        acc, product, wf.TOGGLE, environments=["Staging"], keys=["isBeta"], configs=["Main"]
    )
    assert [c.name for c in bulk.changed] == ["isBeta"] and bulk.failed == []
    assert not await wf.async_plan(acc, wf.export(source.cc, product), product)


@pytest.mark.parametrize("name", TWINS)
async def test_the_wrong_kind_of_client_is_refused_early(
    name: str, source: Org, acc: AsyncConfigCatClient
) -> None:
    args: dict[str, tuple[Any, ...]] = {
        "apply": (full_document(), "p"),
        "plan": (full_document(), "p"),
        "run_plan": (None, None),
        "bulk_set": ("p", True),
        "diff_products": ("p", "q"),
        "export": ("p",),
        "snapshot": ("p",),
        "promote": ("p", "a", "b"),
    }
    extra = {"environments": ["x"]} if name == "bulk_set" else {}
    to_sync = (
        rf"^{name}\(\) takes a ConfigCatClient, not AsyncConfigCatClient: "
        rf"use async_{name}\(\) with an AsyncConfigCatClient"
    )
    with pytest.raises(TypeError, match=to_sync):
        getattr(wf, name)(acc, *args[name], **extra)
    to_async = (
        rf"^async_{name}\(\) takes an AsyncConfigCatClient, not ConfigCatClient: "
        rf"use {name}\(\) with a ConfigCatClient"
    )
    with pytest.raises(TypeError, match=to_async):
        await getattr(wf, f"async_{name}")(source.cc, *args[name], **extra)
    assert source.mock.journal.entries == [] or all(
        e.method == "POST" and "products" in e.path for e in source.mock.journal.entries
    )
