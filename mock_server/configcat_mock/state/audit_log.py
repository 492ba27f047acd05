"""The audit log's table: entries kept in order per organization and per product, capped.

A page of the log (newest first, optionally between two dates) is a slice of one ordered run
of entries: its bounds come from a binary search on the entries' times and its size from the
bounds, so a page costs O(page) however long the log is. Filters by config, environment or
type still read the entries within the dates (the count a page reports needs them all).
Entries the mock writes are in time order; a loaded state whose times are not is searched by
scanning instead (the run notes it), so answers never depend on the order assumption.

The log is capped (:data:`DEFAULT_AUDIT_LOG_LIMIT` entries unless configured): once full,
each new entry drops the oldest one, so a mock running for days keeps bounded memory.
Written here rather than taken from a sorted-container library: a list with a start offset
is all the cap (drop the oldest) and the pages (slice by position) need.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from datetime import UTC, datetime

from configcat_mock.state import records
from configcat_mock.state.table import IndexKeys, Table

DEFAULT_AUDIT_LOG_LIMIT = 10_000
"""Entries kept by default; the oldest are dropped beyond it."""

_COMPACT_AT = 1024


def entry_time(entry: records.AuditLog) -> float:
    """``created_at`` as a POSIX timestamp (naive times are taken as UTC)."""
    text = entry.created_at.replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class _Run:
    """Entries of one organization or product in id order, as parallel lists from ``start``."""

    __slots__ = ("chronological", "ids", "rows", "start", "times")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.rows: list[records.AuditLog] = []
        self.times: list[float] = []
        self.start = 0
        self.chronological = True

    def __len__(self) -> int:
        return len(self.ids) - self.start

    def add(self, entry: records.AuditLog, when: float) -> None:
        at = len(self.ids)
        if self.ids and entry.audit_log_id < self.ids[-1]:  # a loaded state out of order
            at = bisect_left(self.ids, entry.audit_log_id, self.start)
        self.ids.insert(at, entry.audit_log_id)
        self.rows.insert(at, entry)
        self.times.insert(at, when)
        before = self.times[at - 1] if at > self.start else None
        after = self.times[at + 1] if at + 1 < len(self.times) else None
        if (before is not None and before > when) or (after is not None and after < when):
            self.chronological = False

    def remove(self, entry: records.AuditLog) -> None:
        at = bisect_left(self.ids, entry.audit_log_id, self.start)
        if at >= len(self.ids) or self.rows[at] is not entry:
            return
        if at == self.start:  # the oldest: the cap's case, O(1)
            self.start += 1
            if self.start >= _COMPACT_AT and self.start * 2 >= len(self.ids):
                del self.ids[: self.start], self.rows[: self.start], self.times[: self.start]
                self.start = 0
        else:
            del self.ids[at], self.rows[at], self.times[at]

    def oldest(self) -> records.AuditLog | None:
        return self.rows[self.start] if len(self) else None

    def bounds(self, since: float | None, until: float | None) -> tuple[int, int]:
        lo, hi = self.start, len(self.ids)
        if since is not None:
            lo = bisect_left(self.times, since, lo, hi)
        if until is not None:
            hi = bisect_right(self.times, until, lo, hi)
        return lo, hi

    def newest_first(self, lo: int, hi: int) -> list[records.AuditLog]:
        return self.rows[lo:hi][::-1]


class AuditLogTable(Table[records.AuditLog]):
    """The ``audit_logs`` table with its ordered runs per organization and per product."""

    __slots__ = ("_all", "_orgs", "_products")

    def __init__(
        self,
        cls: type[records.AuditLog],
        key: Callable[[records.AuditLog], Hashable],
        indexes: dict[str, IndexKeys] | None = None,
    ) -> None:
        super().__init__(cls, key, indexes)
        self._all = _Run()
        self._orgs: dict[str, _Run] = {}
        self._products: dict[str, _Run] = {}

    def _runs(self, entry: records.AuditLog) -> list[_Run]:
        runs = [self._all, self._orgs.setdefault(entry.organization_id, _Run())]
        if entry.product_id is not None:
            runs.append(self._products.setdefault(entry.product_id, _Run()))
        return runs

    def add(self, row: records.AuditLog) -> records.AuditLog:
        old = self.rows.get(self.key(row))
        if old is not None:
            for run in self._runs(old):
                run.remove(old)
        super().add(row)
        when = entry_time(row)
        for run in self._runs(row):
            run.add(row, when)
        return row

    def remove(self, key: Hashable) -> records.AuditLog | None:
        row = super().remove(key)
        if row is not None:
            for run in self._runs(row):
                run.remove(row)
        return row

    def trim(self, limit: int | None) -> int:
        """Drop the oldest entries beyond ``limit`` (``None``: no cap); return how many."""
        dropped = 0
        while limit is not None and len(self.rows) > limit:
            oldest = self._all.oldest()
            if oldest is None:
                break
            self.remove(oldest.audit_log_id)
            dropped += 1
        return dropped

    def select(
        self,
        organization_id: str,
        product_id: str | None,
        since: datetime | None = None,
        until: datetime | None = None,
        keep: Callable[[records.AuditLog], bool] | None = None,
    ) -> tuple[int, Callable[[int, int | None], list[records.AuditLog]]]:
        """The entries of an organization (or one of its products) between two dates that
        ``keep`` holds for: their number, and a function giving ``limit`` of them from
        ``offset``, newest first."""
        run = self._products.get(product_id) if product_id else self._orgs.get(organization_id)
        first = run.oldest() if run is not None else None
        if run is None or first is None or first.organization_id != organization_id:
            return 0, lambda offset, limit: []
        low = since.timestamp() if since is not None else None
        high = until.timestamp() if until is not None else None
        if run.chronological:
            lo, hi = run.bounds(low, high)
            dated = None
        else:
            lo, hi = run.start, len(run.ids)

            def dated(entry: records.AuditLog) -> bool:
                when = entry_time(entry)
                return (low is None or when >= low) and (high is None or when <= high)

        if keep is None and dated is None:
            total = hi - lo

            def window(offset: int, limit: int | None) -> list[records.AuditLog]:
                top = hi - offset
                bottom = lo if limit is None else max(lo, top - limit)
                return run.newest_first(bottom, top) if top > bottom else []

            return total, window

        wanted = [
            e
            for e in run.newest_first(lo, hi)
            if (dated is None or dated(e)) and (keep is None or keep(e))
        ]

        def picked(offset: int, limit: int | None) -> list[records.AuditLog]:
            return wanted[offset:] if limit is None else wanted[offset : offset + limit]

        return len(wanted), picked

    def check(self) -> list[str]:
        problems = super().check()
        runs = {"all": self._all}
        runs.update({f"org {k}": v for k, v in self._orgs.items()})
        runs.update({f"product {k}": v for k, v in self._products.items()})
        for name, run in runs.items():
            have = [r.audit_log_id for r in run.rows[run.start :]]
            want = sorted(
                r.audit_log_id
                for r in self.rows.values()
                if name == "all"
                or name == f"org {r.organization_id}"
                or name == f"product {r.product_id}"
            )
            if have != want:
                problems.append(f"{name}: run {have} != scan {want}")
        return problems
