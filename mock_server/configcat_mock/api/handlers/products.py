"""Products and their preferences."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import pick, require_name, unique_name
from configcat_mock.api.operations import handles
from configcat_mock.api.rules.permission_groups import add_default_group
from configcat_mock.errors import BadRequest
from configcat_mock.state import records


@handles("get-products")
def get_products(call: Call) -> Any:
    backend = call.backend
    orgs = backend.org_ids(call.user)
    rows = [p for p in backend.products if p.organization_id in orgs]
    return [views.product(backend, p) for p in views.ordered(rows)]


@handles("create-product")
def create_product(call: Call) -> Any:
    backend = call.backend
    org = backend.organization(call.path["organizationId"], call.user)
    name = require_name(call.body.get("name"))
    unique_name(backend.products.where(organization_id=org.organization_id), name)
    product = backend.products.add(
        records.Product(
            product_id=backend.new_uuid(),
            organization_id=org.organization_id,
            name=name,
            description=call.body.get("description"),
            order=call.body.get("order") or 0,
            webhook_signing_keys=[
                f"configcat_whsk_{backend.token(40)}",
                f"configcat_whsk_{backend.token(40)}",
            ],
        )
    )
    add_default_group(backend, product, call.user)
    backend.audit(call.user, org.organization_id, product.product_id, "productCreated", name)
    return views.product(backend, product)


@handles("get-product")
def get_product(call: Call) -> Any:
    return views.product(call.backend, call.backend.product(call.path["productId"], call.user))


@handles("update-product")
def update_product(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    name = call.body.get("name")
    if name:
        unique_name(
            backend.products.where(organization_id=product.organization_id), name, exclude=product
        )
        product.name = name
    product.description = pick(call.body, "description", product.description)
    product.order = pick(call.body, "order", product.order)
    backend.audit(
        call.user, product.organization_id, product.product_id, "productChanged", product.name
    )
    return views.product(backend, product)


@handles("delete-product")
def delete_product(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    backend.delete_product(product.product_id)
    backend.audit(call.user, product.organization_id, None, "productDeleted", product.name)
    return None


def _preferences(call: Call, product: records.Product) -> Any:
    envs = views.ordered(call.backend.environments.where(product_id=product.product_id))
    prefs = product.preferences
    return {
        "reasonRequired": product.reason_required,
        "keyGenerationMode": prefs.get("keyGenerationMode", "camelCase"),
        "showVariationId": bool(prefs.get("showVariationId", False)),
        "reasonRequiredEnvironments": [
            {
                "environmentId": e.environment_id,
                "reasonRequired": e.reason_required,
                "environmentName": e.name,
            }
            for e in envs
        ],
        "mandatorySettingHint": bool(prefs.get("mandatorySettingHint", False)),
        "approveRequired": product.approve_required,
        "approveRequiredEnvironments": [
            {
                "environmentId": e.environment_id,
                "approveRequired": e.approve_required,
                "environmentName": e.name,
            }
            for e in envs
        ],
    }


@handles("get-product-preferences")
def get_product_preferences(call: Call) -> Any:
    return _preferences(call, call.backend.product(call.path["productId"], call.user))


@handles("update-product-preferences")
def update_product_preferences(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    body = call.body or {}
    envs = {e.environment_id: e for e in backend.environments.where(product_id=product.product_id)}
    for name in ("reasonRequiredEnvironments", "approveRequiredEnvironments"):
        for i, item in enumerate(body.get(name) or []):
            if item.get("environmentId") not in envs:
                raise BadRequest(f"{name}[{i}].environmentId", "Unknown environment.")
    product.reason_required = pick(body, "reasonRequired", product.reason_required)
    product.approve_required = pick(body, "approveRequired", product.approve_required)
    for key in ("keyGenerationMode", "showVariationId", "mandatorySettingHint"):
        if body.get(key) is not None:
            product.preferences[key] = body[key]
            call.backend.changed(product)
    for item in body.get("reasonRequiredEnvironments") or []:
        if item.get("reasonRequired") is not None:
            envs[item["environmentId"]].reason_required = bool(item["reasonRequired"])
    for item in body.get("approveRequiredEnvironments") or []:
        if item.get("approveRequired") is not None:
            envs[item["environmentId"]].approve_required = bool(item["approveRequired"])
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "productPreferencesUpdated",
        product.name,
    )
    return _preferences(call, product)
