"""Change requests: propose v2 value changes, comment, approve, apply or close."""

from __future__ import annotations

import copy
from typing import Any

from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import page
from configcat_mock.api.handlers.values import LIMITATIONS, _v2_item, check_v2
from configcat_mock.api.operations import handles
from configcat_mock.api.rules.change_requests import (
    apply,
    approved,
    audit,
    blocker,
    close,
    conflict,
    require_open,
)
from configcat_mock.errors import BadRequest, NotFound
from configcat_mock.state import records as m
from configcat_mock.state.backend import Backend, utcnow


def _user(b: Backend, user_id: str | None) -> m.User | None:
    return b.users.get(user_id) if user_id else None


def _audit_formula(b: Backend, formula: dict[str, Any]) -> dict[str, Any]:
    """A stored v2 formula as ``AuditLogSettingValueV2EvaluationFormula``."""
    rules = []
    for rule in formula.get("targetingRules") or []:
        conditions = []
        for cond in rule.get("conditions") or []:
            user, seg, pre = (
                cond.get(k)
                for k in ("userCondition", "segmentCondition", "prerequisiteFlagCondition")
            )
            out: dict[str, Any] = {}
            if user:
                out = {
                    "conditionType": "userCondition",
                    "comparisonAttribute": user.get("comparisonAttribute"),
                    "userComparator": user.get("comparator"),
                    "comparisonValue": user.get("comparisonValue"),
                }
            elif seg:
                segment = b.segments.get(seg.get("segmentId"))
                out = {
                    "conditionType": "segmentCondition",
                    "segmentId": seg.get("segmentId"),
                    "segmentComparator": seg.get("comparator"),
                    "segmentName": segment.name if segment else None,
                }
            elif pre:
                setting = b.settings.get(pre.get("prerequisiteSettingId"))
                out = {
                    "conditionType": "prerequisiteFlagCondition",
                    "prerequisiteSettingId": pre.get("prerequisiteSettingId"),
                    "prerequisiteSettingKey": setting.key if setting else None,
                    "prerequisiteComparator": pre.get("comparator"),
                    "prerequisiteComparisonValue": pre.get("prerequisiteComparisonValue"),
                }
            conditions.append(out)
        rules.append(
            {
                "value": rule.get("value"),
                "conditions": conditions,
                "percentageOptions": rule.get("percentageOptions") or [],
            }
        )
    return {
        "defaultValue": formula.get("defaultValue"),
        "targetingRules": rules,
        "percentageEvaluationAttribute": formula.get("percentageEvaluationAttribute"),
    }


def _people(b: Backend, cr: m.ChangeRequest) -> dict[str, Any]:
    creator = _user(b, cr.creator_user_id)
    applied_by = _user(b, (cr.applied or {}).get("userId"))
    closed_by = _user(b, (cr.closed or {}).get("userId"))
    return {
        "creatorUserEmail": creator.email if creator else "",
        "creatorUserFullName": creator.full_name if creator else "",
        "creatorUserId": cr.creator_user_id,
        "appliedAt": (cr.applied or {}).get("at"),
        "appliedByUserId": applied_by.user_id if applied_by else None,
        "appliedByUserEmail": applied_by.email if applied_by else None,
        "appliedByUserFullName": applied_by.full_name if applied_by else None,
        "closedAt": (cr.closed or {}).get("at"),
        "closedByUserId": closed_by.user_id if closed_by else None,
        "closedByUserEmail": closed_by.email if closed_by else None,
        "closedByUserFullName": closed_by.full_name if closed_by else None,
    }


def view(b: Backend, cr: m.ChangeRequest) -> dict[str, Any]:
    changes = []
    for sid, formula in cr.proposed.items():
        setting = b.settings.get(int(sid))
        if setting is None:
            continue
        changes.append(
            {
                "settingId": setting.setting_id,
                "settingKey": setting.key,
                "settingName": setting.name,
                "settingHint": setting.hint,
                "settingType": setting.setting_type,
                "hasConflict": conflict(b, cr, sid),
                "originalEvaluationFormula": _audit_formula(b, cr.base[sid]["formula"]),
                "proposedEvaluationFormula": _audit_formula(b, formula),
            }
        )
    comments = [
        comment_view(b, x)
        for x in b.change_request_comments.where(change_request_id=cr.change_request_id)
    ]
    return {
        "changeRequestId": cr.change_request_id,
        "configId": cr.config_id,
        "environmentId": cr.environment_id,
        "changeRequestStatus": cr.status,
        "needsAttention": any(c["hasConflict"] for c in changes),
        "title": cr.title,
        "reason": cr.reason,
        "applyAt": cr.apply_at,
        "createdAt": cr.created_at,
        "settingValues": changes,
        "comments": comments,
        "approved": approved(cr),
        "approvals": [{k: v for k, v in a.items() if k != "userId"} for a in cr.approvals],
        "activities": cr.activities,
        "changeRequestIssues": [],
        "bypassApproval": cr.bypass_approval,
        **_people(b, cr),
    }


def comment_view(b: Backend, x: m.ChangeRequestComment) -> dict[str, Any]:
    user = _user(b, x.user_id)
    return {
        "changeRequestCommentId": x.comment_id,
        "body": x.body,
        "createdAt": x.created_at,
        "userEmail": user.email if user else "",
        "userFullName": user.full_name if user else "",
        "editedAt": x.edited_at,
    }


def _activity(c: Call, cr: m.ChangeRequest, kind: str, details: str = "") -> None:
    cr.activities.append(
        {
            "changeRequestActivityId": c.backend.next_id("change_request_activity"),
            "changeRequestActivityType": kind,
            "date": utcnow(),
            "userId": c.user.user_id,
            "userFullName": c.user.full_name,
            "userEmail": c.user.email,
            "details": details,
            "error": None,
        }
    )


def _audit(c: Call, cr: m.ChangeRequest, kind: str) -> None:
    audit(c.backend, cr, c.user, kind)


def _open(c: Call) -> m.ChangeRequest:
    return require_open(c.backend.change_request(c.path["changeRequestId"], c.user))


def _proposed_id(c: Call, cr: m.ChangeRequest) -> str:
    """The path's ``settingId``; 404 unless the change request proposes a change to it."""
    sid = str(c.path["settingId"])
    if sid not in cr.proposed:
        raise NotFound("proposed change")
    return sid


def _propose(c: Call, cr: m.ChangeRequest, items: list[dict[str, Any]], at: str) -> None:
    b = c.backend
    config = b.configs[cr.config_id]
    for i, item in enumerate(items):
        setting = b.settings.get(item.get("settingId"))
        if setting is None or setting.config_id != cr.config_id:
            raise BadRequest(f"{at}[{i}].settingId", "Unknown setting in this config.")
        value = b.setting_values[(setting.setting_id, cr.environment_id)]
        latest = item.get("latestVersionId")
        if latest is not None and latest != value.version_id:
            raise BadRequest(f"{at}[{i}].latestVersionId", "The value has changed since.")
        formula = check_v2(c, setting, config, item, f"{at}[{i}].")
        sid = str(setting.setting_id)
        cr.proposed[sid] = formula
        cr.base[sid] = {"versionId": value.version_id, "formula": copy.deepcopy(value.formula)}


@handles("create-change-request")
def create_change_request(c: Call) -> Any:
    b = c.backend
    config, env = b.config_environment(c.path["configId"], c.path["environmentId"], c.user)
    if config.evaluation_version != "v2":
        raise BadRequest("configId", "Change requests need a config with evaluation version v2.")
    now = utcnow()
    cr = m.ChangeRequest(
        change_request_id=b.next_id("change_request"),
        product_id=config.product_id,
        config_id=config.config_id,
        environment_id=env.environment_id,
        title=c.body["title"],
        status="open",
        creator_user_id=c.user.user_id,
        owner_user_id=c.user.user_id,
        created_at=now,
        reason=c.body.get("reason"),
        apply_at=c.body.get("applyAt"),
        bypass_approval=bool(c.body.get("bypassApproval")),
    )
    items = [p.get("proposedChange") or {} for p in c.body.get("proposedChanges") or []]
    if not items:
        raise BadRequest("proposedChanges", "At least one proposed change is required.")
    _propose(c, cr, items, "proposedChanges")
    _activity(c, cr, "created")
    b.change_requests.add(cr)
    _audit(c, cr, "changeRequestCreated")
    return view(b, cr)


@handles("get-change-request")
def get_change_request(c: Call) -> Any:
    return view(c.backend, c.backend.change_request(c.path["changeRequestId"], c.user))


@handles("update-change-request")
def update_change_request(c: Call) -> Any:
    cr = _open(c)
    cr.title = c.body["title"]
    if "reason" in c.body:
        if c.body["reason"] != cr.reason:
            _activity(c, cr, "reasonChanged")
        cr.reason = c.body["reason"]
    if "applyAt" in c.body:
        if c.body["applyAt"] != cr.apply_at:
            _activity(c, cr, "applyAtChanged")
        cr.apply_at = c.body["applyAt"]
        c.backend.change_requests.refresh(cr)  # scheduled or not
    if c.body.get("bypassApproval") is not None and c.body["bypassApproval"] != cr.bypass_approval:
        cr.bypass_approval = bool(c.body["bypassApproval"])
        _activity(
            c, cr, "bypassApprovalEnabled" if cr.bypass_approval else "bypassApprovalDisabled"
        )
    _audit(c, cr, "changeRequestUpdated")
    return view(c.backend, cr)


def _summary(b: Backend, cr: m.ChangeRequest) -> dict[str, Any]:
    full = view(b, cr)
    return {
        **full,
        "affectedSettingKeys": [s["settingKey"] for s in full["settingValues"]],
        "commentCount": len(full["comments"]),
        "conflictCount": sum(1 for s in full["settingValues"] if s["hasConflict"]),
    }


@handles("get-change-requests")
def get_change_requests(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    q = c.query
    rows = []
    for cr in b.change_requests.where(product_id=product.product_id):
        if "configId" in q and cr.config_id != q["configId"]:
            continue
        if "environmentId" in q and cr.environment_id != q["environmentId"]:
            continue
        if "settingId" in q and str(q["settingId"]) not in cr.proposed:
            continue
        if q.get("changeRequestStatusFilter") and cr.status not in q["changeRequestStatusFilter"]:
            continue
        if "scheduleFilter" in q and (cr.apply_at is not None) != (
            q["scheduleFilter"] == "scheduled"
        ):
            continue
        env = b.environments[cr.environment_id]
        if "approveRequiredFilter" in q and env.approve_required != (
            q["approveRequiredFilter"] == "approveRequired"
        ):
            continue
        needs = any(conflict(b, cr, sid) for sid in cr.proposed)
        if "needsAttentionFilter" in q and needs != (q["needsAttentionFilter"] == "needsAttention"):
            continue
        rows.append(cr)
    rows.sort(key=lambda r: r.change_request_id, reverse=True)
    data, paging = page(rows, q.get("pageNumber", 1), q.get("pageSize", 25))
    return {"changeRequests": {"paging": paging, "data": [_summary(b, r) for r in data]}}


@handles("get-change-request-proposed-changes")
def get_change_request_proposed_changes(c: Call) -> Any:
    b = c.backend
    cr = b.change_request(c.path["changeRequestId"], c.user)
    items = []
    for sid, formula in cr.proposed.items():
        setting = b.settings.get(int(sid))
        value = b.setting_values.get((int(sid), cr.environment_id))
        if setting is None or value is None:
            continue
        proposed = copy.copy(value)
        proposed.formula = formula
        items.append(_v2_item(b, setting, proposed))
    return {"featureFlagLimitations": LIMITATIONS, "proposedChanges": items}


@handles("update-change-request-proposed-changes")
def update_change_request_proposed_changes(c: Call) -> Any:
    cr = _open(c)
    items = c.body.get("proposedChanges") or []
    if not items:
        raise BadRequest("proposedChanges", "At least one proposed change is required.")
    cr.proposed, cr.base = {}, {}
    _propose(c, cr, items, "proposedChanges")
    cr.approvals = [dict(a, dismissedAt=a.get("dismissedAt") or utcnow()) for a in cr.approvals]
    _activity(c, cr, "proposedChangesUpdated")
    _audit(c, cr, "changeRequestSettingValuesUpdated")
    return view(c.backend, cr)


@handles("delete-change-request-proposed-change")
def delete_change_request_proposed_change(c: Call) -> Any:
    cr = _open(c)
    sid = _proposed_id(c, cr)
    if len(cr.proposed) == 1:
        raise BadRequest("settingId", "The last proposed change cannot be removed; close instead.")
    del cr.proposed[sid]
    cr.base.pop(sid, None)
    _activity(c, cr, "settingDeletedFromChangeRequest")
    _audit(c, cr, "changeRequestSettingDeleted")
    return view(c.backend, cr)


@handles("resolve-change-request-setting-conflicts")
def resolve_change_request_setting_conflicts(c: Call) -> Any:
    cr = _open(c)
    sid = _proposed_id(c, cr)
    item = {**c.body["proposedChange"], "settingId": int(sid)}
    _propose(c, cr, [item], "proposedChange")
    _activity(c, cr, "conflictsResolved")
    _audit(c, cr, "changeRequestSettingValueRebased")
    return view(c.backend, cr)


@handles("approve-change-request")
def approve_change_request(c: Call) -> Any:
    cr = _open(c)
    if cr.creator_user_id == c.user.user_id:
        raise BadRequest("changeRequestId", "You cannot approve your own change request.")
    if any(a["userId"] == c.user.user_id and a.get("dismissedAt") is None for a in cr.approvals):
        raise BadRequest("changeRequestId", "You have already approved this change request.")
    cr.approvals.append(
        {
            "changeRequestApprovalId": c.backend.next_id("change_request_approval"),
            "userId": c.user.user_id,
            "userEmail": c.user.email,
            "userFullName": c.user.full_name,
            "approvedAt": utcnow(),
            "dismissedAt": None,
        }
    )
    _audit(c, cr, "changeRequestApproved")
    return view(c.backend, cr)


@handles("remove-change-request-approval")
def remove_change_request_approval(c: Call) -> Any:
    cr = _open(c)
    mine = [a for a in cr.approvals if a["userId"] == c.user.user_id and a["dismissedAt"] is None]
    if not mine:
        raise BadRequest("changeRequestId", "You have not approved this change request.")
    for approval in mine:
        approval["dismissedAt"] = utcnow()
    _audit(c, cr, "changeRequestApprovalDismissed")
    return view(c.backend, cr)


@handles("claim-change-request-ownership")
def claim_change_request_ownership(c: Call) -> Any:
    cr = _open(c)
    cr.owner_user_id = c.user.user_id
    c.backend.change_requests.refresh(cr)  # owner_user_id is indexed
    _activity(c, cr, "ownershipClaimed")
    _audit(c, cr, "changeRequestOwnershipClaimed")
    return view(c.backend, cr)


@handles("apply-change-request")
def apply_change_request(c: Call) -> Any:
    cr = _open(c)
    reason = blocker(c.backend, cr)
    if reason is not None:
        raise BadRequest("changeRequestId", reason)
    apply(c.backend, cr, c.user, "changeRequestApplied")
    return view(c.backend, cr)


@handles("close-change-request")
def close_change_request(c: Call) -> Any:
    cr = _open(c)
    close(c.backend, cr, c.user)
    _audit(c, cr, "changeRequestClosed")
    return view(c.backend, cr)


@handles("add-change-request-comment")
def add_change_request_comment(c: Call) -> Any:
    b = c.backend
    cr = b.change_request(c.path["changeRequestId"], c.user)
    comment = b.change_request_comments.add(
        m.ChangeRequestComment(
            b.next_id("comment"), cr.change_request_id, c.user.user_id, c.body["body"], utcnow()
        )
    )
    _audit(c, cr, "changeRequestCommentAdded")
    return comment_view(b, comment)


def _comment(c: Call) -> tuple[m.ChangeRequestComment, m.ChangeRequest]:
    b = c.backend
    comment = b.change_request_comments.get(c.path["commentId"])
    if comment is None:
        raise NotFound("comment")
    cr = b.change_request(comment.change_request_id, c.user)
    if comment.user_id != c.user.user_id:
        raise BadRequest("commentId", "Only the author can change a comment.")
    return comment, cr


@handles("update-change-request-comment")
def update_change_request_comment(c: Call) -> Any:
    comment, cr = _comment(c)
    comment.body = c.body["body"]
    comment.edited_at = utcnow()
    _audit(c, cr, "changeRequestCommentEdited")
    return comment_view(c.backend, comment)


@handles("delete-change-request-comment")
def delete_change_request_comment(c: Call) -> Any:
    comment, cr = _comment(c)
    c.backend.change_request_comments.remove(comment.comment_id)
    _audit(c, cr, "changeRequestCommentDeleted")
    return None
