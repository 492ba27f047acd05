"""Configs (evaluationVersion v1 and v2) and their SDK keys."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.formulas import wire_config
from configcat_mock.api.handlers._common import pick, require_name
from configcat_mock.api.operations import handles
from configcat_mock.state import records as m


@handles("get-configs")
def get_configs(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    rows = b.configs.where(product_id=product.product_id)
    return [views.config(b, x) for x in views.ordered(rows)]


@handles("create-config")
def create_config(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    config = b.configs.add(
        m.Config(
            config_id=b.new_uuid(),
            product_id=product.product_id,
            name=require_name(c.body.get("name")),
            description=c.body.get("description"),
            order=c.body.get("order") or 0,
            evaluation_version=c.body.get("evaluationVersion") or "v1",
        )
    )
    wire_config(b, config)
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "configCreated",
        config.name,
        config_id=config.config_id,
    )
    return views.config(b, config)


@handles("get-config")
def get_config(c: Call) -> Any:
    return views.config(c.backend, c.backend.config(c.path["configId"], c.user))


@handles("update-config")
def update_config(c: Call) -> Any:
    b = c.backend
    config = b.config(c.path["configId"], c.user)
    if c.body.get("name"):
        config.name = c.body["name"]
    config.description = pick(c.body, "description", config.description)
    config.order = pick(c.body, "order", config.order)
    product = b.products[config.product_id]
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "configChanged",
        config.name,
        config_id=config.config_id,
    )
    return views.config(b, config)


@handles("delete-config")
def delete_config(c: Call) -> Any:
    b = c.backend
    config = b.config(c.path["configId"], c.user)
    product = b.products[config.product_id]
    b.delete_config(config.config_id)
    b.audit(c.user, product.organization_id, product.product_id, "configDeleted", config.name)
    return None


@handles("get-sdk-keys")
def get_sdk_keys(c: Call) -> Any:
    b = c.backend
    config, env = b.config_environment(c.path["configId"], c.path["environmentId"], c.user)
    key = b.ensure_sdk_keys(config.config_id, env.environment_id)
    return {"primary": key.primary, "secondary": key.secondary}
