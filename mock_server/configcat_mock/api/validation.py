"""Request checks against the spec: typed path, query and header parameters, and JSON bodies.

Failures raise :class:`~configcat_mock.errors.BadRequest` in the service's
``{"Field": ["message"]}`` shape.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from configcat_mock.api.schema import SchemaSet
from configcat_mock.api.spec import Operation
from configcat_mock.errors import BadRequest

_INT_RANGE = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(raw: bytes) -> Any:
    """Parse a body; ``BadRequest`` for anything that is not strict JSON."""
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest("body", f"The request body is not valid JSON: {exc}") from None
    if b"\\u" in raw or b"\\U" in raw:
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("body", "The request body holds an unpaired surrogate.") from None
    return value


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def coerce(schemas: SchemaSet, schema: dict[str, Any], raw: str, name: str) -> Any:
    """Turn one parameter string into the value its schema describes."""
    target, _ = schemas.resolve(schema)
    if "enum" in target:
        for option in target["enum"]:
            if str(option).lower() == raw.lower():
                return option
        raise BadRequest(name, f"The value '{raw}' is not valid.")
    kind = target.get("type")
    if kind == "integer":
        try:
            value = int(raw)
        except ValueError:
            raise BadRequest(name, f"The value '{raw}' is not valid.") from None
        low, high = _INT_RANGE.get(target.get("format", ""), (-(2**63), 2**63 - 1))
        low = max(low, target.get("minimum", low))
        high = min(high, target.get("maximum", high))
        if not low <= value <= high:
            raise BadRequest(name, f"The value must be between {low} and {high}.")
        return value
    if kind == "boolean":
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise BadRequest(name, f"The value '{raw}' is not valid.")
    if kind == "string":
        fmt = target.get("format")
        if fmt == "uuid":
            try:
                return str(uuid.UUID(raw))
            except ValueError:
                raise BadRequest(name, f"The value '{raw}' is not valid.") from None
        if fmt == "date-time":
            try:
                return datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise BadRequest(name, f"The value '{raw}' is not valid.") from None
        return raw
    return raw


def parse_parameters(
    schemas: SchemaSet,
    op: Operation,
    path_params: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Return typed ``(path, query, header)`` values; ``BadRequest`` on the first bad one."""
    out: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
    for parameter in op.parameters:
        if parameter.location == "path":
            raw_values = [path_params[parameter.name]] if parameter.name in path_params else []
            slot = out[0]
        elif parameter.location == "query":
            raw_values = list(query.get(parameter.name, ()))
            slot = out[1]
        elif parameter.location == "header":
            value = headers.get(parameter.name.lower())
            raw_values = [value] if value is not None else []
            slot = out[2]
        else:
            continue
        if not raw_values or (raw_values == [""] and parameter.location != "path"):
            if parameter.required:
                raise BadRequest(parameter.name, f"The {parameter.name} field is required.")
            continue
        target, _ = schemas.resolve(parameter.schema)
        if target.get("type") == "array":
            items = target.get("items", {})
            flat = [v for raw in raw_values for v in raw.split(",") if v != ""]
            slot[parameter.name] = [coerce(schemas, items, v, parameter.name) for v in flat]
        else:
            slot[parameter.name] = coerce(schemas, parameter.schema, raw_values[-1], parameter.name)
    return out


def parse_body(schemas: SchemaSet, op: Operation, raw: bytes) -> Any:
    """Parse and validate the JSON body of ``op``; ``None`` when it takes none."""
    if op.body_schema is None:
        return None
    if not raw.strip():
        if op.body_required:
            raise BadRequest("body", "A non-empty request body is required.")
        return None
    body = parse_json(raw)
    if not _finite(body):
        raise BadRequest("body", "Numbers must be finite.")
    errors = schemas.field_errors(op.body_schema, body)
    if errors:
        raise BadRequest(errors)
    return body
