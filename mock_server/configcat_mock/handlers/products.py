"""Products and their preferences."""

from __future__ import annotations

from typing import Any

from configcat_mock import models as m
from configcat_mock import views
from configcat_mock.context import Call
from configcat_mock.handlers._common import pick, require_name, unique_name


def get_products(c: Call) -> Any:
    b = c.backend
    orgs = b.org_ids(c.user)
    rows = [p for p in b.t["products"] if p.organization_id in orgs]
    return [views.product(b, p) for p in views.ordered(rows)]


def create_product(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    name = require_name(c.body.get("name"))
    unique_name(b.t["products"].where(organization_id=org.organization_id), name)
    product = b.t["products"].add(
        m.Product(
            product_id=b.new_uuid(),
            organization_id=org.organization_id,
            name=name,
            description=c.body.get("description"),
            order=c.body.get("order") or 0,
            webhook_signing_keys=[f"configcat_whsk_{b.token(40)}", f"configcat_whsk_{b.token(40)}"],
        )
    )
    b.audit(c.user, org.organization_id, product.product_id, "productCreated", name)
    return views.product(b, product)


def get_product(c: Call) -> Any:
    return views.product(c.backend, c.backend.product(c.path["productId"], c.user))


def update_product(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    name = c.body.get("name")
    if name:
        unique_name(
            b.t["products"].where(organization_id=product.organization_id), name, exclude=product
        )
        product.name = name
    product.description = pick(c.body, "description", product.description)
    product.order = pick(c.body, "order", product.order)
    b.audit(c.user, product.organization_id, product.product_id, "productChanged", product.name)
    return views.product(b, product)


def delete_product(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    b.delete_product(product.product_id)
    b.audit(c.user, product.organization_id, None, "productDeleted", product.name)
    return None
