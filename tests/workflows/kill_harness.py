"""Kill ``configcat-publicapi apply`` (a real process) at chosen points, then run it again.

Each kill point has an organization of its own (and a user of its own in it) on one shared
:class:`~configcat_mock.http.server.LoopbackServer`, so the points run several at a time and the
server tells their requests apart by the Basic credentials. A hook wrapped around the app's
endpoint does the server's part of a point, on the first run only:

* ``before``: when the k-th write request arrives the client is signalled; the server waits
  until the client's socket has closed and drops the request, so it is never stored;
* ``after``: the k-th write is handled and stored, then the client is signalled and the answer
  held back until the client has gone: the write is kept and its answer lost;
* ``random``: a timer sends the signal a random few milliseconds after the k-th write arrived,
  wherever the client is by then (in its own code or waiting for an answer, by chance; the
  hook notes which). Writes past k + :data:`HOLD` wait for the signal, so the kill always
  lands before the run could end.

With a ``fault_seed`` the point's first run also gets after-commit faults (a 500, a 503 or a
dropped connection after the write is stored), drawn from an injector of its own so that each
point sees the same faults whatever the others do. The answer of the point's first write is
always lost (its kill is tied to a later one), so every faulted point combines the two; never
two faults in a row for one point: every call then gets through on its second attempt, and
the run lasts until its kill.

What a signal is expected to do, wherever it lands: SIGKILL ends the process at once
(-SIGKILL). SIGINT raises ``KeyboardInterrupt`` in the main thread, also while it waits in a
socket read for an answer (the read is interrupted, PEP 475); the command prints "interrupted:
run the same command again to resume" and exits 130, without a traceback. A write that was in
flight may or may not be stored; the next run looks before it creates (safe creates) and ends
equal to the document.

Waiting is on events (the client's socket closing, the pid being known, the signal sent);
:data:`GUARD_S` only bounds a wait that a hang would make endless.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from starlette.requests import Request
from starlette.responses import Response

from configcat_mock import MockConfigCat
from configcat_mock.errors import MockHTTPError
from configcat_mock.http.app import MockApp
from configcat_mock.http.faults import Fault, FaultInjector, FaultRule
from configcat_mock.http.server import LoopbackServer
from configcat_mock.state.seed import DEFAULT_SEED
from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client.models import CreateProductRequest

Where = Literal["before", "after", "random"]
KINDS: tuple[Where, ...] = ("before", "after", "random")

#: Write requests of the full document's apply to an empty product (one per change).
WRITES = 27
#: A ``random`` point's writes past k + HOLD wait until the signal has been sent.
HOLD = 3
#: Bounds a wait only a hang makes long (seconds); nothing waits this long when things work.
GUARD_S = 120.0
#: After-commit faults of a faulted first run: each kind at this rate.
FAULT_RATE = 0.05
#: Kill points run at a time (each is two processes in turn).
WORKERS = 4
PASSWORD = "kill-pw"
RESUME_MESSAGE = "interrupted: run the same command again to resume"


@dataclass(frozen=True)
class KillPoint:
    sig: signal.Signals
    where: Where
    write: int
    """The write request (1-based) the kill is tied to."""
    delay_ms: int = 0
    """``random`` only: how long after that write arrived the signal is sent."""
    fault_seed: int | None = None

    @property
    def id(self) -> str:
        at = f"w{self.write}" + (f"+{self.delay_ms}ms" if self.where == "random" else "")
        faults = "" if self.fault_seed is None else f"-faults{self.fault_seed}"
        return f"{self.sig.name}-{self.where}-{at}{faults}"


def kill_points(seed: int, per_signal: int = 12, faulted: int = 4) -> list[KillPoint]:
    """``per_signal`` points for SIGINT and as many for SIGKILL: a third each ``before``,
    ``after`` and ``random``; ``faulted`` of each signal's with after-commit faults."""
    rng = random.Random(seed)
    points: dict[str, KillPoint] = {}
    for sig in (signal.SIGINT, signal.SIGKILL):
        wheres = [KINDS[min(i * 3 // per_signal, 2)] for i in range(per_signal)]
        # one of each kind, then the rest anywhere
        with_faults = {rng.choice([i for i, w in enumerate(wheres) if w == k]) for k in KINDS}
        others = [i for i in range(per_signal) if i not in with_faults]
        with_faults |= set(rng.sample(others, faulted - len(with_faults)))
        for i, where in enumerate(wheres):
            while True:
                first = 2 if i in with_faults else 1  # the first write's answer is lost
                if where == "random":
                    write, delay = rng.randint(first, WRITES - HOLD - 1), rng.randint(0, 25)
                else:
                    write, delay = rng.randint(first, WRITES), 0
                fault_seed = rng.randrange(10_000) if i in with_faults else None
                point = KillPoint(sig, where, write, delay, fault_seed)
                if point.id not in points:
                    points[point.id] = point
                    break
    return list(points.values())


@dataclass
class Run:
    """A kill point's state, shared by the thread that runs its processes and the hook."""

    point: KillPoint
    username: str
    organization_id: str
    product_id: str = ""
    armed: bool = False
    """The first run: the hook and the faults act only then."""
    pid: int | None = None
    started: threading.Event = field(default_factory=threading.Event)
    signalled: threading.Event = field(default_factory=threading.Event)
    faults: FaultInjector | None = None
    writes: int = 0
    in_flight: int = 0
    last_faulted: bool = False
    lose_next: bool = False
    faults_served: int = 0
    landed: str = ""
    """Where the signal found the client: "mid-request" or "between requests"."""
    hit: str = ""
    """The request the kill is tied to, e.g. ``POST /v1/products/…/tags``."""
    hung: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    run: Run
    first_code: int
    first_err: str
    second_code: int
    second_out: str
    second_err: str


_CURRENT: contextvars.ContextVar[Run | None] = contextvars.ContextVar("kill_run", default=None)


async def _until_gone(request: Request) -> bool:
    """Wait until the client has closed its connection; False if it has not in GUARD_S."""
    try:
        async with asyncio.timeout(GUARD_S):
            while (await request.receive())["type"] != "http.disconnect":
                pass
    except MockHTTPError:  # the body guard's ClientDisconnected: gone before the body ended
        return True
    except TimeoutError:
        return False
    return True


class KillHook:
    """Wraps ``app.endpoint`` and ``app.faults.draw`` for the runs it knows, by username."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.runs: dict[str, Run] = {}
        self._endpoint = app.endpoint
        self._draw = app.faults.draw
        app.endpoint = self.endpoint  # type: ignore[method-assign]
        app.faults.draw = self.draw  # type: ignore[method-assign]

    def remove(self) -> None:
        del self.app.endpoint
        del self.app.faults.draw

    def _run_of(self, request: Request) -> Run | None:
        try:
            username, _ = MockApp.credentials(request)
        except MockHTTPError:
            return None
        run = self.runs.get(username)
        return run if run is not None and run.armed else None

    def draw(self, operation_id: str, path_template: str) -> Fault | None:
        run = _CURRENT.get()
        if run is None:
            return self._draw(operation_id, path_template)
        if run.faults is None or run.last_faulted:
            run.last_faulted = False
            return None
        if run.lose_next:
            run.lose_next = False
            kind = random.Random(run.point.fault_seed).choice([500, 503, 0])
            fault: Fault | None = Fault(kind or None, 0.0, after_commit=True, drop=not kind)
        else:
            fault = run.faults.draw(operation_id, path_template)
        run.last_faulted = fault is not None and fault.fails
        run.faults_served += run.last_faulted
        return fault

    async def endpoint(self, request: Request) -> Response:
        run = self._run_of(request)
        token = _CURRENT.set(run)
        try:
            if run is None:
                return await self._endpoint(request)
            run.in_flight += 1
            try:
                return await self._armed(run, request)
            finally:
                run.in_flight -= 1
        finally:
            _CURRENT.reset(token)

    async def _armed(self, run: Run, request: Request) -> Response:
        point = run.point
        if request.method in ("GET", "HEAD"):
            return await self._endpoint(request)
        run.writes += 1
        run.lose_next = run.writes == 1 and run.faults is not None
        if point.where == "random":
            if run.writes == point.write:
                run.hit = f"{request.method} {request.url.path}"
                # a timer outliving its run does nothing: the run's end sets ``signalled``
                asyncio.get_running_loop().call_later(point.delay_ms / 1000, self._timer, run)
            elif run.writes > point.write + HOLD and not run.signalled.is_set():
                await asyncio.to_thread(run.signalled.wait, GUARD_S)
            return await self._endpoint(request)
        if run.writes != point.write:
            return await self._endpoint(request)
        run.hit = f"{request.method} {request.url.path}"
        response = await self._endpoint(request) if point.where == "after" else None
        await asyncio.to_thread(run.started.wait, GUARD_S)
        self._signal(run)
        if not await _until_gone(request):
            run.hung.append(f"the client stayed connected {GUARD_S:.0f} s after the signal")
        # never delivered (the client is gone); a "before" write was not handled at all
        return response if response is not None else Response(status_code=204)

    def _timer(self, run: Run) -> None:
        if run.started.is_set():
            self._signal(run)
        else:  # the thread that started the client has not noted its pid yet
            asyncio.get_running_loop().call_later(0.01, self._timer, run)

    @staticmethod
    def _signal(run: Run) -> None:
        if run.signalled.is_set() or run.pid is None:
            return
        run.landed = "mid-request" if run.in_flight else "between requests"
        os.kill(run.pid, run.point.sig)
        run.signalled.set()


def seed_for(points: Iterable[KillPoint]) -> tuple[dict[str, Any], list[Run]]:
    """The demo seed plus an organization and an admin user for each point."""
    seed = copy.deepcopy(DEFAULT_SEED)
    tables = seed["tables"]
    runs = []
    for i, point in enumerate(points):
        username = f"kill{i}"
        org = str(uuid5(NAMESPACE_URL, f"kill-organization-{i}"))
        tables["users"].append(
            {"user_id": f"kill-user-{i}", "email": f"{username}@example.com",
             "full_name": f"Kill {i}", "username": username, "password": PASSWORD}
        )  # fmt: skip
        tables["organizations"].append(
            {"organization_id": org, "name": f"Org {i}", "created_at": "2024-01-01T00:00:00.000Z"}
        )
        tables["memberships"].append(
            {"organization_id": org, "user_id": f"kill-user-{i}", "is_admin": True,
             "is_billing_manager": True}
        )  # fmt: skip
        runs.append(Run(point, username, org))
    return seed, runs


def client_for(run: Run, url: str) -> ConfigCatClient:
    return ConfigCatClient(run.username, PASSWORD, base_url=url)


def _apply(doc: Path, run: Run, url: str) -> subprocess.Popen[str]:
    env = os.environ | {
        "CONFIGCAT_API_HOST": url,
        "CONFIGCAT_API_USER": run.username,
        "CONFIGCAT_API_PASS": PASSWORD,
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "configcat_publicapi.cli", "apply", str(doc), run.product_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _finish(process: subprocess.Popen[str], run: Run, what: str) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=GUARD_S)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        run.hung.append(f"the {what} run did not end in {GUARD_S:.0f} s")
    return process.returncode, out, err


def run_point(run: Run, doc: Path, url: str) -> Outcome:
    """Both runs of one point, in a new product: the one killed (with its faults), then one
    without."""
    with client_for(run, url) as cc:
        made = cc.products.create_product(
            UUID(run.organization_id), body=CreateProductRequest(name="Shop")
        )
    run.product_id = str(made.product_id)
    if run.point.fault_seed is not None:
        rules = [
            FaultRule("*", rate_500_after=FAULT_RATE, rate_503_after=FAULT_RATE,
                      rate_drop_after=FAULT_RATE)
        ]  # fmt: skip
        run.faults = FaultInjector(rules, run.point.fault_seed)
    run.armed = True
    try:
        first = _apply(doc, run, url)
        run.pid = first.pid
        run.started.set()
        first_code, _, first_err = _finish(first, run, "first")
    finally:
        run.armed = False
        run.signalled.set()  # a hold left waiting (the run ended early) lets go
    second = _apply(doc, run, url)
    second_code, second_out, second_err = _finish(second, run, "second")
    return Outcome(run, first_code, first_err, second_code, second_out, second_err)


@dataclass
class KillRuns:
    mock: MockConfigCat
    url: str
    outcomes: dict[str, Outcome]


@contextlib.contextmanager
def killed_and_rerun(points: list[KillPoint], document: str, tmp: Path) -> Iterator[KillRuns]:
    """Run every point (WORKERS at a time) on one server; the server stays up for checks."""
    doc = tmp / "shop.yaml"
    doc.write_text(document, encoding="utf-8")
    seed, runs = seed_for(points)
    with MockConfigCat(seed=seed, rate_limits=False) as mock, LoopbackServer(mock.app) as server:
        hook = KillHook(mock.app)
        hook.runs = {run.username: run for run in runs}
        try:
            with ThreadPoolExecutor(WORKERS) as pool:
                done = list(pool.map(lambda r: run_point(r, doc, server.url), runs))
        finally:
            hook.remove()
        yield KillRuns(mock, server.url, {o.run.point.id: o for o in done})
