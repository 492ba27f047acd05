"""Fakes for the workflow tests: a source product built from the full document, empty targets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

import pytest

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_publicapi import ConfigCatClient
from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import CreateProductRequest
from tests.workflows.workflows_support import full_document


@dataclass
class Org:
    mock: MockConfigCat
    cc: ConfigCatClient

    def product(self, name: str = "Shop") -> UUID:
        made = self.cc.products.create_product(
            UUID(DEMO_ORGANIZATION_ID), body=CreateProductRequest(name=name)
        )
        return made.product_id


def _org() -> Iterator[Org]:
    with MockConfigCat(rate_limits=False) as mock:
        cc = ConfigCatClient("demo", "demo", base_url="http://mock", transport=mock.transport)
        with cc:
            yield Org(mock, cc)


@pytest.fixture
def source() -> Iterator[Org]:
    yield from _org()


@pytest.fixture
def target() -> Iterator[Org]:
    yield from _org()


@pytest.fixture
def shop(source: Org) -> str:
    """A product of ``source`` made from the full document."""
    product = str(source.product())
    wf.apply(source.cc, full_document(), product)
    return product
