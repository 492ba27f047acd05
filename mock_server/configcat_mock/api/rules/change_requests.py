"""The change-request state machine: ``open`` -> ``applied`` or ``closed``, nothing after.

An open request may be applied once it needs no approval (or is approved, or bypasses
approval) and none of its proposed values changed since it was made (no conflict); the
scheduled ones (``applyAt``) are applied as their owner when their time has come, on the
next request that reaches the mock (:func:`apply_due`). The open scheduled requests are
an index of their table, so that check costs nothing while there are none.
"""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime

from configcat_mock.api.formulas import touch
from configcat_mock.errors import BadRequest, StorageFailed
from configcat_mock.state import records
from configcat_mock.state.backend import Backend, utcnow

OPEN, APPLIED, CLOSED = "open", "applied", "closed"


def require_open(change_request: records.ChangeRequest) -> records.ChangeRequest:
    """400 unless ``cr`` can still change (it is open)."""
    if change_request.status != OPEN:
        raise BadRequest("changeRequestId", f"The change request is {change_request.status}.")
    return change_request


def conflict(backend: Backend, change_request: records.ChangeRequest, setting_id: str) -> bool:
    """Whether the value ``cr`` proposes for ``setting_id`` changed since it was proposed."""
    value = backend.setting_values.get((int(setting_id), change_request.environment_id))
    base = change_request.base.get(setting_id) or {}
    return value is not None and value.version_id != base.get("versionId")


def approved(change_request: records.ChangeRequest) -> bool:
    return any(a.get("dismissedAt") is None for a in change_request.approvals)


def blocker(backend: Backend, change_request: records.ChangeRequest) -> str | None:
    """Why ``cr`` cannot be applied now, or ``None``."""
    env = backend.environments[change_request.environment_id]
    product = backend.products[change_request.product_id]
    needs_approval = env.approve_required or product.approve_required
    if needs_approval and not change_request.bypass_approval and not approved(change_request):
        return "The change request is not approved yet."
    conflicts = [sid for sid in change_request.proposed if conflict(backend, change_request, sid)]
    if conflicts:
        return f"Resolve the conflicts first (settings {conflicts})."
    return None


def _finish(
    backend: Backend, change_request: records.ChangeRequest, status: str, user: records.User
) -> None:
    change_request.status = status
    moment = {"at": utcnow(), "userId": user.user_id}
    if status == APPLIED:
        change_request.applied = moment
    else:
        change_request.closed = moment
    backend.change_requests.refresh(change_request)  # no longer scheduled


def apply(
    backend: Backend, change_request: records.ChangeRequest, user: records.User, kind: str
) -> None:
    """Store the proposed values as ``user`` and mark ``cr`` applied (audited as ``kind``)."""
    for sid, formula in change_request.proposed.items():
        value = backend.setting_values.get((int(sid), change_request.environment_id))
        if value is not None:
            backend.set_formula(
                value,
                copy.deepcopy(formula),
                by=user,
                why=change_request.reason or change_request.title,
            )
            touch(backend, value, user)
    _finish(backend, change_request, APPLIED, user)
    audit(backend, change_request, user, kind)


def audit(
    backend: Backend, change_request: records.ChangeRequest, user: records.User, kind: str
) -> None:
    """An audit entry for ``cr`` (its product, config and environment) by ``user``."""
    product = backend.products[change_request.product_id]
    backend.audit(
        user,
        product.organization_id,
        product.product_id,
        kind,
        change_request.title,
        config_id=change_request.config_id,
        environment_id=change_request.environment_id,
    )


def close(backend: Backend, change_request: records.ChangeRequest, user: records.User) -> None:
    _finish(backend, change_request, CLOSED, user)


_log = logging.getLogger("configcat_mock.change_requests")


def apply_due_before_read(backend: Backend) -> None:
    """Apply the due change requests before a delivery read is answered (call with the lock
    held). The read is not the write: when the state file refuses what they changed (a full
    disk), memory is back to what the file holds, the change requests stay scheduled for the
    next request, a warning says why, and the read is answered from the state as it is."""
    if not backend.change_requests:
        return
    try:
        with backend.tracked():
            apply_due(backend)
    except StorageFailed as exc:
        _log.warning("scheduled change requests were not applied: %s", exc.body["message"])


def apply_due(backend: Backend, now: datetime | None = None) -> int:
    """Apply the open change requests whose ``applyAt`` has come and that may be applied, as
    their owner (the service's scheduled changes); return how many were applied."""
    scheduled = backend.change_requests.by("scheduled", True)
    if not scheduled:
        return 0
    moment = now or datetime.now(UTC)
    applied = 0
    for change_request in scheduled:
        try:
            due = datetime.fromisoformat((change_request.apply_at or "").replace("Z", "+00:00"))
        except ValueError:
            continue
        if due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        owner = backend.users.get(change_request.owner_user_id)
        if due <= moment and owner is not None and blocker(backend, change_request) is None:
            apply(backend, change_request, owner, "changeRequestAppliedOnSchedule")
            applied += 1
    return applied
