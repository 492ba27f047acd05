"""The service's lengths and ranges, read from its OpenAPI spec into the document's schema.

``product.schema.json`` says what a document may hold; how long a key, a name or a hint may
be and which whole numbers an int flag takes are the service's to say, and its OpenAPI spec
says them (``maxLength``, ``minLength``, ``format: int32``). They are read from the spec the
package carries (found as the fake finds it: :func:`configcat_mock.api.spec_source.find_spec`),
never copied here, so a new pin brings its own limits. Kept here is only where each document
field goes in the service's requests (:data:`LENGTHS`, :data:`RANGES`); a field the spec does
not bound stays unbounded.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cache
from typing import Any

LENGTHS: dict[str, tuple[str, str]] = {
    "/properties/product/properties/name": ("CreateProductRequest", "name"),
    "/properties/product/properties/description": ("UpdateProductRequest", "description"),
    "/$defs/environment/properties/name": ("CreateEnvironmentModel", "name"),
    "/$defs/environment/properties/color": ("CreateEnvironmentModel", "color"),
    "/$defs/environment/properties/description": ("CreateEnvironmentModel", "description"),
    "/$defs/tag/properties/name": ("CreateTagModel", "name"),
    "/$defs/tag/properties/color": ("CreateTagModel", "color"),
    "/$defs/segment/properties/name": ("CreateSegmentModel", "name"),
    "/$defs/segment/properties/description": ("CreateSegmentModel", "description"),
    "/$defs/segment/properties/comparisonAttribute": ("CreateSegmentModel", "comparisonAttribute"),
    "/$defs/segment/properties/comparisonValue": ("CreateSegmentModel", "comparisonValue"),
    "/$defs/config/properties/name": ("CreateConfigRequest", "name"),
    "/$defs/config/properties/description": ("CreateConfigRequest", "description"),
    "/$defs/setting/properties/key": ("CreateSettingInitialValues", "key"),
    "/$defs/setting/properties/name": ("CreateSettingInitialValues", "name"),
    "/$defs/setting/properties/hint": ("CreateSettingInitialValues", "hint"),
    "/$defs/variation/properties/name": ("CreatePredefinedVariationModel", "name"),
    "/$defs/variation/properties/hint": ("CreatePredefinedVariationModel", "hint"),
    "/$defs/formula/properties/percentageEvaluationAttribute": (
        "UpdateEvaluationFormulaModel",
        "percentageEvaluationAttribute",
    ),
    "/$defs/condition/properties/userCondition/properties/comparisonAttribute": (
        "UpdateUserConditionModel",
        "comparisonAttribute",
    ),
    "/$defs/condition/properties/userCondition/properties/comparisonValue/properties/listValue"
    "/items/properties/hint": ("UpdateComparisonValueListModel", "hint"),
    "/$defs/rolloutRule/oneOf/0/properties/comparisonAttribute": (
        "UpdateRolloutRuleModel",
        "comparisonAttribute",
    ),
}
"""Document schema location -> the request model and property the service checks it with."""

RANGES: dict[str, tuple[str, str]] = {
    "/$defs/literal/properties/intValue": ("UpdateValueModel", "intValue"),
}
"""Document schema location -> the request property whose ``format`` bounds it."""

FORMAT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
"""The integer formats of OpenAPI 3 (the specification's "Data Types")."""


def _property(spec: Mapping[str, Any], model: str, name: str) -> Mapping[str, Any]:
    found: Mapping[str, Any] = spec["components"]["schemas"][model]["properties"][name]
    return found


def _at(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = schema
    for part in pointer.lstrip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    found: dict[str, Any] = node
    return found


def bounds(spec: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Per document schema location, the keywords the spec gives it (``maxLength``, ...)."""
    out: dict[str, dict[str, int]] = {}
    for pointer, (model, name) in LENGTHS.items():
        prop = _property(spec, model, name)
        found = {k: int(prop[k]) for k in ("minLength", "maxLength") if prop.get(k)}
        if found:
            out[pointer] = found
    for pointer, (model, name) in RANGES.items():
        span = FORMAT_RANGES.get(str(_property(spec, model, name).get("format")))
        if span is not None:
            out[pointer] = {"minimum": span[0], "maximum": span[1]}
    return out


def bounded(schema: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the document's ``schema`` with the service's lengths and ranges in place."""
    out = copy.deepcopy(dict(schema))
    for pointer, keywords in bounds(spec).items():
        _at(out, pointer).update(keywords)
    return out


@cache
def service_spec() -> Mapping[str, Any]:
    """The OpenAPI document the package carries (or the checkout's pinned one)."""
    # the fake's finder is standard library only; the wheel carries it with the spec
    from configcat_mock.api.spec_source import (  # pyright: ignore[reportMissingImports]
        find_spec,
        read_document,
    )

    return read_document(find_spec())
