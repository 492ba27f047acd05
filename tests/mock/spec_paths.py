"""Concrete request paths for the spec's operations, with chosen or neutral parameter values."""

from __future__ import annotations

import uuid
from typing import Any

from configcat_mock.api.spec import Operation, Spec


def neutral(spec: Spec, schema: dict[str, Any]) -> str:
    target, _ = spec.schemas.resolve(schema)
    if "enum" in target:
        return str(target["enum"][0])
    if target.get("type") == "integer":
        return "1"
    if target.get("format") == "uuid":
        return str(uuid.UUID(int=1))
    return "key"


def is_field_errors(body: Any) -> bool:
    """Whether ``body`` is the service's 400 body: ``{"Field": ["message", ...]}``."""
    return (
        isinstance(body, dict)
        and bool(body)
        and all(
            isinstance(k, str) and isinstance(v, list) and v and all(isinstance(m, str) for m in v)
            for k, v in body.items()
        )
    )


def concrete_path(spec: Spec, op: Operation, values: dict[str, Any] | None = None) -> str:
    values = values or {}
    path = op.path
    for p in op.parameters:
        if p.location == "path":
            value = values.get(p.name, neutral(spec, p.schema))
            path = path.replace("{" + p.name + "}", str(value))
    return path
