"""Scenario fixtures: an overlay client bound to the target, and the organization to work in.

The client is the one users get: its retries, rate limiter and typed errors are on, so the
scenarios prove them against the live service too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from configcat_publicapi import ConfigCatClient
from contract_tests.targets import Target


@pytest.fixture(scope="session")
def cc(target: Target) -> Iterator[ConfigCatClient]:
    if target.is_live and not target.write:
        pytest.skip("live target is read-only; scenarios write: set CONTRACT_WRITE=1 to run them")
    transport = target.mock.transport if target.app is not None else None
    with ConfigCatClient(
        target.username, target.password, base_url=target.base_url, transport=transport
    ) as client:
        yield client


@pytest.fixture(scope="session")
def organization_id(cc: ConfigCatClient) -> str:
    organizations = cc.organizations.get_organizations()
    assert organizations, "the credentials see no organization"
    return str(organizations[0].organization_id)
