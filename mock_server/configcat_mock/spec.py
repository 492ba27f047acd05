"""The pinned OpenAPI document, found and indexed at run time.

The package ships no copy of the spec. :func:`find_spec` looks for it in this order: the path
given by the caller, the ``CONFIGCAT_MOCK_SPEC`` environment variable, then the repository's
``spec/swagger.json`` and ``spec/build/normalised.json`` (next to the package in a checkout, or
under the working directory). Nothing is read at import time; a missing spec raises
:class:`SpecNotFoundError`, whose message says to run ``make spec``.
"""

from __future__ import annotations

import json
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from configcat_mock.schema import SchemaSet

if TYPE_CHECKING:
    from configcat_mock.routing import Router

JSON = dict[str, Any]
SPEC_ENV = "CONFIGCAT_MOCK_SPEC"
HTTP_METHODS = ("get", "put", "post", "patch", "delete")
_REPO_ROOT = Path(__file__).resolve().parents[2]
_CANDIDATES = ("spec/swagger.json", "spec/build/normalised.json")


class SpecNotFoundError(FileNotFoundError):
    """The OpenAPI document the mock serves is not on disk."""


def find_spec(spec_path: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of the spec to serve; raise :class:`SpecNotFoundError` if there is none."""
    if spec_path is not None:
        path = Path(spec_path)
        if not path.is_file():
            raise SpecNotFoundError(f"spec file {path} does not exist; run `make spec` first")
        return path
    env = os.environ.get(SPEC_ENV)
    if env:
        path = Path(env)
        if not path.is_file():
            raise SpecNotFoundError(f"{SPEC_ENV}={env} does not exist; run `make spec` first")
        return path
    looked: list[str] = []
    for root in (_REPO_ROOT, Path.cwd()):
        for rel in _CANDIDATES:
            path = root / rel
            if path.is_file():
                return path
            looked.append(str(path))
    raise SpecNotFoundError(
        "the ConfigCat OpenAPI spec was not found (looked in "
        + ", ".join(dict.fromkeys(looked))
        + f"). Run `make spec` in the repository, set {SPEC_ENV}, or pass spec_path=."
    )


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
        with path.open("rb") as fh:
            return cls(json.load(fh), source=str(path))

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
    def router(self) -> Router:
        """The path router of these operations, built once and shared by every app."""
        from configcat_mock.routing import Router

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
