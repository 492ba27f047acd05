"""No input produces a 500: generated bodies, parameters and raw bytes for every operation.

Bodies are drawn from the spec's request schemas (so many pass validation and reach the
handlers) and from arbitrary JSON; path and query values are arbitrary text or plausible ids.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_paths import is_field_errors

from configcat_mock import MockConfigCat
from configcat_mock.api.spec import Operation, Spec
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

SPEC = Spec.load()
OPERATIONS = sorted(SPEC.operations, key=lambda o: o.operation_id)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def from_schema(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    target, nullable = SPEC.schemas.resolve(schema)
    base: st.SearchStrategy[Any]
    if "enum" in target:
        base = st.sampled_from(target["enum"])
    elif "oneOf" in target:
        base = st.one_of([from_schema(s, depth + 1) for s in target["oneOf"]])
    elif target.get("type") == "object" or "properties" in target:
        props = target.get("properties", {})
        if depth > 4:
            return st.just({})
        required = {
            k: from_schema(v, depth + 1)
            for k, v in props.items()
            if k in target.get("required", [])
        }
        optional = {k: from_schema(v, depth + 1) for k, v in props.items() if k not in required}
        base = st.fixed_dictionaries(required, optional=optional)
    elif target.get("type") == "array":
        base = st.lists(from_schema(target.get("items", {}), depth + 1), max_size=3)
    elif target.get("type") == "integer":
        base = st.integers(-3, 3) | st.integers(-(2**40), 2**40)
    elif target.get("type") == "number":
        base = st.floats(-1e6, 1e6, allow_nan=False)
    elif target.get("type") == "boolean":
        base = st.booleans()
    elif target.get("format") == "uuid":
        base = st.uuids().map(str) | st.just(DEMO_ORGANIZATION_ID)
    elif target.get("type") == "string":
        base = st.text(
            string.ascii_letters + "-_@. ", max_size=int(target.get("maxLength", 12)) % 40
        )
    else:
        base = JSON_VALUES
    return base | st.none() if nullable else base


def body_strategy(op: Operation) -> st.SearchStrategy[Any]:
    if op.body_schema is None:
        return st.none()
    return from_schema(op.body_schema) | JSON_VALUES


PATH_VALUES = st.sampled_from(
    [
        "1",
        "0",
        "-1",
        "99999999999",
        DEMO_ORGANIZATION_ID,
        "key",
        "%20",
        "00000000-0000-0000-0000-000000000000",
        "true",
    ]
) | st.text(
    string.printable.replace("/", "").replace("?", "").replace("#", ""), min_size=1, max_size=8
)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False) as m:
        h = httpx.Client(transport=m.transport, base_url="http://m", auth=("demo", "demo"))
        pid = h.post(
            f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "P"}
        ).json()["productId"]
        h.post(f"/v1/products/{pid}/environments", json={"name": "E"})
        h.post(f"/v1/products/{pid}/configs", json={"name": "C", "evaluationVersion": "v2"})
        yield m


@pytest.mark.slow
@pytest.mark.parametrize("op", OPERATIONS, ids=[o.operation_id for o in OPERATIONS])
def test_generated_input_never_answers_500(mock: MockConfigCat, op: Operation) -> None:
    @settings(
        max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        path = op.path
        for p in op.parameters:
            if p.location == "path":
                value = data.draw(PATH_VALUES)
                path = path.replace("{" + p.name + "}", quote(value, safe="") or "x")
        params = {
            p.name: data.draw(st.text(max_size=6) | PATH_VALUES)
            for p in op.parameters
            if p.location == "query" and data.draw(st.booleans())
        }
        body = data.draw(body_strategy(op))
        with httpx.Client(
            transport=mock.transport, base_url="http://m", auth=("demo", "demo")
        ) as h:
            response = h.request(
                op.method,
                path,
                params=params,
                content=json.dumps(body),
                headers={"Content-Type": "application/json"},
            )
        assert response.status_code < 500, (op.operation_id, path, body, response.text)
        if response.status_code == 400:
            assert is_field_errors(response.json()), response.text
        assert mock.app.internal_errors == []

    run()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"null",
        b"[]",
        b"\xff\xfe",
        b"1e999",
        b"NaN",
        b'{"name": "\\ud800"}',
        b"[" * 5000,
        b'{"name": 1e400}',
        json.dumps({"name": "x" * 100_000}).encode(),
    ],
)
def test_hostile_bytes_answer_400(mock: MockConfigCat, raw: bytes) -> None:
    with httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h:
        response = h.post(
            f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products",
            content=raw,
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 400, response.text
    assert is_field_errors(response.json()), response.text
    assert mock.app.internal_errors == []


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        # a value made of a line break or tab is still a value, not a shorter path
        ("DELETE", "/v1/products/{pid}/members/%0D", None),
        ("GET", "/v1/settings/%0A", "settingId"),
        ("GET", "/v1/configs/%09", "configId"),
        # an encoded slash stays inside its value
        ("GET", "/v1/settings/1%2F2", "settingId"),
        ("DELETE", "/v1/products/{pid}/members/a%2Fb", None),
    ],
)
def test_encoded_separators_stay_in_their_segment(
    mock: MockConfigCat, method: str, path: str, field: str | None
) -> None:
    with httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h:
        pid = h.get("/v1/products").json()[0]["productId"]
        response = h.request(method, path.format(pid=pid))
    assert response.status_code in (400, 404), response.text
    if field is not None:
        assert list(response.json()) == [field]
    assert mock.app.internal_errors == []
