"""Helpers of the delivery tests: management calls through the overlay client."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client import models as gm
from configcat_publicapi_client.api.configs import create_config, delete_config
from configcat_publicapi_client.api.environments import create_environment, update_environment
from configcat_publicapi_client.api.feature_flag_setting_values import replace_setting_value
from configcat_publicapi_client.api.feature_flag_setting_values_v2 import (
    replace_setting_value_v2,
)
from configcat_publicapi_client.api.feature_flags_settings import create_setting
from configcat_publicapi_client.api.products import create_product
from configcat_publicapi_client.api.sdk_keys import get_sdk_keys
from configcat_publicapi_client.api.segments import create_segment
from configcat_publicapi_client.api.tags import create_tag


class Manager:
    """Management calls through the overlay client and the generated endpoint functions."""

    def __init__(self, cc: ConfigCatClient) -> None:
        self.cc = cc

    def _ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.content
        return response.parsed

    def product(self, name: str = "Shop") -> str:
        body = gm.CreateProductRequest.from_dict({"name": name})
        r = create_product.sync_detailed(UUID(DEMO_ORGANIZATION_ID), client=self.cc.api, body=body)
        return str(self._ok(r, 201).product_id)

    def environment(self, product_id: str, name: str) -> str:
        body = gm.CreateEnvironmentModel.from_dict({"name": name})
        r = create_environment.sync_detailed(UUID(product_id), client=self.cc.api, body=body)
        return str(self._ok(r, 201).environment_id)

    def config(self, product_id: str, name: str, version: str = "v2") -> str:
        body = gm.CreateConfigRequest.from_dict({"name": name, "evaluationVersion": version})
        r = create_config.sync_detailed(UUID(product_id), client=self.cc.api, body=body)
        return str(self._ok(r, 201).config_id)

    def sdk_key(self, config_id: str, environment_id: str) -> str:
        r = get_sdk_keys.sync_detailed(UUID(config_id), UUID(environment_id), client=self.cc.api)
        return str(self._ok(r).primary)

    def tag(self, product_id: str, name: str) -> int:
        body = gm.CreateTagModel.from_dict({"name": name})
        r = create_tag.sync_detailed(UUID(product_id), client=self.cc.api, body=body)
        return int(self._ok(r, 201).tag_id)

    def flag(self, config_id: str, key: str, setting_type: str = "boolean", **extra: Any) -> int:
        body = gm.CreateSettingInitialValues.from_dict(
            {"key": key, "name": key, "settingType": setting_type, **extra}
        )
        r = create_setting.sync_detailed(UUID(config_id), client=self.cc.api, body=body)
        return int(self._ok(r, 201).setting_id)

    def segment(
        self, product_id: str, name: str, attribute: str, comparator: str, value: str
    ) -> str:
        body = gm.CreateSegmentModel.from_dict(
            {
                "name": name,
                "comparisonAttribute": attribute,
                "comparator": comparator,
                "comparisonValue": value,
            }
        )
        r = create_segment.sync_detailed(UUID(product_id), client=self.cc.api, body=body)
        return str(self._ok(r, 201).segment_id)

    def formula(self, environment_id: str, setting_id: int, formula: dict[str, Any]) -> None:
        body = gm.UpdateEvaluationFormulaModel.from_dict(formula)
        r = replace_setting_value_v2.sync_detailed(
            UUID(environment_id), setting_id, client=self.cc.api, body=body
        )
        self._ok(r)

    def v1_value(self, environment_id: str, setting_id: int, value: dict[str, Any]) -> None:
        body = gm.UpdateSettingValueModel.from_dict(value)
        r = replace_setting_value.sync_detailed(
            UUID(environment_id), setting_id, client=self.cc.api, body=body
        )
        self._ok(r)

    def delete_config(self, config_id: str) -> None:
        self._ok(delete_config.sync_detailed(UUID(config_id), client=self.cc.api), 204)

    def rename_environment(self, environment_id: str, name: str) -> None:
        body = gm.UpdateEnvironmentModel.from_dict({"name": name})
        r = update_environment.sync_detailed(UUID(environment_id), client=self.cc.api, body=body)
        self._ok(r)
