"""Which rows a write changes, noted as it changes them.

Every record type is declared with ``on_setattr=noted``: assigning a field of a stored row
notes the row in the list of the write being recorded in this thread (see
:class:`~configcat_mock.state.persistence.Persistence`), so the state file is sent the rows a
write changed and no others, without comparing any. A handler that changes a field's list or
dict in place (``setting.tag_ids.remove(...)``) assigns nothing, so it calls
:func:`changed` with the row.
"""

from __future__ import annotations

import threading
from typing import Any

_active = threading.local()


def noted(instance: Any, attribute: Any, value: Any) -> Any:
    """attrs' ``on_setattr`` hook: note ``instance`` in the write being recorded, if any."""
    rows: list[Any] | None = getattr(_active, "rows", None)
    if rows is not None:
        rows.append(instance)
    return value


def changed(row: Any) -> None:
    """Note ``row`` as changed in place (a list or dict of one of its fields)."""
    noted(row, None, None)


def record_into(rows: list[Any] | None) -> list[Any] | None:
    """Note the rows changed in this thread into ``rows`` from now on (``None``: stop); returns
    the list noted into before."""
    before: list[Any] | None = getattr(_active, "rows", None)
    _active.rows = rows
    return before
