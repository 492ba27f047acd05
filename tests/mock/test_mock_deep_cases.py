"""Schema-valid requests against resources that exist: no 500, every answer fits the spec.

The robustness tests draw random identifiers, which mostly meet 404 before a handler does any
work. Here schemathesis draws positive data for every operation and the path (and some query)
identifiers are swapped for real ones of a v1 or a v2 config, so the handlers run on real state.
Each case starts from the same state; after it, the state must dump and load back. The same
cases sent by a user of another organization must find nothing (404, or 400 for input the
service refuses before looking) and change nothing.
"""

from __future__ import annotations

import json
import random
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from spec_paths import is_field_errors
from world import build_demo_world, two_org_seed

from configcat_mock import MockConfigCat
from configcat_mock.api.spec import find_spec

EXAMPLES = 4

MOCK = MockConfigCat(rate_limits=False, validate_responses=True, seed=two_org_seed())


def _worlds() -> tuple[dict[str, Any], dict[str, Any]]:
    http = httpx.Client(transport=MOCK.transport, base_url="http://m", auth=("demo", "demo"))
    v2 = build_demo_world(http)
    pid, eid = v2["productId"], v2["environmentId"]
    cid = http.post(
        f"/v1/products/{pid}/configs", json={"name": "Legacy", "evaluationVersion": "v1"}
    ).json()["configId"]
    sid = http.post(
        f"/v1/configs/{cid}/settings", json={"key": "g", "name": "G", "settingType": "string"}
    ).json()["settingId"]
    http.put(
        f"/v1/environments/{eid}/settings/{sid}/value",
        json={
            "value": "x",
            "rolloutRules": [
                {
                    "comparisonAttribute": "Email",
                    "comparator": "contains",
                    "comparisonValue": "@a",
                    "value": "y",
                }
            ],
            "rolloutPercentageItems": [
                {"percentage": 50, "value": "a"},
                {"percentage": 50, "value": "b"},
            ],
        },
    )
    sdk_key = http.get(f"/v1/configs/{cid}/environments/{eid}").json()["primary"]
    v1 = dict(v2, configId=cid, settingId=sid, settingKeyOrId="g", sdkKey=sdk_key)
    return v1, v2


WORLDS = _worlds()
START = MOCK.dump()
PICK = random.Random(4)

_config = SchemathesisConfig.from_dict(
    {
        "seed": 4,
        "generation": {"max-examples": EXAMPLES, "mode": "positive", "database": "none"},
        "auth": {"openapi": {"Basic": {"username": "demo", "password": "demo"}}},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(
    json.loads(find_spec().read_text(encoding="utf-8")), config=_config
)
schema.config.update(base_url="http://localhost")


@pytest.mark.slow
@schema.parametrize()
def test_valid_requests_on_real_resources(case: Any) -> None:
    MOCK.load(START)
    ids = PICK.choice(WORLDS)
    for name in list(case.path_parameters or {}):
        if name in ids:
            case.path_parameters[name] = ids[name]
    for name in list(case.query or {}):
        if name in ids and PICK.random() < 0.7:
            case.query[name] = ids[name]
    if "{settingKeyOrId}" in case.operation.path:
        case.headers = {**(case.headers or {}), "X-CONFIGCAT-SDKKEY": ids["sdkKey"]}
    errors, violations = len(MOCK.app.internal_errors), len(MOCK.app.response_violations)
    response = case.call(app=MOCK.app)
    assert response.status_code < 500, response.text
    if response.status_code == 400:
        assert is_field_errors(response.json()), response.text
    assert MOCK.app.internal_errors[errors:] == []
    assert MOCK.app.response_violations[violations:] == []
    state = json.loads(json.dumps(MOCK.dump()))
    MOCK.load(state)  # a state the API produced always loads back
    assert MOCK.dump() == state


#: Operations whose path names no resource of the demo organization, or that look resources
#: up by a tracker's key (link details answer an empty list to others).
_NOT_SCOPED = {"get-integration-link-details"}


def _scoped(ctx: Any) -> bool:
    op = ctx.operation
    named = any("{" + name + "}" in op.path for name in WORLDS[0])
    return named and op.definition.raw.get("operationId") not in _NOT_SCOPED


@pytest.mark.slow
@schema.include(_scoped).parametrize()
def test_another_organization_finds_nothing(case: Any) -> None:
    ids = PICK.choice(WORLDS)
    MOCK.load(START)
    for name in set(case.path_parameters or {}) & ids.keys():
        case.path_parameters[name] = ids[name]
    headers = {**(case.headers or {}), "Authorization": "Basic bWFsbG9yeTpwdw=="}  # mallory:pw
    if "{settingKeyOrId}" in case.operation.path:
        headers["X-CONFIGCAT-SDKKEY"] = ids["sdkKey"]
    case.headers = headers
    response = case.call(app=MOCK.app)
    assert MOCK.journal.entries[-1].username == "mallory"
    assert response.status_code in (400, 404), (response.status_code, response.text)
    assert MOCK.dump()["tables"] == START["tables"]
