"""Tags and the settings that carry them."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import pick, require_name
from configcat_mock.api.operations import handles
from configcat_mock.state import records as m


@handles("get-tags")
def get_tags(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    rows = sorted(b.tags.where(product_id=product.product_id), key=lambda t: t.name.lower())
    return [views.tag(b, t) for t in rows]


@handles("create-tag")
def create_tag(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    tag = b.tags.add(
        m.Tag(
            tag_id=b.next_id("tag"),
            product_id=product.product_id,
            name=require_name(c.body.get("name")),
            color=c.body.get("color"),
        )
    )
    b.audit(c.user, product.organization_id, product.product_id, "tagAdded", tag.name)
    return views.tag(b, tag)


@handles("get-tag")
def get_tag(c: Call) -> Any:
    return views.tag(c.backend, c.backend.tag(c.path["tagId"], c.user))


@handles("update-tag")
def update_tag(c: Call) -> Any:
    b = c.backend
    tag = b.tag(c.path["tagId"], c.user)
    if c.body.get("name"):
        tag.name = c.body["name"]
    tag.color = pick(c.body, "color", tag.color)
    product = b.products[tag.product_id]
    b.audit(c.user, product.organization_id, product.product_id, "tagChanged", tag.name)
    return views.tag(b, tag)


@handles("delete-tag")
def delete_tag(c: Call) -> Any:
    b = c.backend
    tag = b.tag(c.path["tagId"], c.user)
    for setting in b.settings:
        if tag.tag_id in setting.tag_ids:
            setting.tag_ids.remove(tag.tag_id)
    b.tags.remove(tag.tag_id)
    product = b.products[tag.product_id]
    b.audit(c.user, product.organization_id, product.product_id, "tagRemoved", tag.name)
    return None


@handles("get-settings-by-tag")
def get_settings_by_tag(c: Call) -> Any:
    b = c.backend
    tag = b.tag(c.path["tagId"], c.user)
    rows = [s for s in b.settings if tag.tag_id in s.tag_ids]
    return [views.setting(b, s) for s in views.ordered(rows)]
