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
from configcat_mock.state.seed import DEMO_PASSWORD, DEMO_USERNAME
from configcat_mock.testkit.mock import MockConfigCat
from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client.models import CreateProductRequest, CreateTagModel
from contract_tests.scenarios.support import environment_and_config, flag
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
        org = cc.organizations.get_organizations()[0].organization_id
        product = cc.products.create_product(org, body=CreateProductRequest(name="Contract"))
        pid = product.product_id
        env, config = environment_and_config(cc, pid)
        client = cc.tags.create_tag(pid, body=CreateTagModel(name="client")).tag_id
        for key, kind in (("on", "boolean"), ("name", "string"), ("limit", "double")):
            flag(cc, config.config_id, key, kind, tags=[client])
        flag(cc, config.config_id, "serverOnly", "string")
        with mock.backend.lock:
            store = store_for(mock.backend)
            store.sync()
            store.client_keys.add(
                ClientKey(
                    KEY, str(config.config_id), str(env.environment_id), monthly_quota=100_000
                )
            )
        CURRENT.app = mock.app
        yield mock
        CURRENT.app = None


@SCHEMA.parametrize()
def test_public_config_contract(case: Any, mock_with_key: MockConfigCat) -> None:
    case.call_and_validate()
