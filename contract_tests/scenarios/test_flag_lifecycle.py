"""The end-to-end story of a flag: product, environments, config, flag, a value per
environment, read back by SDK key, a JSON Patch, audit log entries, delete."""

from __future__ import annotations

import pytest

from configcat_publicapi import ConfigCatClient, NotFoundError
from configcat_publicapi.patch import SettingPatch
from configcat_publicapi_client.models import (
    CreateConfigRequest,
    CreateEnvironmentModel,
    CreateSettingInitialValues,
    SettingType,
    UpdateSettingValueModel,
)
from contract_tests.scenarios.support import sandbox_product


def test_flag_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    with sandbox_product(cc, organization_id) as product:
        pid = product.product_id
        prod = cc.environments.create_environment(
            pid, body=CreateEnvironmentModel(name="Production")
        )
        test = cc.environments.create_environment(pid, body=CreateEnvironmentModel(name="Test"))
        cid = cc.configs.create_config(pid, body=CreateConfigRequest(name="Main")).config_id
        flag = cc.flags.create_setting(
            cid,
            body=CreateSettingInitialValues(
                key="newCheckout",
                name="New checkout",
                setting_type=SettingType.BOOLEAN,
                hint="rollout",
            ),
        )
        sid = flag.setting_id
        assert [s.setting_id for s in cc.flags.get_settings(cid)] == [sid]

        for env, value in ((prod, False), (test, True)):  # one value per environment
            eid = env.environment_id
            cc.setting_values.replace_setting_value(
                eid, sid, body=UpdateSettingValueModel(value=value)
            )
            assert cc.setting_values.get_setting_value(eid, sid).value is value

        scope = cc.for_config_environment(cid, test.environment_id)  # read back by SDK key
        assert scope.get_value("newCheckout").value is True
        assert scope.get_value_v2("newCheckout").default_value.bool_value is True

        patched = cc.flags.update_setting(sid, body=SettingPatch().name("Checkout v2").build())
        assert patched.name == "Checkout v2"

        entries = list(cc.audit_logs.get_auditlogs_v2.paginate(pid, page_size=2))
        assert len(entries) >= 6, "changes must write audit log entries"

        cc.flags.delete_setting(sid)
        with pytest.raises(NotFoundError):
            cc.flags.get_setting(sid)
        assert any(d.key == "newCheckout" for d in cc.audit_logs.get_deleted_settings(cid))
