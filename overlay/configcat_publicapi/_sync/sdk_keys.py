# Derived from configcat_publicapi/_async/sdk_keys.py
# by scripts/make_sync.py: do not edit.
"""``SdkKeyScope``: flag values of the config and environment an SDK key names.

``_sync/sdk_keys.py`` is derived from ``_async/sdk_keys.py`` by ``scripts/make_sync.py``; the
key checks are in ``configcat_publicapi._sdk_keys``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from configcat_publicapi._sdk_keys import ScopeBase, flag, patch_body
from configcat_publicapi._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from configcat_publicapi._sync.client import ConfigCatClient
    from configcat_publicapi_client.models import (
        SettingFormulaModel,
        SettingValueModel,
        UpdateEvaluationFormulaModel,
        UpdateSettingValueModel,
    )


class SdkKeyScope(ScopeBase):
    """Read and change flag values in the config and environment an SDK key names.

    ``reason`` defaults to the client's default reason.
    """

    __slots__ = ("_client",)

    def __init__(self, client: ConfigCatClient, sdk_key: str) -> None:
        super().__init__(sdk_key)
        self._client = client

    def get_value(self, setting: str | int) -> SettingValueModel:
        """The flag's value (v1 model)."""
        return self._client.sdk_key_values.get_setting_value_by_sdkkey(
            flag(setting), x_configcat_sdkkey=self._key
        )

    def replace_value(
        self,
        setting: str | int,
        body: UpdateSettingValueModel,
        *,
        reason: str | NotGiven = NOT_GIVEN,
    ) -> SettingValueModel:
        """Replace the flag's value (v1 ``UpdateSettingValueModel``)."""
        return self._client.sdk_key_values.replace_setting_value_by_sdkkey(
            flag(setting), body=body, reason=reason, x_configcat_sdkkey=self._key
        )

    def update_value(
        self, setting: str | int, patch: Iterable[Any], *, reason: str | NotGiven = NOT_GIVEN
    ) -> SettingValueModel | None:
        """Change the flag's value with JSON Patch operations (v1 paths); ``None`` when the
        service answers 204 No Content."""
        return self._client.sdk_key_values.update_setting_value_by_sdkkey(
            flag(setting), body=patch_body(patch), reason=reason, x_configcat_sdkkey=self._key
        )

    def get_value_v2(self, setting: str | int) -> SettingFormulaModel:
        """The flag's value (v2 model: default value, targeting rules)."""
        return self._client.sdk_key_values_v2.get_setting_value_by_sdkkey_v2(
            flag(setting), x_configcat_sdkkey=self._key
        )

    def replace_value_v2(
        self,
        setting: str | int,
        body: UpdateEvaluationFormulaModel,
        *,
        reason: str | NotGiven = NOT_GIVEN,
    ) -> SettingFormulaModel:
        """Replace the flag's value (v2 ``UpdateEvaluationFormulaModel``)."""
        return self._client.sdk_key_values_v2.replace_setting_value_by_sdkkey_v2(
            flag(setting), body=body, reason=reason, x_configcat_sdkkey=self._key
        )

    def update_value_v2(
        self, setting: str | int, patch: Iterable[Any], *, reason: str | NotGiven = NOT_GIVEN
    ) -> SettingFormulaModel | None:
        """Change the flag's value with JSON Patch operations (v2 paths); ``None`` when the
        service answers 204 No Content."""
        return self._client.sdk_key_values_v2.update_setting_value_by_sdkkey_v2(
            flag(setting), body=patch_body(patch), reason=reason, x_configcat_sdkkey=self._key
        )
