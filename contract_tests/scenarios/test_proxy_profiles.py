"""Proxy profiles: SDK-key selection rules, select and deselect, replace and JSON Patch,
secrets, delete."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from configcat_publicapi import ConfigCatClient, NotFoundError
from configcat_publicapi.patch import JsonPatch
from configcat_publicapi_client.models import (
    CreateOrUpdateProxyProfileRequest,
    ProxyProfileSdkKeysRequest,
)
from contract_tests.scenarios.support import SDK_KEY, sandbox_config, unique


def test_proxy_profile_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    proxies = cc.proxy_profiles
    with sandbox_config(cc, organization_id) as (pid, eid, cid):
        profile = proxies.create_proxy_profile(
            UUID(organization_id),
            body=CreateOrUpdateProxyProfileRequest.from_dict(
                {
                    "name": unique("proxy"),
                    "sdkKeySelectionRules": [{"kind": "include", "productIdFilter": str(pid)}],
                }
            ),
        )
        ppid = profile.proxy_profile_id
        try:
            assert isinstance(ppid, uuid.UUID)
            assert ppid in [
                p.proxy_profile_id
                for p in proxies.get_proxy_profiles(UUID(organization_id)).profiles
            ]
            items = proxies.get_proxy_profile_sdk_keys(ppid).items
            assert [(i.config_id, i.environment_id) for i in items] == [(cid, eid)]
            assert SDK_KEY.match(items[0].primary_sdk_key)
            pair = ProxyProfileSdkKeysRequest.from_dict(
                {"items": [{"configId": str(cid), "environmentId": str(eid)}]}
            )
            assert proxies.deselect_proxy_profile_sdk_keys(ppid, body=pair).items == []
            assert len(proxies.select_proxy_profile_sdk_keys(ppid, body=pair).items) == 1
            got = proxies.replace_proxy_profile(
                ppid,
                body=CreateOrUpdateProxyProfileRequest.from_dict(
                    {"name": "renamed", "connectionPreferences": {"sdkPollInterval": 90}}
                ),
            )
            assert got.connection_preferences.sdk_poll_interval == 90
            got = proxies.update_proxy_profile(
                ppid, body=JsonPatch().replace("/description", "d").build()
            )
            assert (got.name, got.description) == ("renamed", "d")
            first = proxies.generate_proxy_profile_secret(ppid).secret_token
            assert first != proxies.generate_proxy_profile_secret(ppid).secret_token
            assert proxies.get_proxy_profile(ppid).name == "renamed"
        finally:
            proxies.delete_proxy_profile(ppid)
        with pytest.raises(NotFoundError):
            proxies.get_proxy_profile(ppid)
