"""Tags and the settings that carry them."""

from __future__ import annotations

from typing import Any

from configcat_mock import models as m
from configcat_mock import views
from configcat_mock.context import Call
from configcat_mock.handlers._common import pick, require_name


def get_tags(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    rows = sorted(b.t["tags"].where(product_id=product.product_id), key=lambda t: t.name.lower())
    return [views.tag(b, t) for t in rows]


def create_tag(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    tag = b.t["tags"].add(
        m.Tag(
            tag_id=b.next_id("tag"),
            product_id=product.product_id,
            name=require_name(c.body.get("name")),
            color=c.body.get("color"),
        )
    )
    b.audit(c.user, product.organization_id, product.product_id, "tagAdded", tag.name)
    return views.tag(b, tag)


def get_tag(c: Call) -> Any:
    return views.tag(c.backend, c.backend.tag(c.path["tagId"], c.user))


def update_tag(c: Call) -> Any:
    b = c.backend
    tag = b.tag(c.path["tagId"], c.user)
    if c.body.get("name"):
        tag.name = c.body["name"]
    tag.color = pick(c.body, "color", tag.color)
    product = b.t["products"][tag.product_id]
    b.audit(c.user, product.organization_id, product.product_id, "tagChanged", tag.name)
    return views.tag(b, tag)


def delete_tag(c: Call) -> Any:
    b = c.backend
    tag = b.tag(c.path["tagId"], c.user)
    for setting in b.t["settings"]:
        if tag.tag_id in setting.tag_ids:
            setting.tag_ids.remove(tag.tag_id)
    b.t["tags"].remove(tag.tag_id)
    product = b.t["products"][tag.product_id]
    b.audit(c.user, product.organization_id, product.product_id, "tagRemoved", tag.name)
    return None


def get_settings_by_tag(c: Call) -> Any:
    b = c.backend
    tag = b.tag(c.path["tagId"], c.user)
    rows = [s for s in b.t["settings"] if tag.tag_id in s.tag_ids]
    return [views.setting(b, s) for s in views.ordered(rows)]
