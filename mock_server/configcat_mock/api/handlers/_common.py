"""Checks and helpers shared by the handlers."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

import jsonpatch
import jsonpointer

from configcat_mock.errors import BadRequest

#: a flag key, matched whole (``fullmatch``: ``$`` would let a trailing newline through)
SETTING_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]*")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def require_name(value: Any, field: str = "name") -> str:
    if is_blank(value):
        raise BadRequest(field, f"The {field} field is required.")
    return str(value)


def unique_name(rows: Iterable[Any], name: str, field: str = "name", exclude: Any = None) -> None:
    """400 when another row already has ``name`` (ignoring case)."""
    folded = name.casefold()
    for row in rows:
        if row is not exclude and getattr(row, "name", "").casefold() == folded:
            raise BadRequest(field, f"The {field} '{name}' is already in use.")


def pick(body: dict[str, Any], key: str, current: Any) -> Any:
    """``body[key]`` unless it is missing or null (the service's "leave unchanged")."""
    value = body.get(key)
    return current if value is None else value


def apply_patch(document: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply a JSON Patch to a copy of ``document``; 400 for an operation that cannot apply."""
    ops = []
    for i, op in enumerate(operations):
        if op.get("op") == "unknown":
            raise BadRequest(f"[{i}].op", "The operation 'unknown' is not supported.")
        ops.append({k: v for k, v in op.items() if not (k == "from" and v is None)})
    try:
        result = jsonpatch.apply_patch(copy.deepcopy(document), ops)
    except (
        jsonpatch.JsonPatchException,
        jsonpointer.JsonPointerException,
        TypeError,
        KeyError,
        IndexError,
        ValueError,
    ) as exc:
        raise BadRequest("body", f"The patch could not be applied: {exc}") from None
    if not isinstance(result, dict):
        raise BadRequest("body", "The patch must leave an object.")
    return result


def check_value(setting_type: str, value: Any, field: str = "value") -> Any:
    """A v1 value for a setting of ``setting_type``, normalised (ints as int); else 400."""
    if setting_type == "boolean" and isinstance(value, bool):
        return value
    if setting_type == "string" and isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if setting_type == "double":
            return float(value) if not isinstance(value, int) else value
        if setting_type == "int" and float(value).is_integer() and -(2**31) <= value < 2**31:
            return int(value)
    raise BadRequest(field, f"The value must be a valid {setting_type} value.")


def paging(total: int, number: int, size: int) -> dict[str, Any]:
    """The spec's ``PagingResponseInfo`` for page ``number`` of ``size`` out of ``total``."""
    start = (number - 1) * size
    return {
        "currentPage": number,
        "totalPages": (total + size - 1) // size if size else 0,
        "pageSize": size,
        "totalCount": total,
        "hasPrevious": number > 1,
        "hasNext": start + size < total,
    }


def page(rows: list[Any], number: int, size: int) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``rows`` and the spec's ``PagingResponseInfo``."""
    start = (number - 1) * size
    return rows[start : start + size], paging(len(rows), number, size)
