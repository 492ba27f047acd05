"""The change-request state machine: ``open`` -> ``applied`` or ``closed``, nothing after.

An open request may be applied once it needs no approval (or is approved, or bypasses
approval) and none of its proposed values changed since it was made (no conflict); the
scheduled ones (``applyAt``) are applied as their owner when their time has come, on the
next request that reaches the mock (:func:`apply_due`). The open scheduled requests are
an index of their table, so that check costs nothing while there are none.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from configcat_mock.api.formulas import touch
from configcat_mock.errors import BadRequest
from configcat_mock.state import records as m
from configcat_mock.state.backend import Backend, utcnow

OPEN, APPLIED, CLOSED = "open", "applied", "closed"


def require_open(cr: m.ChangeRequest) -> m.ChangeRequest:
    """400 unless ``cr`` can still change (it is open)."""
    if cr.status != OPEN:
        raise BadRequest("changeRequestId", f"The change request is {cr.status}.")
    return cr


def conflict(b: Backend, cr: m.ChangeRequest, setting_id: str) -> bool:
    """Whether the value ``cr`` proposes for ``setting_id`` changed since it was proposed."""
    value = b.setting_values.get((int(setting_id), cr.environment_id))
    base = cr.base.get(setting_id) or {}
    return value is not None and value.version_id != base.get("versionId")


def approved(cr: m.ChangeRequest) -> bool:
    return any(a.get("dismissedAt") is None for a in cr.approvals)


def blocker(b: Backend, cr: m.ChangeRequest) -> str | None:
    """Why ``cr`` cannot be applied now, or ``None``."""
    env = b.environments[cr.environment_id]
    product = b.products[cr.product_id]
    needs_approval = env.approve_required or product.approve_required
    if needs_approval and not cr.bypass_approval and not approved(cr):
        return "The change request is not approved yet."
    conflicts = [sid for sid in cr.proposed if conflict(b, cr, sid)]
    if conflicts:
        return f"Resolve the conflicts first (settings {conflicts})."
    return None


def _finish(b: Backend, cr: m.ChangeRequest, status: str, user: m.User) -> None:
    cr.status = status
    moment = {"at": utcnow(), "userId": user.user_id}
    if status == APPLIED:
        cr.applied = moment
    else:
        cr.closed = moment
    b.change_requests.refresh(cr)  # no longer scheduled


def apply(b: Backend, cr: m.ChangeRequest, user: m.User, kind: str) -> None:
    """Store the proposed values as ``user`` and mark ``cr`` applied (audited as ``kind``)."""
    for sid, formula in cr.proposed.items():
        value = b.setting_values.get((int(sid), cr.environment_id))
        if value is not None:
            b.set_formula(value, copy.deepcopy(formula), by=user, why=cr.reason or cr.title)
            touch(b, value, user)
    _finish(b, cr, APPLIED, user)
    audit(b, cr, user, kind)


def audit(b: Backend, cr: m.ChangeRequest, user: m.User, kind: str) -> None:
    """An audit entry for ``cr`` (its product, config and environment) by ``user``."""
    product = b.products[cr.product_id]
    b.audit(
        user,
        product.organization_id,
        product.product_id,
        kind,
        cr.title,
        config_id=cr.config_id,
        environment_id=cr.environment_id,
    )


def close(b: Backend, cr: m.ChangeRequest, user: m.User) -> None:
    _finish(b, cr, CLOSED, user)


def apply_due(b: Backend, now: datetime | None = None) -> int:
    """Apply the open change requests whose ``applyAt`` has come and that may be applied, as
    their owner (the service's scheduled changes); return how many were applied."""
    scheduled = b.change_requests.by("scheduled", True)
    if not scheduled:
        return 0
    moment = now or datetime.now(UTC)
    applied = 0
    for cr in scheduled:
        try:
            due = datetime.fromisoformat((cr.apply_at or "").replace("Z", "+00:00"))
        except ValueError:
            continue
        if due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        owner = b.users.get(cr.owner_user_id)
        if due <= moment and owner is not None and blocker(b, cr) is None:
            apply(b, cr, owner, "changeRequestAppliedOnSchedule")
            applied += 1
    return applied
