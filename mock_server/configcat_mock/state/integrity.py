"""Checks on a state before it is loaded: field types and references between tables.

A seed is often written by hand. A row whose fields have the wrong JSON types, or that points
at a parent that is not in the state (a product of an unknown organization), would otherwise
load fine and break later answers, so :func:`check_state` refuses it with the row's place.
Written here because the checks follow the record classes' own annotations, which a JSON
Schema library would need a second copy of.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs

from configcat_mock.errors import BadRequest


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    return {f.name: f.type for f in attrs.fields(attrs.resolve_types(cls))}


def fits(value: Any, annotation: Any) -> bool:
    """Whether a JSON value fits a record field's annotation (one level into containers)."""
    if annotation is Any:
        return True
    if annotation is None or annotation is type(None):
        return value is None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        return any(fits(value, arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(fits(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            isinstance(k, str) and fits(v, args[1]) for k, v in value.items()
        )
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, annotation)


def check_row(cls: type, where: str, row: Any) -> None:
    """Raise ``BadRequest`` naming ``where`` if ``row`` cannot be a ``cls`` record."""
    if not isinstance(row, dict):
        raise BadRequest(where, "A row must be a JSON object.")
    fields = _field_types(cls)
    for name, value in row.items():
        if name not in fields:
            raise BadRequest(where, f"Unknown field {json.dumps(name)}.")
        if not fits(value, fields[name]):
            wanted = getattr(fields[name], "__name__", None) or str(fields[name])
            shown = json.dumps(value, default=str)[:60]
            raise BadRequest(f"{where}.{name}", f"The value {shown} is not of type {wanted}.")


def check_references(
    tables: Mapping[str, Mapping[Hashable, Any]], references: Iterable[tuple[str, str, str]]
) -> None:
    """Raise ``BadRequest`` for the first row that names a parent missing from the state
    (``references``: table, field, parent table)."""
    for table, field, parent in references:
        known = tables[parent]
        for row in tables[table].values():
            ref = getattr(row, field)
            if ref not in known:
                raise BadRequest(
                    f"tables.{table}", f"{field} {json.dumps(ref, default=str)} is not in {parent}."
                )
