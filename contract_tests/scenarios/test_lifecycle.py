"""The lifecycle scenarios of every resource group (see :mod:`.lifecycle`) against the target."""

from __future__ import annotations

import pytest

from configcat_publicapi import ConfigCatClient
from contract_tests.scenarios.generated_calls import Gen
from contract_tests.scenarios.lifecycle import SCENARIOS


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_lifecycle(name: str, client: ConfigCatClient, organization_id: str) -> None:
    SCENARIOS[name](Gen(client), organization_id)
