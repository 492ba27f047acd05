"""Configs: v1 and v2 evaluation, SDK keys per config and environment, delete with its flags."""

from __future__ import annotations

import pytest

from configcat_publicapi import ConfigCatClient, NotFoundError
from configcat_publicapi_client.models import (
    CreateConfigRequest,
    CreateEnvironmentModel,
    EvaluationVersion,
    UpdateConfigRequest,
)
from contract_tests.scenarios.support import SDK_KEY, flag, sandbox_product


def test_config_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    with sandbox_product(cc, organization_id) as product:
        pid = product.product_id
        eid = cc.environments.create_environment(
            pid, body=CreateEnvironmentModel(name="Prod")
        ).environment_id
        v1 = cc.configs.create_config(pid, body=CreateConfigRequest(name="Legacy"))
        v2 = cc.configs.create_config(
            pid, body=CreateConfigRequest(name="Main", evaluation_version=EvaluationVersion.V2)
        )
        assert (v1.evaluation_version, v2.evaluation_version) == ("v1", "v2")
        listed = {c.config_id for c in cc.configs.get_configs(pid)}
        assert listed == {v1.config_id, v2.config_id}
        got = cc.configs.update_config(v1.config_id, body=UpdateConfigRequest(name="Old", order=5))
        assert (got.name, got.order) == ("Old", 5)
        keys = cc.sdk_keys.get_sdk_keys(v2.config_id, eid)
        assert SDK_KEY.match(keys.primary), keys
        assert cc.sdk_keys.get_sdk_keys(v2.config_id, eid).primary == keys.primary
        sid = flag(cc, v1.config_id, "k", "int")
        cc.configs.delete_config(v1.config_id)
        with pytest.raises(NotFoundError):
            cc.configs.get_config(v1.config_id)
        with pytest.raises(NotFoundError):
            cc.settings.get_setting(sid)
        with pytest.raises(NotFoundError):
            cc.sdk_keys.get_sdk_keys(v1.config_id, eid)
