"""What a handler receives (:class:`Call`) and may return (:class:`Reply`)."""

from __future__ import annotations

from typing import Any

import attrs

from configcat_mock.api.schema import SchemaSet
from configcat_mock.api.spec import Operation
from configcat_mock.errors import BadRequest
from configcat_mock.state.backend import Backend
from configcat_mock.state.records import Environment, Product, User


@attrs.define
class Call:
    """One authenticated, validated request."""

    backend: Backend
    op: Operation
    user: User
    path: dict[str, Any]
    query: dict[str, Any]
    headers: dict[str, Any]
    body: Any
    schemas: SchemaSet

    def validate_as(self, name: str, document: Any) -> None:
        """400 unless ``document`` fits the component schema ``name`` (e.g. after a patch)."""
        errors = self.schemas.field_errors({"$ref": "#/components/schemas/" + name}, document)
        if errors:
            raise BadRequest(errors)

    @property
    def reason(self) -> str | None:
        value = self.query.get("reason")
        if value is None and isinstance(self.body, dict):
            value = self.body.get("reason")
        return value if isinstance(value, str) and value.strip() else None

    def require_reason(self, product: Product, environment: Environment | None = None) -> None:
        """400 when the product or environment asks for a reason and the call gives none."""
        needed = product.reason_required or bool(environment and environment.reason_required)
        if needed and self.reason is None:
            raise BadRequest("reason", "A reason is required for this change.")


@attrs.frozen
class Reply:
    """An explicit status (and optional body); plain return values use the spec's first 2xx."""

    status: int
    body: Any = None
