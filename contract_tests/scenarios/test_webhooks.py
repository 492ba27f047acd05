"""Webhooks: secure headers masked, signing keys, replace and JSON Patch, delete."""

from __future__ import annotations

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi.patch import WebhookPatch
from configcat_publicapi_client.models import WebHookRequestModel
from contract_tests.scenarios.support import sandbox_config


def test_webhook_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    hooks = cc.webhooks
    with sandbox_config(cc, organization_id) as (pid, eid, cid):
        body = WebHookRequestModel.from_dict(
            {
                "url": "https://example.com/hook",
                "httpMethod": "post",
                "content": "{}",
                "webHookHeaders": [
                    {"key": "X-Token", "value": "s3cret", "isSecure": True},
                    {"key": "X-Plain", "value": "v"},
                ],
            }
        )
        hook = hooks.create_webhook(cid, eid, body=body)
        wid = hook.webhook_id
        assert isinstance(wid, int)
        assert [h.value for h in hook.web_hook_headers] == ["******", "v"]
        assert hook.config.config_id == cid
        assert [h.webhook_id for h in hooks.get_webhooks(pid)] == [wid]
        keys = hooks.get_webhook_signing_keys(wid)
        assert keys.key1 and keys.key1 != keys.key2
        got = hooks.replace_webhook(wid, body=WebHookRequestModel(url="https://example.com/2"))
        assert (got.url, got.http_method, got.web_hook_headers) == (
            "https://example.com/2",
            "get",
            [],
        )
        assert (
            hooks.update_webhook(wid, body=WebhookPatch().http_method("post").build()).http_method
            == "post"
        )
        with pytest.raises(BadRequestError):
            hooks.update_webhook(wid, body=WebhookPatch().url("x").build())
        assert hooks.get_webhook(wid).url == "https://example.com/2"
        hooks.delete_webhook(wid)
        with pytest.raises(NotFoundError):
            hooks.get_webhook(wid)
