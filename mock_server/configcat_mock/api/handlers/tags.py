"""Tags and the settings that carry them."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import pick, require_name
from configcat_mock.api.operations import handles
from configcat_mock.state import records


@handles("get-tags")
def get_tags(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    rows = sorted(backend.tags.where(product_id=product.product_id), key=lambda t: t.name.lower())
    return [views.tag(backend, t) for t in rows]


@handles("create-tag")
def create_tag(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    tag = backend.tags.add(
        records.Tag(
            tag_id=backend.next_id("tag"),
            product_id=product.product_id,
            name=require_name(call.body.get("name")),
            color=call.body.get("color"),
        )
    )
    backend.audit(call.user, product.organization_id, product.product_id, "tagAdded", tag.name)
    return views.tag(backend, tag)


@handles("get-tag")
def get_tag(call: Call) -> Any:
    return views.tag(call.backend, call.backend.tag(call.path["tagId"], call.user))


@handles("update-tag")
def update_tag(call: Call) -> Any:
    backend = call.backend
    tag = backend.tag(call.path["tagId"], call.user)
    if call.body.get("name"):
        tag.name = call.body["name"]
    tag.color = pick(call.body, "color", tag.color)
    product = backend.products[tag.product_id]
    backend.audit(call.user, product.organization_id, product.product_id, "tagChanged", tag.name)
    return views.tag(backend, tag)


@handles("delete-tag")
def delete_tag(call: Call) -> Any:
    backend = call.backend
    tag = backend.tag(call.path["tagId"], call.user)
    for setting in backend.settings:
        if tag.tag_id in setting.tag_ids:
            setting.tag_ids.remove(tag.tag_id)
            backend.changed(setting)
    backend.tags.remove(tag.tag_id)
    product = backend.products[tag.product_id]
    backend.audit(call.user, product.organization_id, product.product_id, "tagRemoved", tag.name)
    return None


@handles("get-settings-by-tag")
def get_settings_by_tag(call: Call) -> Any:
    backend = call.backend
    tag = backend.tag(call.path["tagId"], call.user)
    rows = [s for s in backend.settings if tag.tag_id in s.tag_ids]
    return [views.setting(backend, s) for s in views.ordered(rows)]
