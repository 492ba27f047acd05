"""Products and their preferences."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import pick, require_name, unique_name
from configcat_mock.api.operations import handles
from configcat_mock.api.rules.permission_groups import add_default_group
from configcat_mock.errors import BadRequest
from configcat_mock.state import records as m


@handles("get-products")
def get_products(c: Call) -> Any:
    b = c.backend
    orgs = b.org_ids(c.user)
    rows = [p for p in b.products if p.organization_id in orgs]
    return [views.product(b, p) for p in views.ordered(rows)]


@handles("create-product")
def create_product(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    name = require_name(c.body.get("name"))
    unique_name(b.products.where(organization_id=org.organization_id), name)
    product = b.products.add(
        m.Product(
            product_id=b.new_uuid(),
            organization_id=org.organization_id,
            name=name,
            description=c.body.get("description"),
            order=c.body.get("order") or 0,
            webhook_signing_keys=[f"configcat_whsk_{b.token(40)}", f"configcat_whsk_{b.token(40)}"],
        )
    )
    add_default_group(b, product, c.user)
    b.audit(c.user, org.organization_id, product.product_id, "productCreated", name)
    return views.product(b, product)


@handles("get-product")
def get_product(c: Call) -> Any:
    return views.product(c.backend, c.backend.product(c.path["productId"], c.user))


@handles("update-product")
def update_product(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    name = c.body.get("name")
    if name:
        unique_name(
            b.products.where(organization_id=product.organization_id), name, exclude=product
        )
        product.name = name
    product.description = pick(c.body, "description", product.description)
    product.order = pick(c.body, "order", product.order)
    b.audit(c.user, product.organization_id, product.product_id, "productChanged", product.name)
    return views.product(b, product)


@handles("delete-product")
def delete_product(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    b.delete_product(product.product_id)
    b.audit(c.user, product.organization_id, None, "productDeleted", product.name)
    return None


def _preferences(c: Call, product: m.Product) -> Any:
    envs = views.ordered(c.backend.environments.where(product_id=product.product_id))
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
def get_product_preferences(c: Call) -> Any:
    return _preferences(c, c.backend.product(c.path["productId"], c.user))


@handles("update-product-preferences")
def update_product_preferences(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    body = c.body or {}
    envs = {e.environment_id: e for e in b.environments.where(product_id=product.product_id)}
    for name in ("reasonRequiredEnvironments", "approveRequiredEnvironments"):
        for i, item in enumerate(body.get(name) or []):
            if item.get("environmentId") not in envs:
                raise BadRequest(f"{name}[{i}].environmentId", "Unknown environment.")
    product.reason_required = pick(body, "reasonRequired", product.reason_required)
    product.approve_required = pick(body, "approveRequired", product.approve_required)
    for key in ("keyGenerationMode", "showVariationId", "mandatorySettingHint"):
        if body.get(key) is not None:
            product.preferences[key] = body[key]
    for item in body.get("reasonRequiredEnvironments") or []:
        if item.get("reasonRequired") is not None:
            envs[item["environmentId"]].reason_required = bool(item["reasonRequired"])
    for item in body.get("approveRequiredEnvironments") or []:
        if item.get("approveRequired") is not None:
            envs[item["environmentId"]].approve_required = bool(item["approveRequired"])
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "productPreferencesUpdated",
        product.name,
    )
    return _preferences(c, product)
