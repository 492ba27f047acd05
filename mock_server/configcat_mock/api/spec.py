"""The pinned OpenAPI document, indexed for routing and validation.

Where the document comes from is :mod:`configcat_mock.api.spec_source` (an override, the
repository's copy, or the one packaged with the wheel). Nothing is read at import time.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any

import attrs

from configcat_mock.api.routing import Router
from configcat_mock.api.schema import SchemaSet
from configcat_mock.api.spec_source import (
    SPEC_ENV,
    SpecNotFoundError,
    describe,
    find_spec,
    read_document,
)

__all__ = ["SPEC_ENV", "Operation", "Parameter", "Spec", "SpecNotFoundError", "find_spec"]

JSON = dict[str, Any]
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


@attrs.frozen
class Parameter:
    """One path, query or header parameter of an operation."""

    name: str
    location: str
    required: bool
    schema: JSON


@attrs.frozen
class Operation:
    """One operation of the spec: where it lives and what it accepts and answers."""

    operation_id: str
    method: str
    path: str
    tag: str
    parameters: tuple[Parameter, ...]
    body_schema: JSON | None
    body_required: bool
    success: tuple[tuple[int, str | None], ...]
    """``(status, response schema name or None)`` for every 2xx answer, in spec order."""
    response_schemas: tuple[tuple[int, JSON], ...]

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))


def _operation_id(method: str, path: str, op: JSON) -> str:
    if op.get("operationId"):
        return str(op["operationId"])
    # Three upstream operations have no id; name them as spec/normalise.py does.
    known = {
        ("get", "/v1/settings/{settingId}/code-references"): "get-code-references",
        ("post", "/v1/code-references/delete-reports"): "delete-code-reference-reports",
        ("post", "/v1/code-references"): "upload-code-references",
    }
    return known.get((method, path), f"{method}-{path.strip('/').replace('/', '-')}")


class Spec:
    """The parsed document, its operations and the schemas used to check traffic."""

    def __init__(self, document: JSON, source: str = "<memory>") -> None:
        self.document = document
        self.source = source
        self.schemas = SchemaSet(document.get("components", {}).get("schemas", {}))
        self.operations: list[Operation] = []
        for path, item in document.get("paths", {}).items():
            common = item.get("parameters", [])
            for method, op in item.items():
                if method not in HTTP_METHODS:
                    continue
                self.operations.append(self._operation(method, path, op, common))
        self.by_id = {op.operation_id: op for op in self.operations}

    @classmethod
    def load(cls, spec_path: str | os.PathLike[str] | None = None) -> Spec:
        path = find_spec(spec_path)
        return cls(read_document(path), source=describe(path))

    def _operation(self, method: str, path: str, op: JSON, common: list[JSON]) -> Operation:
        params = tuple(
            Parameter(
                name=p["name"],
                location=p["in"],
                required=bool(p.get("required", p["in"] == "path")),
                schema=p.get("schema", {}),
            )
            for p in [*common, *op.get("parameters", [])]
        )
        body = op.get("requestBody")
        body_schema = None
        if body:
            content = body.get("content", {})
            media: JSON = content.get("application/json") or next(iter(content.values()), {})
            body_schema = media.get("schema")
        success: list[tuple[int, str | None]] = []
        response_schemas: list[tuple[int, JSON]] = []
        for code, resp in op.get("responses", {}).items():
            if not code.startswith("2"):
                continue
            schema = resp.get("content", {}).get("application/json", {}).get("schema")
            name = None
            if schema and "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[-1]
            success.append((int(code), name))
            if schema is not None:
                response_schemas.append((int(code), schema))
        tags = op.get("tags") or ["default"]
        return Operation(
            operation_id=_operation_id(method, path, op),
            method=method.upper(),
            path=path,
            tag=str(tags[0]),
            parameters=params,
            body_schema=body_schema,
            body_required=bool(body and body.get("required", False)),
            success=tuple(success),
            response_schemas=tuple(response_schemas),
        )

    @cached_property
    def router(self) -> Router[Operation]:
        """The path router of these operations, built once and shared by every app."""
        return Router(self.operations)

    @cached_property
    def tag_names(self) -> list[str]:
        return sorted({op.tag for op in self.operations})

    def response_errors(self, op: Operation, status: int, body: Any) -> list[str]:
        """Messages for every way ``body`` breaks the spec's schema for ``status`` of ``op``."""
        for code, schema in op.response_schemas:
            if code == status:
                return self.schemas.errors(schema, body)
        if 200 <= status < 300 and body is not None and op.response_schemas:
            return [f"status {status} is not documented for {op.operation_id}"]
        return []
