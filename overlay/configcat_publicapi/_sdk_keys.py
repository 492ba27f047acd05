"""SDK-key scopes: the operations that name config and environment by ``X-CONFIGCAT-SDKKEY``.

``cc.for_sdk_key(key)`` checks the key's format before any request and never shows the key:
its repr, the client's log lines and every exception message carry ``[redacted]`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from configcat_publicapi._exceptions import SdkKeyFormatError

if TYPE_CHECKING:
    from configcat_publicapi._client import AsyncConfigCatClient, ConfigCatClient
    from configcat_publicapi_client.models import SettingFormulaModel, SettingValueModel

#: ``configcat-sdk-1/<22>/<22>`` and the legacy ``<22>/<22>``.
SDK_KEY_FORMAT = re.compile(r"(?:configcat-sdk-1/)?[A-Za-z0-9_-]{22}/[A-Za-z0-9_-]{22}")


def check_sdk_key(sdk_key: object) -> str:
    """Return ``sdk_key`` if it has a ConfigCat SDK key format, else raise without echoing it."""
    if not isinstance(sdk_key, str) or not SDK_KEY_FORMAT.fullmatch(sdk_key):
        shape = f"a {type(sdk_key).__name__}"
        if isinstance(sdk_key, str):
            shape += f" of length {len(sdk_key)}"
        raise SdkKeyFormatError(
            f"not a ConfigCat SDK key (got {shape}); expected 'configcat-sdk-1/<22 chars>/<22 "
            "chars>' or the legacy '<22 chars>/<22 chars>', letters, digits, '-' and '_' only"
        )
    return sdk_key


def _flag(setting_key_or_id: str | int) -> str:
    if isinstance(setting_key_or_id, bool) or not isinstance(setting_key_or_id, (str, int)):
        raise TypeError("a flag is named by its key (str) or its numeric id (int)")
    text = str(setting_key_or_id)
    if not text:
        raise ValueError("the flag key is empty")
    return text


def _patch_body(patch: Iterable[Any]) -> list[Any]:
    """Accept a builder from :mod:`configcat_publicapi.patch` or a list of operations."""
    build = getattr(patch, "build", None)
    return list(build() if callable(build) else patch)


class _ScopeBase:
    __slots__ = ("_key",)

    def __init__(self, sdk_key: str) -> None:
        self._key = check_sdk_key(sdk_key)

    def _extra(self, reason: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        if reason is not None:
            kwargs["reason"] = reason
        kwargs["x_configcat_sdkkey"] = self._key
        return kwargs

    def __repr__(self) -> str:
        return f"{type(self).__name__}(sdk_key='[redacted]')"


class SdkKeyScope(_ScopeBase):
    """Read and change flag values in the config and environment an SDK key names."""

    __slots__ = ("_client",)

    def __init__(self, client: ConfigCatClient, sdk_key: str) -> None:
        super().__init__(sdk_key)
        self._client = client

    def get_value(self, flag: str | int) -> SettingValueModel:
        """The flag's value (v1 model)."""
        return self._client.sdk_key_values.get_setting_value_by_sdkkey(
            _flag(flag), **self._extra(None, {})
        )

    def replace_value(
        self, flag: str | int, body: Any, *, reason: str | None = None, **kwargs: Any
    ) -> SettingValueModel:
        """Replace the flag's value (v1 ``UpdateSettingValueModel``)."""
        return self._client.sdk_key_values.replace_setting_value_by_sdkkey(
            _flag(flag), body=body, **self._extra(reason, kwargs)
        )

    def update_value(
        self, flag: str | int, patch: Iterable[Any], *, reason: str | None = None, **kwargs: Any
    ) -> SettingValueModel:
        """Change the flag's value with JSON Patch operations (v1 paths)."""
        return self._client.sdk_key_values.update_setting_value_by_sdkkey(
            _flag(flag), body=_patch_body(patch), **self._extra(reason, kwargs)
        )

    def get_value_v2(self, flag: str | int) -> SettingFormulaModel:
        """The flag's value (v2 model: default value, targeting rules)."""
        return self._client.sdk_key_values_v2.get_setting_value_by_sdkkey_v2(
            _flag(flag), **self._extra(None, {})
        )

    def replace_value_v2(
        self, flag: str | int, body: Any, *, reason: str | None = None, **kwargs: Any
    ) -> SettingFormulaModel:
        """Replace the flag's value (v2 ``UpdateEvaluationFormulaModel``)."""
        return self._client.sdk_key_values_v2.replace_setting_value_by_sdkkey_v2(
            _flag(flag), body=body, **self._extra(reason, kwargs)
        )

    def update_value_v2(
        self, flag: str | int, patch: Iterable[Any], *, reason: str | None = None, **kwargs: Any
    ) -> SettingFormulaModel:
        """Change the flag's value with JSON Patch operations (v2 paths)."""
        return self._client.sdk_key_values_v2.update_setting_value_by_sdkkey_v2(
            _flag(flag), body=_patch_body(patch), **self._extra(reason, kwargs)
        )


class AsyncSdkKeyScope(_ScopeBase):
    """The asynchronous twin of :class:`SdkKeyScope`."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncConfigCatClient, sdk_key: str) -> None:
        super().__init__(sdk_key)
        self._client = client

    async def get_value(self, flag: str | int) -> SettingValueModel:
        """The flag's value (v1 model)."""
        return await self._client.sdk_key_values.get_setting_value_by_sdkkey(
            _flag(flag), **self._extra(None, {})
        )

    async def replace_value(
        self, flag: str | int, body: Any, *, reason: str | None = None, **kwargs: Any
    ) -> SettingValueModel:
        """Replace the flag's value (v1 ``UpdateSettingValueModel``)."""
        return await self._client.sdk_key_values.replace_setting_value_by_sdkkey(
            _flag(flag), body=body, **self._extra(reason, kwargs)
        )

    async def update_value(
        self, flag: str | int, patch: Iterable[Any], *, reason: str | None = None, **kwargs: Any
    ) -> SettingValueModel:
        """Change the flag's value with JSON Patch operations (v1 paths)."""
        return await self._client.sdk_key_values.update_setting_value_by_sdkkey(
            _flag(flag), body=_patch_body(patch), **self._extra(reason, kwargs)
        )

    async def get_value_v2(self, flag: str | int) -> SettingFormulaModel:
        """The flag's value (v2 model: default value, targeting rules)."""
        return await self._client.sdk_key_values_v2.get_setting_value_by_sdkkey_v2(
            _flag(flag), **self._extra(None, {})
        )

    async def replace_value_v2(
        self, flag: str | int, body: Any, *, reason: str | None = None, **kwargs: Any
    ) -> SettingFormulaModel:
        """Replace the flag's value (v2 ``UpdateEvaluationFormulaModel``)."""
        return await self._client.sdk_key_values_v2.replace_setting_value_by_sdkkey_v2(
            _flag(flag), body=body, **self._extra(reason, kwargs)
        )

    async def update_value_v2(
        self, flag: str | int, patch: Iterable[Any], *, reason: str | None = None, **kwargs: Any
    ) -> SettingFormulaModel:
        """Change the flag's value with JSON Patch operations (v2 paths)."""
        return await self._client.sdk_key_values_v2.update_setting_value_by_sdkkey_v2(
            _flag(flag), body=_patch_body(patch), **self._extra(reason, kwargs)
        )
