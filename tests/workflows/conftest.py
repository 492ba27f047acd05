"""Fakes for the workflow tests: a source product built from the full document, empty targets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from configcat_mock import MockConfigCat
from configcat_publicapi import ConfigCatClient
from configcat_publicapi import workflows as wf
from tests.workflows.workflows_support import Org, full_document


def _org() -> Iterator[Org]:
    # the fake limits no rate, so the client spaces no request either (its limiter has tests
    # of its own): a document's writes to one endpoint would wait 50 ms each
    with MockConfigCat(rate_limits=False) as mock:
        cc = ConfigCatClient(
            "demo", "demo", base_url="http://mock", transport=mock.transport, rate_limit=None
        )
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
