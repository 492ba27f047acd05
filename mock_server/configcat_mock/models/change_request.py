"""Change requests (approval flow) and their comments."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define
class ChangeRequest:
    """A proposal to change v2 setting values of one config in one environment.

    ``proposed`` maps ``str(settingId)`` to the ``UpdateEvaluationFormulaModel`` to apply.
    """

    change_request_id: int
    product_id: str
    config_id: str
    environment_id: str
    title: str
    description: str | None
    status: str
    creator_user_id: str
    owner_user_id: str
    created_at: str
    updated_at: str
    proposed: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    base_formulas: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    approver_user_ids: list[str] = attrs.field(factory=list)
    scheduled_at: str | None = None
    required_approvals: int = 1
    history: list[dict[str, Any]] = attrs.field(factory=list)


@attrs.define
class ChangeRequestComment:
    comment_id: int
    change_request_id: int
    user_id: str
    text: str
    created_at: str
    updated_at: str | None = None
