"""The compiled validator (``jsonschema-rs``) and ``jsonschema`` agree over the spec's schemas.

The mock answers "valid" from the compiled validator and takes every message from
``jsonschema``: the compiled one must never pass what ``jsonschema`` fails (it may fail more,
such as an integral float beyond an ``int32``, which then costs the slow path only), and the
mock's reports must equal the pure-Python ones. Each
component schema is tried with its shaped neutral instance and with every top-level property
(and the fields of the first item of every list property) replaced by probes of every JSON type, the
formats the spec names and the integer bounds.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from configcat_mock.api.schema import _path, field_of, message_of
from configcat_mock.testkit.mock import load_spec_cached

PROBES: list[Any] = [
    None,
    0,
    -1,
    1.5,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**63,
    3e10,
    True,
    "",
    "x",
    "00000000-0000-0000-0000-000000000000",
    "{12345678123456781234567812345678}",
    "1234567-1234-1234-1234-123456789012",
    "2024-01-01T00:00:00Z",
    "2024-01-01T00:00:00.123+02:00",
    "2024-01-01",
    "2024-13-01T00:00:00Z",
    [],
    [None],
    ["x"],
    {},
    {"unknown": 1},
]

SCHEMAS = load_spec_cached().schemas


def _instances(name: str) -> Iterator[Any]:
    base = SCHEMAS.shape(name, {})
    yield base
    yield from PROBES
    if not isinstance(base, dict):
        return
    for key, value in base.items():
        for probe in PROBES:
            changed = copy.deepcopy(base)
            changed[key] = probe
            yield changed
        target, _ = SCHEMAS.resolve(SCHEMAS.components[name].get("properties", {}).get(key, {}))
        items = target.get("items")
        if isinstance(value, list) and items is not None:
            item = SCHEMAS.shape(items, {})
            yield {**base, key: [item]}
            if isinstance(item, dict):
                for inner in item:
                    for probe in PROBES[::4]:
                        yield {**base, key: [{**item, inner: probe}]}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCHEMAS.components))
def test_compiled_and_pure_python_validators_agree(name: str) -> None:
    schema = {"$ref": "#/components/schemas/" + name}
    fast = SCHEMAS.fast_validator(schema)
    slow = SCHEMAS.validator(schema)
    checked = agreed = 0
    for instance in _instances(name):
        pure = [f"{_path(e) or '$'}: {e.message[:300]}" for e in slow.iter_errors(instance)]
        if fast.is_valid(instance):
            assert pure == [], (name, instance)
        agreed += fast.is_valid(instance) == (pure == [])
        assert SCHEMAS.errors(schema, instance) == pure, (name, instance)
        if pure and checked % 5 == 0:  # the 400 shape too, on a fifth of them
            fields: dict[str, list[str]] = {}
            for error in slow.iter_errors(instance):
                fields.setdefault(field_of(error), []).append(message_of(error))
            assert SCHEMAS.field_errors(schema, instance) == fields
        checked += 1
    assert checked > len(PROBES)
    assert agreed >= checked * 0.95  # stricter only in corner cases


def test_an_invalid_answer_keeps_the_pure_python_messages() -> None:
    schema = {"$ref": "#/components/schemas/ProductModel"}
    body = SCHEMAS.shape("ProductModel", {})
    assert SCHEMAS.errors(schema, body) == []
    body["productId"] = "not-a-uuid"
    body["order"] = 2**31
    assert not SCHEMAS.fast_validator(schema).is_valid(body)
    assert sorted(SCHEMAS.errors(schema, body)) == [
        "order: 2147483648 is not a 'int32'",
        "productId: 'not-a-uuid' is not a 'uuid'",
    ]
