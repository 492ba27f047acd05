"""Segments."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import pick, require_name, unique_name
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest
from configcat_mock.state import records
from configcat_mock.state.backend import utcnow


def _usage(call: Call, segment_id: str) -> int:
    count = 0
    for value in call.backend.setting_values:
        for rule in value.formula.get("targetingRules") or []:
            for cond in rule.get("conditions") or []:
                if (cond.get("segmentCondition") or {}).get("segmentId") == segment_id:
                    count += 1
        for rule in value.formula.get("rolloutRules") or []:
            if rule.get("segmentId") == segment_id:
                count += 1
    return count


@handles("get-segments")
def get_segments(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    rows = sorted(
        backend.segments.where(product_id=product.product_id), key=lambda s: s.name.lower()
    )
    return [{**views.segment(backend, s), "usage": _usage(call, s.segment_id)} for s in rows]


@handles("create-segment")
def create_segment(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    name = require_name(call.body.get("name"))
    unique_name(backend.segments.where(product_id=product.product_id), name)
    now = utcnow()
    segment = backend.segments.add(
        records.Segment(
            segment_id=backend.new_uuid(),
            product_id=product.product_id,
            name=name,
            description=call.body.get("description"),
            comparison_attribute=call.body["comparisonAttribute"],
            comparator=call.body["comparator"],
            comparison_value=call.body["comparisonValue"],
            created_at=now,
            updated_at=now,
            creator_email=call.user.email,
            creator_full_name=call.user.full_name,
            last_updater_email=call.user.email,
            last_updater_full_name=call.user.full_name,
        )
    )
    backend.audit(call.user, product.organization_id, product.product_id, "segmentCreated", name)
    return views.segment(backend, segment)


@handles("get-segment")
def get_segment(call: Call) -> Any:
    return views.segment(call.backend, call.backend.segment(call.path["segmentId"], call.user))


@handles("update-segment")
def update_segment(call: Call) -> Any:
    backend = call.backend
    segment = backend.segment(call.path["segmentId"], call.user)
    name = call.body.get("name")
    if name:
        unique_name(backend.segments.where(product_id=segment.product_id), name, exclude=segment)
        segment.name = name
    segment.description = pick(call.body, "description", segment.description)
    if call.body.get("comparisonAttribute"):
        segment.comparison_attribute = call.body["comparisonAttribute"]
    segment.comparator = pick(call.body, "comparator", segment.comparator)
    if call.body.get("comparisonValue"):
        segment.comparison_value = call.body["comparisonValue"]
    segment.updated_at = utcnow()
    segment.last_updater_email = call.user.email
    segment.last_updater_full_name = call.user.full_name
    product = backend.products[segment.product_id]
    backend.audit(
        call.user, product.organization_id, product.product_id, "segmentChanged", segment.name
    )
    return views.segment(backend, segment)


@handles("delete-segment")
def delete_segment(call: Call) -> Any:
    backend = call.backend
    segment = backend.segment(call.path["segmentId"], call.user)
    if _usage(call, segment.segment_id):
        raise BadRequest("segmentId", "The segment is used in targeting rules; remove it first.")
    backend.segments.remove(segment.segment_id)
    product = backend.products[segment.product_id]
    backend.audit(
        call.user, product.organization_id, product.product_id, "segmentDeleted", segment.name
    )
    return None
