"""schemathesis runs ``spec/public-config.openapi.yaml`` against the mock, in-process.

The public config endpoint is the mock's own (the Superflag contract), so this part of the
suite runs on mock targets only.

Every default check applies: status codes and headers documented, bodies that fit their
schemas, 401 without the key, 405 for methods the document does not list. The mock holds a
config with client and server-only flags and a key with a quota large enough for the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from configcat_mock.delivery.client_keys import ClientKey
from configcat_mock.delivery.store import store_for
from configcat_mock.mock import MockConfigCat
from configcat_mock.seed import DEMO_PASSWORD, DEMO_USERNAME
from configcat_publicapi import ConfigCatClient
from contract_tests.scenarios.conftest import Api
from contract_tests.targets import Target

DOCUMENT = Path(__file__).resolve().parents[1] / "spec" / "public-config.openapi.yaml"


KEY = "pub_contract_run"
SCHEMA = schemathesis.openapi.from_path(
    DOCUMENT,
    config=SchemathesisConfig.from_dict(
        {
            "auth": {"openapi": {"BearerAuth": {"bearer": KEY}}},
            "generation": {"max-examples": 40},
        }
    ),
)
SCHEMA.base_url = "http://mock"


class _CurrentMock:
    """The ASGI app schemathesis calls: forwards to the mock the fixture set up."""

    app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


CURRENT = _CurrentMock()
SCHEMA.app = CURRENT


@pytest.fixture(scope="module")
def mock_with_key(target: Target) -> Iterator[MockConfigCat]:
    """A mock with client and server-only flags, and :data:`KEY` for them; bound to SCHEMA."""
    if not target.is_mock:
        pytest.skip("the public config endpoint is the mock's own; the live API has none")
    with (
        MockConfigCat(rate_limits=False) as mock,
        ConfigCatClient(
            DEMO_USERNAME, DEMO_PASSWORD, base_url="http://mock", transport=mock.transport,
            rate_limit=None, max_retries=0,
        ) as cc,
    ):  # fmt: skip
        api = Api(cc.http)
        org = api.get("/v1/organizations")[0]["organizationId"]
        product = api.post(f"/v1/organizations/{org}/products", {"name": "Contract"})["productId"]
        env = api.post(f"/v1/products/{product}/environments", {"name": "Production"})
        config = api.post(f"/v1/products/{product}/configs", {"name": "Web"})["configId"]
        client = api.post(f"/v1/products/{product}/tags", {"name": "client"})["tagId"]
        for key, kind in (("on", "boolean"), ("name", "string"), ("limit", "double")):
            flag = {"key": key, "name": key, "settingType": kind, "tags": [client]}
            api.post(f"/v1/configs/{config}/settings", flag)
        server_only = {"key": "serverOnly", "name": "serverOnly", "settingType": "string"}
        api.post(f"/v1/configs/{config}/settings", server_only)
        env = env["environmentId"]
        with mock.backend.lock:
            store = store_for(mock.backend)
            store.sync()
            store.client_keys.add(ClientKey(KEY, config, env, monthly_quota=100_000))
        CURRENT.app = mock.app
        yield mock
        CURRENT.app = None


@SCHEMA.parametrize()
def test_public_config_contract(case: Any, mock_with_key: MockConfigCat) -> None:
    case.call_and_validate()
