"""Webhooks and their signing keys."""

from __future__ import annotations

from typing import Any

from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import apply_patch
from configcat_mock.api.operations import handles
from configcat_mock.state import records
from configcat_mock.state.backend import Backend

SECURE_MASK = "******"


def view(backend: Backend, hook: records.Webhook) -> dict[str, Any]:
    config = backend.configs[hook.config_id]
    env = backend.environments[hook.environment_id]
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


def _set(hook: records.Webhook, body: dict[str, Any]) -> None:
    hook.url = body["url"]
    hook.http_method = body.get("httpMethod") or "get"
    hook.content = body.get("content")
    hook.headers = [
        {"key": h["key"], "value": h["value"], "isSecure": bool(h.get("isSecure"))}
        for h in body.get("webHookHeaders") or []
    ]


def _audit(call: Call, hook: records.Webhook, kind: str) -> None:
    backend = call.backend
    config = backend.configs[hook.config_id]
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        kind,
        hook.url,
        config_id=hook.config_id,
        environment_id=hook.environment_id,
    )


@handles("get-webhooks")
def get_webhooks(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    configs = {x.config_id for x in backend.configs.where(product_id=product.product_id)}
    return [view(backend, h) for h in backend.webhooks if h.config_id in configs]


@handles("create-webhook")
def create_webhook(call: Call) -> Any:
    backend = call.backend
    config, env = backend.config_environment(
        call.path["configId"], call.path["environmentId"], call.user
    )
    hook = records.Webhook(backend.next_id("webhook"), config.config_id, env.environment_id, url="")
    _set(hook, call.body)
    backend.webhooks.add(hook)
    _audit(call, hook, "webHookCreated")
    return view(backend, hook)


@handles("get-webhook")
def get_webhook(call: Call) -> Any:
    return view(call.backend, call.backend.webhook(call.path["webhookId"], call.user))


@handles("replace-webhook")
def replace_webhook(call: Call) -> Any:
    hook = call.backend.webhook(call.path["webhookId"], call.user)
    _set(hook, call.body)
    _audit(call, hook, "webHookChanged")
    return view(call.backend, hook)


@handles("update-webhook")
def update_webhook(call: Call) -> Any:
    hook = call.backend.webhook(call.path["webhookId"], call.user)
    document = {
        "url": hook.url,
        "content": hook.content,
        "httpMethod": hook.http_method,
        "webHookHeaders": [dict(h) for h in hook.headers],
    }
    patched = apply_patch(document, call.body)
    call.validate_as("WebHookRequestModel", patched)
    _set(hook, patched)
    _audit(call, hook, "webHookChanged")
    return view(call.backend, hook)


@handles("delete-webhook")
def delete_webhook(call: Call) -> Any:
    hook = call.backend.webhook(call.path["webhookId"], call.user)
    call.backend.webhooks.remove(hook.webhook_id)
    _audit(call, hook, "webHookDeleted")
    return None


@handles("get-webhook-signing-keys")
def get_webhook_signing_keys(call: Call) -> Any:
    backend = call.backend
    hook = backend.webhook(call.path["webhookId"], call.user)
    product = backend.products[backend.configs[hook.config_id].product_id]
    keys = [*product.webhook_signing_keys, None, None]
    return {"key1": keys[0], "key2": keys[1]}
