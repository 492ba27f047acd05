"""Environments."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.formulas import wire_environment
from configcat_mock.api.handlers._common import pick, require_name, unique_name
from configcat_mock.api.operations import handles
from configcat_mock.state import records


@handles("get-environments")
def get_environments(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    rows = backend.environments.where(product_id=product.product_id)
    return [views.environment(backend, e) for e in views.ordered(rows)]


@handles("create-environment")
def create_environment(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    name = require_name(call.body.get("name"))
    unique_name(backend.environments.where(product_id=product.product_id), name)
    env = backend.environments.add(
        records.Environment(
            environment_id=backend.new_uuid(),
            product_id=product.product_id,
            name=name,
            color=call.body.get("color"),
            description=call.body.get("description"),
            order=call.body.get("order") or 0,
        )
    )
    wire_environment(backend, env)
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "environmentCreated",
        name,
        environment_id=env.environment_id,
    )
    return views.environment(backend, env)


@handles("get-environment")
def get_environment(call: Call) -> Any:
    return views.environment(
        call.backend, call.backend.environment(call.path["environmentId"], call.user)
    )


@handles("update-environment")
def update_environment(call: Call) -> Any:
    backend = call.backend
    env = backend.environment(call.path["environmentId"], call.user)
    name = call.body.get("name")
    if name:
        unique_name(backend.environments.where(product_id=env.product_id), name, exclude=env)
        env.name = name
    env.color = pick(call.body, "color", env.color)
    env.description = pick(call.body, "description", env.description)
    env.order = pick(call.body, "order", env.order)
    product = backend.products[env.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "environmentChanged",
        env.name,
        environment_id=env.environment_id,
    )
    return views.environment(backend, env)


@handles("delete-environment")
def delete_environment(call: Call) -> Any:
    backend = call.backend
    env = backend.environment(call.path["environmentId"], call.user)
    product = backend.products[env.product_id]
    backend.delete_environment(env.environment_id)
    if call.query.get("cleanupAuditLogs"):
        backend.audit_logs.drop(lambda r: r.environment_id == env.environment_id)
    backend.audit(
        call.user, product.organization_id, product.product_id, "environmentDeleted", env.name
    )
    return None
