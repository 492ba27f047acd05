"""Change requests (approval flow, scheduled changes) and their comments."""

from __future__ import annotations

from typing import Any

import attrs

from configcat_mock.state.records.changes import noted


@attrs.define(on_setattr=noted)
class ChangeRequest:
    """A proposal to change v2 setting values of one config in one environment.

    ``proposed`` maps ``str(settingId)`` to the stored-shape formula to apply; ``base`` maps it
    to ``{"versionId", "formula"}`` of the value the proposal was made against (a conflict when
    the value has moved on since).
    """

    change_request_id: int
    product_id: str
    config_id: str
    environment_id: str
    title: str
    status: str
    creator_user_id: str
    owner_user_id: str
    created_at: str
    reason: str | None = None
    apply_at: str | None = None
    bypass_approval: bool = False
    proposed: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    base: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    approvals: list[dict[str, Any]] = attrs.field(factory=list)
    """``ChangeRequestApprovalModel`` objects plus ``userId``."""
    activities: list[dict[str, Any]] = attrs.field(factory=list)
    applied: dict[str, Any] | None = None
    """``{"at", "userId"}`` once applied."""
    closed: dict[str, Any] | None = None


@attrs.define(on_setattr=noted)
class ChangeRequestComment:
    comment_id: int
    change_request_id: int
    user_id: str
    body: str
    created_at: str
    edited_at: str | None = None
