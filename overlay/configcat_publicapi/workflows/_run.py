"""Run the changes of a plan, one at a time or with several in flight: a sync and an async driver.

Both drivers take the same arguments and keep the same promises; they are written twice
because the concurrency is the one thing ``scripts/make_sync.py`` cannot derive (threads for
the sync client, tasks for the async one; the client and its limiter are safe for both).

- With ``limit == 1`` changes run in the plan's order, nothing else.
- Otherwise a change starts when the changes it waits for
  (:func:`~.schedule.dependencies`) are done and fewer than ``limit`` are in flight, the
  earliest in the plan first.
- ``done(change)`` is called after each change that succeeded, in the order they finished.
- An error stops the starting of new changes; those in flight finish (and are reported
  done), then the first error is raised. With ``failed=`` given, a
  :class:`~configcat_publicapi.ConfigCatError` is handed to it instead and the run goes on
  (what waits for the failed change is not run).
- An interruption (Ctrl-C, a cancelled task) stops at once in the async driver; the sync
  driver lets the writes in flight finish, then raises it.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from configcat_publicapi._exceptions import ConfigCatError
from configcat_publicapi.workflows.plan import Change
from configcat_publicapi.workflows.schedule import dependencies

Done = Callable[[Change], None]
Failed = Callable[[Change, ConfigCatError], None]


class _Queue:
    """The changes not yet started, and which may start now."""

    def __init__(self, changes: Sequence[Change], done: Done, failed: Failed | None) -> None:
        self.changes = changes
        self.deps = dependencies(changes)
        self.waiting = list(range(len(changes)))
        self.finished: set[int] = set()
        self.done = done
        self.failed = failed
        self.error: BaseException | None = None
        """The first error that stops the run; nothing new starts once it is set."""

    def ready(self, room: int) -> list[int]:
        out: list[int] = []
        for i in self.waiting:
            if len(out) >= room:
                break
            if self.deps[i] <= self.finished:
                out.append(i)
        for i in out:
            self.waiting.remove(i)
        return out

    def settle(self, i: int, problem: BaseException | None) -> None:
        """Record how change ``i`` ended."""
        if problem is None:
            self.finished.add(i)
            self.done(self.changes[i])
        elif self.failed is not None and isinstance(problem, ConfigCatError):
            self.failed(self.changes[i], problem)
        elif self.error is None:
            self.error = problem


def _check(limit: int) -> None:
    if limit < 1:
        raise ValueError(f"concurrency must be 1 or more, not {limit}")


def run_changes(
    changes: Sequence[Change],
    run: Callable[[Change], object],
    *,
    limit: int,
    done: Done,
    failed: Failed | None = None,
) -> None:
    """The sync driver (threads)."""
    _check(limit)
    if limit == 1:
        for change in changes:
            try:
                run(change)
            except ConfigCatError as exc:
                if failed is None:
                    raise
                failed(change, exc)
            else:
                done(change)
        return
    queue = _Queue(changes, done, failed)
    flying: dict[Future[object], int] = {}
    with ThreadPoolExecutor(limit, thread_name_prefix="configcat-apply") as pool:
        while True:
            if queue.error is None:
                for i in queue.ready(limit - len(flying)):
                    flying[pool.submit(run, changes[i])] = i
            if not flying:
                break
            finished, _ = wait(flying, return_when=FIRST_COMPLETED)
            for future in finished:
                queue.settle(flying.pop(future), future.exception())
    if queue.error is not None:
        raise queue.error


async def run_changes_async(
    changes: Sequence[Change],
    run: Callable[[Change], Awaitable[object]],
    *,
    limit: int,
    done: Done,
    failed: Failed | None = None,
) -> None:
    """The async driver (tasks of one anyio task group: asyncio or trio)."""
    _check(limit)
    if limit == 1:
        for change in changes:
            try:
                await run(change)
            except ConfigCatError as exc:
                if failed is None:
                    raise
                failed(change, exc)
            else:
                done(change)
        return
    import anyio  # an httpx dependency; imported here so the sync path never needs it

    queue = _Queue(changes, done, failed)
    send, receive = anyio.create_memory_object_stream[tuple[int, Exception | None]](math.inf)
    flying = 0

    async def one(i: int) -> None:
        try:
            await run(changes[i])
        except Exception as exc:
            await send.send((i, exc))
        else:
            await send.send((i, None))

    async with anyio.create_task_group() as group:
        while True:
            if queue.error is None:
                for i in queue.ready(limit - flying):
                    flying += 1
                    group.start_soon(one, i)
            if flying == 0:
                break
            queue.settle(*await receive.receive())
            flying -= 1
    send.close()
    receive.close()
    if queue.error is not None:
        raise queue.error
