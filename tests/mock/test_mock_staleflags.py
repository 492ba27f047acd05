"""Stale flags: ``hasCodeReferences`` per config says whether code references were uploaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with (
        MockConfigCat(rate_limits=False) as mock,
        httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        yield h


def post(http: httpx.Client, path: str, body: Any) -> Any:
    r = http.post(path, json=body)
    assert r.status_code in (200, 201), r.text
    return r.json() if r.content else None


def upload(http: httpx.Client, config_id: str, refs: list[dict[str, Any]]) -> None:
    body = {
        "configId": config_id,
        "repository": "repo",
        "branch": "main",
        "flagReferences": refs,
    }
    post(http, "/v1/code-references", body)


def config_flags(http: httpx.Client, product_id: str) -> dict[str, bool]:
    # the flags are fresh, so none is listed as stale: the answer must not depend on that
    r = http.get(f"/v1/products/{product_id}/staleflags")
    assert r.status_code == 200, r.text
    return {c["name"]: c["hasCodeReferences"] for c in r.json()["configs"]}


def test_config_has_code_references_right_after_an_upload(http: httpx.Client) -> None:
    pid = post(http, f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", {"name": "P"})[
        "productId"
    ]
    post(http, f"/v1/products/{pid}/environments", {"name": "E"})
    cids = {
        name: post(http, f"/v1/products/{pid}/configs", {"name": name})["configId"]
        for name in ("A", "B")
    }
    sid = post(
        http,
        f"/v1/configs/{cids['A']}/settings",
        {"key": "k", "name": "K", "settingType": "boolean"},
    )["settingId"]
    assert config_flags(http, pid) == {"A": False, "B": False}

    # a report that names no flag, and one that names a flag: both are uploads for config A
    upload(http, cids["A"], [])
    assert config_flags(http, pid) == {"A": True, "B": False}
    reference = {"file": "a.py", "referenceLine": {"lineText": "k", "lineNumber": 1}}
    upload(http, cids["A"], [{"settingId": sid, "references": [reference]}])
    assert config_flags(http, pid) == {"A": True, "B": False}

    # deleting the report takes it away again
    post(http, "/v1/code-references/delete-reports", {"configId": cids["A"], "repository": "repo"})
    assert config_flags(http, pid) == {"A": False, "B": False}
