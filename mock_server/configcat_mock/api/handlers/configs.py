"""Configs (evaluationVersion v1 and v2) and their SDK keys."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.formulas import wire_config
from configcat_mock.api.handlers._common import pick, require_name
from configcat_mock.api.operations import handles
from configcat_mock.state import records


@handles("get-configs")
def get_configs(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    rows = backend.configs.where(product_id=product.product_id)
    return [views.config(backend, x) for x in views.ordered(rows)]


@handles("create-config")
def create_config(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    config = backend.configs.add(
        records.Config(
            config_id=backend.new_uuid(),
            product_id=product.product_id,
            name=require_name(call.body.get("name")),
            description=call.body.get("description"),
            order=call.body.get("order") or 0,
            evaluation_version=call.body.get("evaluationVersion") or "v1",
        )
    )
    wire_config(backend, config)
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "configCreated",
        config.name,
        config_id=config.config_id,
    )
    return views.config(backend, config)


@handles("get-config")
def get_config(call: Call) -> Any:
    return views.config(call.backend, call.backend.config(call.path["configId"], call.user))


@handles("update-config")
def update_config(call: Call) -> Any:
    backend = call.backend
    config = backend.config(call.path["configId"], call.user)
    if call.body.get("name"):
        config.name = call.body["name"]
    config.description = pick(call.body, "description", config.description)
    config.order = pick(call.body, "order", config.order)
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "configChanged",
        config.name,
        config_id=config.config_id,
    )
    return views.config(backend, config)


@handles("delete-config")
def delete_config(call: Call) -> Any:
    backend = call.backend
    config = backend.config(call.path["configId"], call.user)
    product = backend.products[config.product_id]
    backend.delete_config(config.config_id)
    backend.audit(
        call.user, product.organization_id, product.product_id, "configDeleted", config.name
    )
    return None


@handles("get-sdk-keys")
def get_sdk_keys(call: Call) -> Any:
    backend = call.backend
    config, env = backend.config_environment(
        call.path["configId"], call.path["environmentId"], call.user
    )
    key = backend.ensure_sdk_keys(config.config_id, env.environment_id)
    return {"primary": key.primary, "secondary": key.secondary}
