"""Several writes in flight: each change waits for what it needs, and the result is the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from configcat_mock.http.faults import FaultRule
from configcat_mock.http.server import LoopbackServer
from configcat_publicapi import APIStatusError, AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows.plan import Change
from configcat_publicapi.workflows.schedule import dependencies
from tests.workflows.test_workflows_interrupt import assert_converged
from tests.workflows.workflows_support import Org, full_document

WRITE_LATENCY = FaultRule("*", latency_ms=15)


class Counting(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Counts the requests in flight at once, the most of them, for a sync or async inner."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.now = self.most = 0
        self.lock = threading.Lock()

    def _enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def _leave(self) -> None:
        with self.lock:
            self.now -= 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._enter()
        try:
            response: httpx.Response = self.inner.handle_request(request)
            response.read()
            return response
        finally:
            self._leave()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._enter()
        try:
            response: httpx.Response = await self.inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self._leave()


def _keyed(changes: list[Change]) -> dict[tuple[str, str, str, str | None, str | None], int]:
    return {(c.action, c.kind, c.name, c.config, c.environment): i for i, c in enumerate(changes)}


def test_each_change_waits_for_what_it_names(source: Org) -> None:
    changes = wf.plan(source.cc, full_document(), source.product()).changes
    deps = dependencies(changes)
    at = _keyed(changes)
    for i, c in enumerate(changes):
        earlier = {(changes[j].kind, changes[j].name) for j in deps[i]}
        assert all(j < i for j in deps[i])
        if c.kind == "value":
            assert ("setting", c.name) in earlier
            assert ("environment", c.environment) in earlier
        elif c.kind == "setting" and c.action == "create":
            assert ("config", c.config) in earlier
            assert {("tag", t) for t in c.after.get("tags", [])} <= earlier
        elif c.kind == "preferences":
            assert deps[i] == set(range(i))  # after every value, as one at a time
        else:
            assert deps[i] == set(), c.describe()
    # a segment condition and a prerequisite condition: the segment and the other flag too
    beta = at[("update", "value", "isBeta", "Main", "Production")]
    assert ("segment", "Beta testers") in {(changes[j].kind, changes[j].name) for j in deps[beta]}
    discount = next(
        i for i, c in enumerate(changes)
        if c.kind == "value" and "prerequisiteFlagCondition" in str(c.after)
    )  # fmt: skip
    prerequisite = str(changes[discount].after).split("'prerequisiteKey': '")[1].split("'")[0]
    assert at[("create", "setting", prerequisite, changes[discount].config, None)] in deps[discount]
    # no value waits for another value: they are the bulk of a plan
    values = [i for i, c in enumerate(changes) if c.kind == "value"]
    assert not any(changes[j].kind == "value" for i in values for j in deps[i])


def test_deletes_wait_for_everything_before_them(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    doc = full_document()
    del doc["configs"][1]
    doc["tags"].pop()
    doc["configs"][0]["settings"][2]["tags"] = ["client"]
    changes = wf.plan(source.cc, doc, product, prune=True).changes
    deps = dependencies(changes)
    for i, c in enumerate(changes):
        if c.action == "delete":
            assert deps[i] == set(range(i))


@pytest.fixture
def served(source: Org) -> Iterator[str]:
    source.mock.app.faults.configure([WRITE_LATENCY], 0)
    with LoopbackServer(source.mock.app) as server:
        yield server.url


def test_sync_apply_with_writes_in_flight(source: Org, served: str) -> None:
    product = source.product()
    counting = Counting(httpx.HTTPTransport())
    with ConfigCatClient(
        "demo", "demo", base_url=served, transport=counting, rate_limit=None
    ) as cc:
        total = len(wf.plan(cc, full_document(), product).changes)
        seen: list[int] = []
        result = wf.apply(
            cc, full_document(), product, concurrency=4,
            progress=lambda n, t, c: seen.append(n),
        )  # fmt: skip
        assert seen == list(range(1, total + 1))
        assert len(result.done) == total
        assert 1 < counting.most <= 4
    source.mock.app.faults.configure([])
    assert_converged(source.mock, source.cc, product)


async def test_async_apply_with_writes_in_flight(source: Org) -> None:
    source.mock.app.faults.configure([WRITE_LATENCY], 0)
    product = source.product()
    counting = Counting(source.mock.async_transport)
    async with AsyncConfigCatClient(
        "demo", "demo", base_url="http://m", transport=counting, rate_limit=None
    ) as acc:
        result = await wf.async_apply(acc, full_document(), product, concurrency=6)
        assert 1 < counting.most <= 6
        assert len({c.path for c in result.done}) == len(result.done)
    source.mock.app.faults.configure([])
    assert_converged(source.mock, source.cc, product)


def test_a_failed_write_stops_new_ones_and_a_rerun_converges(source: Org, served: str) -> None:
    product = source.product()
    failing = FaultRule("replace-setting-value-v2", rate_500=1.0)
    source.mock.app.faults.configure([failing, WRITE_LATENCY], 0)  # the first match wins
    with ConfigCatClient("demo", "demo", base_url=served, max_retries=0, rate_limit=None) as cc:
        source.mock.journal.clear()
        with pytest.raises(APIStatusError):
            wf.apply(cc, full_document(), product, concurrency=4)
        # after the first failure nothing new starts: at most the 4 in flight were sent
        tried = [e for e in source.mock.journal.entries if e.operation_id == failing.route]
        assert 1 <= len(tried) <= 4
        source.mock.app.faults.configure([])
        rest = wf.apply(cc, full_document(), product, concurrency=4)
        assert any(c.kind == "value" for c in rest.done)
    assert_converged(source.mock, source.cc, product)


async def test_bulk_edits_in_flight_report_each_failure(source: Org) -> None:
    product = source.product()
    wf.apply(source.cc, full_document(), product)
    source.mock.app.faults.configure([FaultRule("replace-setting-value", rate_500=1.0)], 0)
    async with AsyncConfigCatClient(
        "demo",
        "demo",
        base_url="http://m",
        transport=source.mock.async_transport,
        max_retries=0,
        rate_limit=None,
    ) as acc:
        result = await wf.async_bulk_set(
            acc, product, 7, environments=["Production", "Staging"],
            keys=["discount", "legacyLimit"], concurrency=3,
        )  # fmt: skip
    planned = {c.path for c in result.plan.changes}
    assert len(planned) == 4
    assert {c.path for c in result.changed} | {c.path for c, _ in result.failed} == planned
    # the v1 config's writes failed, the v2 config's went through
    assert {c.config for c, _ in result.failed} == {"Legacy"}
    assert {c.config for c in result.changed} == {"Main"}


@pytest.mark.parametrize("bad", [0, -1])
def test_concurrency_below_one_is_refused(source: Org, bad: int) -> None:
    with pytest.raises(ValueError, match="concurrency must be 1 or more"):
        wf.apply(source.cc, full_document(), source.product(), concurrency=bad)


@pytest.mark.slow
def test_ctrl_c_with_writes_in_flight_lets_them_finish(
    source: Org, served: str, tmp_path: Path
) -> None:
    product = str(source.product())
    doc = tmp_path / "shop.yaml"
    doc.write_text(wf.dumps(full_document()), encoding="utf-8")
    env = os.environ | {
        "CONFIGCAT_API_HOST": served,
        "CONFIGCAT_API_USER": "demo",
        "CONFIGCAT_API_PASS": "demo",
    }
    command = [sys.executable, "-m", "configcat_publicapi.cli", "apply", str(doc), product]
    first = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*command, "--concurrency", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip
    assert first.stdout is not None
    line = first.stdout.readline()
    while line and not line.startswith("["):  # the plan, printed before the first write
        line = first.stdout.readline()
    for _ in range(7):
        assert first.stdout.readline().startswith("[")
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 130, err
    assert "run the same command again to resume" in err
    assert "Traceback" not in err
    second = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "--concurrency", "4"], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    source.mock.app.faults.configure([])
    assert_converged(source.mock, source.cc, product)


def _recorder(changes: list[Change]) -> tuple[list[str], Any]:
    events: list[str] = []
    lock = threading.Lock()

    def note(kind: str, change: Change) -> None:
        with lock:
            events.append(f"{kind} {changes.index(change)}")

    return events, note


def _assert_waited(changes: list[Change], events: list[str], limit: int) -> None:
    order = {e: n for n, e in enumerate(events)}
    deps = dependencies(changes)
    for i in range(len(changes)):
        for j in deps[i]:
            assert order[f"end {j}"] < order[f"start {i}"], (j, i)
    flying = most = 0
    for e in events:
        flying += 1 if e.startswith("start") else -1
        most = max(most, flying)
    assert 1 < most <= limit


def test_the_drivers_start_nothing_before_what_it_waits_for(source: Org) -> None:
    import time

    from configcat_publicapi.workflows._run import run_changes

    changes = wf.plan(source.cc, full_document(), source.product()).changes
    events, note = _recorder(changes)

    def run(change: Change) -> None:
        note("start", change)
        time.sleep(0.002)
        note("end", change)

    run_changes(changes, run, limit=5, done=lambda c: None)
    _assert_waited(changes, events, 5)


async def test_the_async_driver_starts_nothing_before_what_it_waits_for(source: Org) -> None:
    import anyio

    from configcat_publicapi.workflows._run import run_changes_async

    changes = wf.plan(source.cc, full_document(), source.product()).changes
    events, note = _recorder(changes)

    async def run(change: Change) -> None:
        note("start", change)
        await anyio.sleep(0.002)
        note("end", change)

    await run_changes_async(changes, run, limit=5, done=lambda c: None)
    _assert_waited(changes, events, 5)
