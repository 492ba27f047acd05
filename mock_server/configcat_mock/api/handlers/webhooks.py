"""Webhooks and their signing keys."""

from __future__ import annotations

from typing import Any

from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import apply_patch
from configcat_mock.api.operations import handles
from configcat_mock.state import records as m
from configcat_mock.state.backend import Backend

SECURE_MASK = "******"


def view(b: Backend, hook: m.Webhook) -> dict[str, Any]:
    config = b.configs[hook.config_id]
    env = b.environments[hook.environment_id]
    return {
        "webhookId": hook.webhook_id,
        "url": hook.url,
        "httpMethod": hook.http_method,
        "content": hook.content,
        "webHookHeaders": [
            {
                "key": h["key"],
                "value": SECURE_MASK if h.get("isSecure") else h["value"],
                "isSecure": bool(h.get("isSecure")),
            }
            for h in hook.headers
        ],
        "config": {"configId": config.config_id, "name": config.name},
        "environment": {"environmentId": env.environment_id, "name": env.name},
    }


def _set(hook: m.Webhook, body: dict[str, Any]) -> None:
    hook.url = body["url"]
    hook.http_method = body.get("httpMethod") or "get"
    hook.content = body.get("content")
    hook.headers = [
        {"key": h["key"], "value": h["value"], "isSecure": bool(h.get("isSecure"))}
        for h in body.get("webHookHeaders") or []
    ]


def _audit(c: Call, hook: m.Webhook, kind: str) -> None:
    b = c.backend
    config = b.configs[hook.config_id]
    product = b.products[config.product_id]
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        kind,
        hook.url,
        config_id=hook.config_id,
        environment_id=hook.environment_id,
    )


@handles("get-webhooks")
def get_webhooks(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    configs = {x.config_id for x in b.configs.where(product_id=product.product_id)}
    return [view(b, h) for h in b.webhooks if h.config_id in configs]


@handles("create-webhook")
def create_webhook(c: Call) -> Any:
    b = c.backend
    config, env = b.config_environment(c.path["configId"], c.path["environmentId"], c.user)
    hook = m.Webhook(b.next_id("webhook"), config.config_id, env.environment_id, url="")
    _set(hook, c.body)
    b.webhooks.add(hook)
    _audit(c, hook, "webHookCreated")
    return view(b, hook)


@handles("get-webhook")
def get_webhook(c: Call) -> Any:
    return view(c.backend, c.backend.webhook(c.path["webhookId"], c.user))


@handles("replace-webhook")
def replace_webhook(c: Call) -> Any:
    hook = c.backend.webhook(c.path["webhookId"], c.user)
    _set(hook, c.body)
    _audit(c, hook, "webHookChanged")
    return view(c.backend, hook)


@handles("update-webhook")
def update_webhook(c: Call) -> Any:
    hook = c.backend.webhook(c.path["webhookId"], c.user)
    document = {
        "url": hook.url,
        "content": hook.content,
        "httpMethod": hook.http_method,
        "webHookHeaders": [dict(h) for h in hook.headers],
    }
    patched = apply_patch(document, c.body)
    c.validate_as("WebHookRequestModel", patched)
    _set(hook, patched)
    _audit(c, hook, "webHookChanged")
    return view(c.backend, hook)


@handles("delete-webhook")
def delete_webhook(c: Call) -> Any:
    hook = c.backend.webhook(c.path["webhookId"], c.user)
    c.backend.webhooks.remove(hook.webhook_id)
    _audit(c, hook, "webHookDeleted")
    return None


@handles("get-webhook-signing-keys")
def get_webhook_signing_keys(c: Call) -> Any:
    b = c.backend
    hook = b.webhook(c.path["webhookId"], c.user)
    product = b.products[b.configs[hook.config_id].product_id]
    keys = [*product.webhook_signing_keys, None, None]
    return {"key1": keys[0], "key2": keys[1]}
