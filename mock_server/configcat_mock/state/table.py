"""One table of state records, keyed by id, with secondary indexes kept in step.

Every lookup a request makes by a parent id (the settings of a config, the SDK keys of a
string, the flags that name a flag as prerequisite) goes through an index, so one request
costs the same with ten settings or ten thousand. An index maps each value its function
returns for a row (a function returns the values it indexes a row under: one for a field,
several for the prerequisites of a formula) to the rows holding it, in the order they were
added. Fields a handler changes after a row is stored must be indexed through
:meth:`Table.refresh`; :meth:`Table.check` compares every index with a full scan (tests run it
after their workloads). Hand-written rather than taken from an in-memory database library:
the rows are plain :mod:`attrs` records the handlers change in place, and the two dozen lines
here keep the indexes next to them with no copy and no second schema.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")

IndexKeys = Callable[[Any], Iterable[Hashable]]


class field:
    """An index on one field: each row is filed under that field's value."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, row: Any) -> tuple[Hashable]:
        return (getattr(row, self.name),)


class Table(Generic[T]):
    """Records of one type keyed by their id, with named secondary indexes."""

    __slots__ = ("_buckets", "_filed", "_indexes", "cls", "key", "rows", "written")

    def __init__(
        self,
        cls: type[T],
        key: Callable[[T], Hashable],
        indexes: dict[str, IndexKeys] | None = None,
    ) -> None:
        self.cls = cls
        self.key = key
        self.rows: dict[Hashable, T] = {}
        self._indexes: dict[str, IndexKeys] = dict(indexes or {})
        self._buckets: dict[str, dict[Hashable, dict[Hashable, T]]] = {
            name: {} for name in self._indexes
        }
        # per index, the values each row is filed under (what to unfile when it changes)
        self._filed: dict[str, dict[Hashable, tuple[Hashable, ...]]] = {
            name: {} for name in self._indexes
        }
        self.written: dict[Hashable, None] | None = None
        """While the state is kept in a file (see :mod:`configcat_mock.state.persistence`): the
        keys of rows added or removed since the last write was stored, in order (new rows are
        stored in the order they were added). A row changed in place is noted by its record
        type's hook."""

    # -- writes ----------------------------------------------------------------------------

    def add(self, row: T) -> T:
        pk = self.key(row)
        self.rows[pk] = row
        self._file(pk, row)
        if self.written is not None:
            self.written[pk] = None
        return row

    def refresh(self, row: T) -> None:
        """File ``row`` again after a change to a field an index reads."""
        self._file(self.key(row), row)

    def remove(self, key: Hashable) -> T | None:
        row = self.rows.pop(key, None)
        if row is not None:
            self._unfile(key)
            if self.written is not None:
                self.written[key] = None
        return row

    def drop(self, pred: Callable[[T], bool]) -> list[T]:
        """Remove the rows ``pred`` holds for (a full scan; see :meth:`drop_where`)."""
        gone = [k for k, r in self.rows.items() if pred(r)]
        return [r for k in gone if (r := self.remove(k)) is not None]

    def drop_where(self, **match: Any) -> list[T]:
        """Remove the rows :meth:`where` finds."""
        gone = self.where(**match)
        for row in gone:
            self.remove(self.key(row))
        return gone

    def _file(self, pk: Hashable, row: T) -> None:
        for name, keys_of in self._indexes.items():
            filed = self._filed[name]
            old = filed.get(pk, ())
            if isinstance(keys_of, field):  # the common case, kept cheap: one value
                value = getattr(row, keys_of.name)
                if old == (value,):
                    self._buckets[name][value][pk] = row
                    continue
                new: tuple[Hashable, ...] = (value,)
            else:
                new = tuple(dict.fromkeys(keys_of(row)))
            buckets = self._buckets[name]
            for value in old:
                if value not in new:
                    bucket = buckets[value]
                    del bucket[pk]
                    if not bucket:
                        del buckets[value]
            for value in new:
                buckets.setdefault(value, {})[pk] = row  # keeps its place when already there
            filed[pk] = new

    def _unfile(self, pk: Hashable) -> None:
        for name in self._indexes:
            buckets = self._buckets[name]
            for value in self._filed[name].pop(pk, ()):
                bucket = buckets[value]
                del bucket[pk]
                if not bucket:
                    del buckets[value]

    # -- reads -----------------------------------------------------------------------------

    def get(self, key: Hashable) -> T | None:
        return self.rows.get(key)

    def __getitem__(self, key: Hashable) -> T:
        """A row that must exist (a parent of a row in hand); ``KeyError`` means a bug."""
        return self.rows[key]

    def __contains__(self, key: Hashable) -> bool:
        return key in self.rows

    def by(self, index: str, value: Hashable) -> list[T]:
        """The rows ``index`` files under ``value``, in the order they were filed there."""
        bucket = self._buckets[index].get(value)
        if not bucket:
            return []
        return list(bucket.values())

    def first(self, index: str, value: Hashable) -> T | None:
        bucket = self._buckets[index].get(value)
        if not bucket:
            return None
        return next(iter(bucket.values()))

    def where(self, **match: Any) -> list[T]:
        """Rows whose fields equal ``match``; through an index when one field has one."""
        items = list(match.items())
        candidates: Iterable[T] = self.rows.values()
        for i, (name, value) in enumerate(items):
            if name in self._buckets:
                bucket = self._buckets[name].get(value)
                candidates = list(bucket.values()) if bucket else []
                del items[i]
                break
        return [r for r in candidates if all(getattr(r, k) == v for k, v in items)]

    def __iter__(self) -> Iterator[T]:
        return iter(list(self.rows.values()))

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    # -- checks ----------------------------------------------------------------------------

    def check(self) -> list[str]:
        """How the indexes differ from a full scan of the rows (empty: they agree)."""
        problems = []
        for name, keys_of in self._indexes.items():
            scanned: dict[Hashable, list[Hashable]] = {}
            for pk, row in self.rows.items():
                for value in dict.fromkeys(keys_of(row)):
                    scanned.setdefault(value, []).append(pk)
            kept = {value: list(bucket) for value, bucket in self._buckets[name].items()}
            for value in scanned.keys() | kept.keys():
                want, have = scanned.get(value, []), kept.get(value, [])
                if set(want) != set(have):
                    problems.append(f"{name}[{value!r}]: scan {want} != index {have}")
                elif any(self._buckets[name][value][pk] is not self.rows[pk] for pk in have):
                    problems.append(f"{name}[{value!r}]: holds a replaced row")
        return problems
