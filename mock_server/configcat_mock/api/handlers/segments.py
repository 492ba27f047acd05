"""Segments."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import pick, require_name, unique_name
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest
from configcat_mock.state import records as m
from configcat_mock.state.backend import utcnow


def _usage(c: Call, segment_id: str) -> int:
    count = 0
    for value in c.backend.setting_values:
        for rule in value.formula.get("targetingRules") or []:
            for cond in rule.get("conditions") or []:
                if (cond.get("segmentCondition") or {}).get("segmentId") == segment_id:
                    count += 1
        for rule in value.formula.get("rolloutRules") or []:
            if rule.get("segmentId") == segment_id:
                count += 1
    return count


@handles("get-segments")
def get_segments(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    rows = sorted(b.segments.where(product_id=product.product_id), key=lambda s: s.name.lower())
    return [{**views.segment(b, s), "usage": _usage(c, s.segment_id)} for s in rows]


@handles("create-segment")
def create_segment(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    name = require_name(c.body.get("name"))
    unique_name(b.segments.where(product_id=product.product_id), name)
    now = utcnow()
    segment = b.segments.add(
        m.Segment(
            segment_id=b.new_uuid(),
            product_id=product.product_id,
            name=name,
            description=c.body.get("description"),
            comparison_attribute=c.body["comparisonAttribute"],
            comparator=c.body["comparator"],
            comparison_value=c.body["comparisonValue"],
            created_at=now,
            updated_at=now,
            creator_email=c.user.email,
            creator_full_name=c.user.full_name,
            last_updater_email=c.user.email,
            last_updater_full_name=c.user.full_name,
        )
    )
    b.audit(c.user, product.organization_id, product.product_id, "segmentCreated", name)
    return views.segment(b, segment)


@handles("get-segment")
def get_segment(c: Call) -> Any:
    return views.segment(c.backend, c.backend.segment(c.path["segmentId"], c.user))


@handles("update-segment")
def update_segment(c: Call) -> Any:
    b = c.backend
    segment = b.segment(c.path["segmentId"], c.user)
    name = c.body.get("name")
    if name:
        unique_name(b.segments.where(product_id=segment.product_id), name, exclude=segment)
        segment.name = name
    segment.description = pick(c.body, "description", segment.description)
    if c.body.get("comparisonAttribute"):
        segment.comparison_attribute = c.body["comparisonAttribute"]
    segment.comparator = pick(c.body, "comparator", segment.comparator)
    if c.body.get("comparisonValue"):
        segment.comparison_value = c.body["comparisonValue"]
    segment.updated_at = utcnow()
    segment.last_updater_email = c.user.email
    segment.last_updater_full_name = c.user.full_name
    product = b.products[segment.product_id]
    b.audit(c.user, product.organization_id, product.product_id, "segmentChanged", segment.name)
    return views.segment(b, segment)


@handles("delete-segment")
def delete_segment(c: Call) -> Any:
    b = c.backend
    segment = b.segment(c.path["segmentId"], c.user)
    if _usage(c, segment.segment_id):
        raise BadRequest("segmentId", "The segment is used in targeting rules; remove it first.")
    b.segments.remove(segment.segment_id)
    product = b.products[segment.product_id]
    b.audit(c.user, product.organization_id, product.product_id, "segmentDeleted", segment.name)
    return None
