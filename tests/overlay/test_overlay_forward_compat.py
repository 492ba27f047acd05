"""Answers of a newer service parse: an enum value the pinned spec does not know is kept as it
came and logged once; requests still take known values only.

Proven for every enum-typed property of every model an answer of the pinned spec can hold
(found by walking the spec from its 2xx responses, not listed here), and end to end on the
mock: an audit-log entry of a type the spec does not have."""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from overlay_support import load

from configcat_publicapi import ConfigCatClient, is_known
from configcat_publicapi_client import models

ROOT = Path(__file__).resolve().parents[2]
NORMALISED = ROOT / "spec" / "build" / "normalised.json"
DOC: dict[str, Any] = json.loads(NORMALISED.read_text())
SCHEMAS: dict[str, Any] = DOC["components"]["schemas"]
NEW_VALUE = "valueFromANewerService"
REF = "#/components/schemas/"


def _resolve(schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.removeprefix(REF)
    return name, SCHEMAS[name]


def _refs_in(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("$ref"), str):
            yield schema["$ref"].removeprefix(REF)
        for value in schema.values():
            yield from _refs_in(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs_in(value)


def _response_models() -> set[str]:
    """Every schema a 2xx answer can hold, directly or nested."""
    todo: list[str] = []
    for item in DOC["paths"].values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for status, response in op.get("responses", {}).items():
                if status.startswith("2"):
                    todo.extend(_refs_in(response.get("content", {})))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs_in(SCHEMAS[name]))
    return seen


def _enum_of(schema: dict[str, Any]) -> tuple[str, bool] | None:
    """(enum schema name, is a list) of a property typed by a string enum, else None."""
    if schema.get("type") == "array":
        found = _enum_of(schema.get("items", {}))
        return (found[0], True) if found else None
    members = [schema, *schema.get("allOf", []), *schema.get("oneOf", []), *schema.get("anyOf", [])]
    for member in members:
        name, target = _resolve(member)
        if name is not None and "enum" in target and target.get("type", "string") == "string":
            return name, False
    return None


def _enum_properties() -> list[tuple[str, str, str, bool]]:
    """(model, JSON property, enum, is a list) for every enum property of a response model."""
    found = []
    for model in sorted(_response_models()):
        for prop, schema in SCHEMAS[model].get("properties", {}).items():
            enum_of = _enum_of(schema)
            if enum_of is not None:
                found.append((model, prop, *enum_of))
    return found


CASES = _enum_properties()
RESPONSE_ENUMS = sorted({case[2] for case in CASES})


def _sample(schema: dict[str, Any], depth: int = 0) -> Any:
    """The smallest JSON value that fits ``schema``: required properties only."""
    _, schema = _resolve(schema)
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            return _sample(schema[key][0], depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        required = schema.get("required", [])
        return {p: _sample(schema["properties"][p], depth + 1) for p in required}
    if kind == "array":
        return []
    if kind == "string":
        return {
            "uuid": "3f1c2a4e-0000-4000-8000-000000000000",
            "date-time": "2026-01-02T03:04:05+00:00",
            "date": "2026-01-02",
        }.get(schema.get("format", ""), "x")
    return {"integer": 0, "number": 0.5, "boolean": False}[kind]


def _model_class(schema_name: str) -> Any:
    wanted = schema_name.replace("_", "").lower()
    matches = [getattr(models, n) for n in dir(models) if n.lower() == wanted]
    assert len(matches) == 1, schema_name
    return matches[0]


def test_the_spec_has_response_enums_to_prove() -> None:
    assert "AuditLogType" in RESPONSE_ENUMS
    assert len(RESPONSE_ENUMS) >= 15 and len(CASES) >= len(RESPONSE_ENUMS)


@pytest.mark.parametrize(
    ("model", "prop", "enum_name", "is_list"), CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES]
)
def test_an_unknown_enum_value_in_a_response_model_is_kept(
    model: str, prop: str, enum_name: str, is_list: bool, caplog: pytest.LogCaptureFixture
) -> None:
    cls = _model_class(model)
    enum_cls = _model_class(enum_name)
    data = _sample({"$ref": REF + model})
    data[prop] = [NEW_VALUE] if is_list else NEW_VALUE
    data["fieldFromANewerService"] = {"kept": True}
    caplog.set_level(logging.WARNING, logger="configcat_publicapi")
    parsed = cls.from_dict(data)
    again = cls.from_dict(data)
    values = [v for v in vars_of(parsed) if isinstance(v, (enum_cls, list))]
    flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
    kept = [x for x in flat if isinstance(x, enum_cls) and x == NEW_VALUE]
    assert kept, (model, prop, values)
    member = kept[0]
    assert member.value == NEW_VALUE and str(member) == NEW_VALUE and not is_known(member)
    assert parsed.to_dict()[prop] == data[prop]  # written back as it came
    assert parsed.additional_properties["fieldFromANewerService"] == {"kept": True}
    assert vars_of(again) == vars_of(parsed)
    warnings = [
        r for r in caplog.records if r.name == "configcat_publicapi" and NEW_VALUE in r.getMessage()
    ]
    assert len(warnings) <= 1  # once per enum and value in the whole process
    with pytest.raises(ValueError, match=NEW_VALUE):
        enum_cls(NEW_VALUE)  # what requests are built from stays strict


def vars_of(obj: Any) -> list[Any]:
    import attrs

    return list(attrs.asdict(obj, recurse=False).values())


def test_known_values_are_members_and_each_unknown_one_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="configcat_publicapi")
    assert models.AuditLogType.from_service("productCreated") is models.AuditLogType.PRODUCTCREATED
    assert is_known(models.AuditLogType.PRODUCTCREATED)
    first = models.AuditLogType.from_service("loggedOnceOnlyType")
    assert models.AuditLogType.from_service("loggedOnceOnlyType") is first
    assert isinstance(first, models.AuditLogType) and isinstance(first, enum.Enum)
    assert first not in list(models.AuditLogType)
    lines = [r.getMessage() for r in caplog.records if "loggedOnceOnlyType" in r.getMessage()]
    assert len(lines) == 1 and "AuditLogType" in lines[0]
    assert all(r.levelno == logging.WARNING for r in caplog.records)


FUTURE_TYPE = "auditLogTypeFromANewerService"


# the answer breaks the pinned spec on purpose: the mock must not flag it
@pytest.mark.configcat_mock(validate_responses=False)
def test_audit_log_of_an_unknown_type_reads_pages_and_exports(
    configcat_client: ConfigCatClient, caplog: pytest.LogCaptureFixture
) -> None:
    from configcat_publicapi_client.models import CreateProductRequest

    run = load("export_audit_log").run

    me = configcat_client.me.get_me()
    organization = configcat_client.organizations.get_organizations()[0]
    product = configcat_client.products.create_product(
        organization.organization_id, body=CreateProductRequest(name="Future")
    )
    state = configcat_client.http.get("/_mock/state").json()
    rows = state["tables"]["audit_logs"]
    template = next(r for r in rows if r["product_id"] == str(product.product_id))
    rows.append({**template, "audit_log_id": 10**6, "type": FUTURE_TYPE, "details": me.email})
    assert configcat_client.http.put("/_mock/state", json=state).status_code in (200, 204)

    caplog.set_level(logging.WARNING, logger="configcat_publicapi")
    listed = configcat_client.audit_logs.get_auditlogs(product.product_id)
    paged = list(configcat_client.audit_logs.get_auditlogs_v2.paginate(product.product_id))
    exported = [json.loads(line) for line in run(configcat_client, product.product_id)]
    for items in (listed, paged):
        future = [i for i in items if i.audit_log_type_enum == FUTURE_TYPE]
        assert len(future) == 1 and not is_known(future[0].audit_log_type_enum)
        assert {str(i.audit_log_type_enum) for i in items} >= {"productCreated", FUTURE_TYPE}
    assert [e["auditLogTypeEnum"] for e in exported].count(FUTURE_TYPE) == 1
    warnings = [r for r in caplog.records if FUTURE_TYPE in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
