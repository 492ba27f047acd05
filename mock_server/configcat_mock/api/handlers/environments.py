"""Environments."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.formulas import wire_environment
from configcat_mock.api.handlers._common import pick, require_name, unique_name
from configcat_mock.api.operations import handles
from configcat_mock.state import records as m


@handles("get-environments")
def get_environments(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    rows = b.environments.where(product_id=product.product_id)
    return [views.environment(b, e) for e in views.ordered(rows)]


@handles("create-environment")
def create_environment(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    name = require_name(c.body.get("name"))
    unique_name(b.environments.where(product_id=product.product_id), name)
    env = b.environments.add(
        m.Environment(
            environment_id=b.new_uuid(),
            product_id=product.product_id,
            name=name,
            color=c.body.get("color"),
            description=c.body.get("description"),
            order=c.body.get("order") or 0,
        )
    )
    wire_environment(b, env)
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "environmentCreated",
        name,
        environment_id=env.environment_id,
    )
    return views.environment(b, env)


@handles("get-environment")
def get_environment(c: Call) -> Any:
    return views.environment(c.backend, c.backend.environment(c.path["environmentId"], c.user))


@handles("update-environment")
def update_environment(c: Call) -> Any:
    b = c.backend
    env = b.environment(c.path["environmentId"], c.user)
    name = c.body.get("name")
    if name:
        unique_name(b.environments.where(product_id=env.product_id), name, exclude=env)
        env.name = name
    env.color = pick(c.body, "color", env.color)
    env.description = pick(c.body, "description", env.description)
    env.order = pick(c.body, "order", env.order)
    product = b.products[env.product_id]
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "environmentChanged",
        env.name,
        environment_id=env.environment_id,
    )
    return views.environment(b, env)


@handles("delete-environment")
def delete_environment(c: Call) -> Any:
    b = c.backend
    env = b.environment(c.path["environmentId"], c.user)
    product = b.products[env.product_id]
    b.delete_environment(env.environment_id)
    if c.query.get("cleanupAuditLogs"):
        b.audit_logs.drop(lambda r: r.environment_id == env.environment_id)
    b.audit(c.user, product.organization_id, product.product_id, "environmentDeleted", env.name)
    return None
