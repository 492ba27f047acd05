"""Environments: ordered by order then name, names unique ignoring case, partial updates."""

from __future__ import annotations

import uuid

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi_client.models import CreateEnvironmentModel, UpdateEnvironmentModel
from contract_tests.scenarios.support import sandbox_product


def test_environment_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    envs = cc.environments
    with sandbox_product(cc, organization_id) as product:
        pid = product.product_id
        b = envs.create_environment(
            pid, body=CreateEnvironmentModel(name="B", order=1, color="red")
        )
        a = envs.create_environment(pid, body=CreateEnvironmentModel(name="a", order=1))
        z = envs.create_environment(pid, body=CreateEnvironmentModel(name="Z", order=0))
        assert isinstance(b.environment_id, uuid.UUID)
        assert [e.name for e in envs.get_environments(pid)] == ["Z", "a", "B"]
        with pytest.raises(BadRequestError):
            envs.create_environment(pid, body=CreateEnvironmentModel(name="b"))
        with pytest.raises(BadRequestError):
            envs.update_environment(a.environment_id, body=UpdateEnvironmentModel(name="z"))
        got = envs.update_environment(
            b.environment_id, body=UpdateEnvironmentModel(description="x")
        )
        assert (got.description, got.color, got.name) == ("x", "red", "B")
        assert envs.get_environment(b.environment_id).description == "x"
        envs.delete_environment(z.environment_id)
        with pytest.raises(NotFoundError):
            envs.get_environment(z.environment_id)
        assert len(envs.get_environments(pid)) == 2
