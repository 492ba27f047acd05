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
from configcat_mock.state import records
from configcat_mock.state.backend import Backend, utcnow


def _user(backend: Backend, user_id: str | None) -> records.User | None:
    return backend.users.get(user_id) if user_id else None


def _audit_formula(backend: Backend, formula: dict[str, Any]) -> dict[str, Any]:
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
                segment = backend.segments.get(seg.get("segmentId"))
                out = {
                    "conditionType": "segmentCondition",
                    "segmentId": seg.get("segmentId"),
                    "segmentComparator": seg.get("comparator"),
                    "segmentName": segment.name if segment else None,
                }
            elif pre:
                setting = backend.settings.get(pre.get("prerequisiteSettingId"))
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


def _people(backend: Backend, change_request: records.ChangeRequest) -> dict[str, Any]:
    creator = _user(backend, change_request.creator_user_id)
    applied_by = _user(backend, (change_request.applied or {}).get("userId"))
    closed_by = _user(backend, (change_request.closed or {}).get("userId"))
    return {
        "creatorUserEmail": creator.email if creator else "",
        "creatorUserFullName": creator.full_name if creator else "",
        "creatorUserId": change_request.creator_user_id,
        "appliedAt": (change_request.applied or {}).get("at"),
        "appliedByUserId": applied_by.user_id if applied_by else None,
        "appliedByUserEmail": applied_by.email if applied_by else None,
        "appliedByUserFullName": applied_by.full_name if applied_by else None,
        "closedAt": (change_request.closed or {}).get("at"),
        "closedByUserId": closed_by.user_id if closed_by else None,
        "closedByUserEmail": closed_by.email if closed_by else None,
        "closedByUserFullName": closed_by.full_name if closed_by else None,
    }


def view(backend: Backend, change_request: records.ChangeRequest) -> dict[str, Any]:
    changes = []
    for sid, formula in change_request.proposed.items():
        setting = backend.settings.get(int(sid))
        if setting is None:
            continue
        changes.append(
            {
                "settingId": setting.setting_id,
                "settingKey": setting.key,
                "settingName": setting.name,
                "settingHint": setting.hint,
                "settingType": setting.setting_type,
                "hasConflict": conflict(backend, change_request, sid),
                "originalEvaluationFormula": _audit_formula(
                    backend, change_request.base[sid]["formula"]
                ),
                "proposedEvaluationFormula": _audit_formula(backend, formula),
            }
        )
    comments = [
        comment_view(backend, x)
        for x in backend.change_request_comments.where(
            change_request_id=change_request.change_request_id
        )
    ]
    return {
        "changeRequestId": change_request.change_request_id,
        "configId": change_request.config_id,
        "environmentId": change_request.environment_id,
        "changeRequestStatus": change_request.status,
        "needsAttention": any(c["hasConflict"] for c in changes),
        "title": change_request.title,
        "reason": change_request.reason,
        "applyAt": change_request.apply_at,
        "createdAt": change_request.created_at,
        "settingValues": changes,
        "comments": comments,
        "approved": approved(change_request),
        "approvals": [
            {k: v for k, v in a.items() if k != "userId"} for a in change_request.approvals
        ],
        "activities": change_request.activities,
        "changeRequestIssues": [],
        "bypassApproval": change_request.bypass_approval,
        **_people(backend, change_request),
    }


def comment_view(backend: Backend, comment: records.ChangeRequestComment) -> dict[str, Any]:
    user = _user(backend, comment.user_id)
    return {
        "changeRequestCommentId": comment.comment_id,
        "body": comment.body,
        "createdAt": comment.created_at,
        "userEmail": user.email if user else "",
        "userFullName": user.full_name if user else "",
        "editedAt": comment.edited_at,
    }


def _activity(
    call: Call, change_request: records.ChangeRequest, kind: str, details: str = ""
) -> None:
    call.backend.changed(change_request)
    change_request.activities.append(
        {
            "changeRequestActivityId": call.backend.next_id("change_request_activity"),
            "changeRequestActivityType": kind,
            "date": utcnow(),
            "userId": call.user.user_id,
            "userFullName": call.user.full_name,
            "userEmail": call.user.email,
            "details": details,
            "error": None,
        }
    )


def _audit(call: Call, change_request: records.ChangeRequest, kind: str) -> None:
    audit(call.backend, change_request, call.user, kind)


def _open(call: Call) -> records.ChangeRequest:
    return require_open(call.backend.change_request(call.path["changeRequestId"], call.user))


def _proposed_id(call: Call, change_request: records.ChangeRequest) -> str:
    """The path's ``settingId``; 404 unless the change request proposes a change to it."""
    sid = str(call.path["settingId"])
    if sid not in change_request.proposed:
        raise NotFound("proposed change")
    return sid


def _propose(
    call: Call, change_request: records.ChangeRequest, items: list[dict[str, Any]], at: str
) -> None:
    backend = call.backend
    config = backend.configs[change_request.config_id]
    for i, item in enumerate(items):
        setting = backend.settings.get(item.get("settingId"))
        if setting is None or setting.config_id != change_request.config_id:
            raise BadRequest(f"{at}[{i}].settingId", "Unknown setting in this config.")
        value = backend.setting_values[(setting.setting_id, change_request.environment_id)]
        latest = item.get("latestVersionId")
        if latest is not None and latest != value.version_id:
            raise BadRequest(f"{at}[{i}].latestVersionId", "The value has changed since.")
        formula = check_v2(call, setting, config, item, f"{at}[{i}].")
        sid = str(setting.setting_id)
        change_request.proposed[sid] = formula
        backend.changed(change_request)
        change_request.base[sid] = {
            "versionId": value.version_id,
            "formula": copy.deepcopy(value.formula),
        }


@handles("create-change-request")
def create_change_request(call: Call) -> Any:
    backend = call.backend
    config, env = backend.config_environment(
        call.path["configId"], call.path["environmentId"], call.user
    )
    if config.evaluation_version != "v2":
        raise BadRequest("configId", "Change requests need a config with evaluation version v2.")
    now = utcnow()
    change_request = records.ChangeRequest(
        change_request_id=backend.next_id("change_request"),
        product_id=config.product_id,
        config_id=config.config_id,
        environment_id=env.environment_id,
        title=call.body["title"],
        status="open",
        creator_user_id=call.user.user_id,
        owner_user_id=call.user.user_id,
        created_at=now,
        reason=call.body.get("reason"),
        apply_at=call.body.get("applyAt"),
        bypass_approval=bool(call.body.get("bypassApproval")),
    )
    items = [p.get("proposedChange") or {} for p in call.body.get("proposedChanges") or []]
    if not items:
        raise BadRequest("proposedChanges", "At least one proposed change is required.")
    _propose(call, change_request, items, "proposedChanges")
    _activity(call, change_request, "created")
    backend.change_requests.add(change_request)
    _audit(call, change_request, "changeRequestCreated")
    return view(backend, change_request)


@handles("get-change-request")
def get_change_request(call: Call) -> Any:
    return view(call.backend, call.backend.change_request(call.path["changeRequestId"], call.user))


@handles("update-change-request")
def update_change_request(call: Call) -> Any:
    change_request = _open(call)
    change_request.title = call.body["title"]
    if "reason" in call.body:
        if call.body["reason"] != change_request.reason:
            _activity(call, change_request, "reasonChanged")
        change_request.reason = call.body["reason"]
    if "applyAt" in call.body:
        if call.body["applyAt"] != change_request.apply_at:
            _activity(call, change_request, "applyAtChanged")
        change_request.apply_at = call.body["applyAt"]
        call.backend.change_requests.refresh(change_request)  # scheduled or not
    if (
        call.body.get("bypassApproval") is not None
        and call.body["bypassApproval"] != change_request.bypass_approval
    ):
        change_request.bypass_approval = bool(call.body["bypassApproval"])
        _activity(
            call,
            change_request,
            "bypassApprovalEnabled" if change_request.bypass_approval else "bypassApprovalDisabled",
        )
    _audit(call, change_request, "changeRequestUpdated")
    return view(call.backend, change_request)


def _summary(backend: Backend, change_request: records.ChangeRequest) -> dict[str, Any]:
    full = view(backend, change_request)
    return {
        **full,
        "affectedSettingKeys": [s["settingKey"] for s in full["settingValues"]],
        "commentCount": len(full["comments"]),
        "conflictCount": sum(1 for s in full["settingValues"] if s["hasConflict"]),
    }


@handles("get-change-requests")
def get_change_requests(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    query = call.query
    rows = []
    for change_request in backend.change_requests.where(product_id=product.product_id):
        if "configId" in query and change_request.config_id != query["configId"]:
            continue
        if "environmentId" in query and change_request.environment_id != query["environmentId"]:
            continue
        if "settingId" in query and str(query["settingId"]) not in change_request.proposed:
            continue
        if (
            query.get("changeRequestStatusFilter")
            and change_request.status not in query["changeRequestStatusFilter"]
        ):
            continue
        if "scheduleFilter" in query and (change_request.apply_at is not None) != (
            query["scheduleFilter"] == "scheduled"
        ):
            continue
        env = backend.environments[change_request.environment_id]
        if "approveRequiredFilter" in query and env.approve_required != (
            query["approveRequiredFilter"] == "approveRequired"
        ):
            continue
        needs = any(conflict(backend, change_request, sid) for sid in change_request.proposed)
        if "needsAttentionFilter" in query and needs != (
            query["needsAttentionFilter"] == "needsAttention"
        ):
            continue
        rows.append(change_request)
    rows.sort(key=lambda r: r.change_request_id, reverse=True)
    data, paging = page(rows, query.get("pageNumber", 1), query.get("pageSize", 25))
    return {"changeRequests": {"paging": paging, "data": [_summary(backend, r) for r in data]}}


@handles("get-change-request-proposed-changes")
def get_change_request_proposed_changes(call: Call) -> Any:
    backend = call.backend
    change_request = backend.change_request(call.path["changeRequestId"], call.user)
    items = []
    for sid, formula in change_request.proposed.items():
        setting = backend.settings.get(int(sid))
        value = backend.setting_values.get((int(sid), change_request.environment_id))
        if setting is None or value is None:
            continue
        proposed = copy.copy(value)
        proposed.formula = formula
        items.append(_v2_item(backend, setting, proposed))
    return {"featureFlagLimitations": LIMITATIONS, "proposedChanges": items}


@handles("update-change-request-proposed-changes")
def update_change_request_proposed_changes(call: Call) -> Any:
    change_request = _open(call)
    items = call.body.get("proposedChanges") or []
    if not items:
        raise BadRequest("proposedChanges", "At least one proposed change is required.")
    change_request.proposed, change_request.base = {}, {}
    _propose(call, change_request, items, "proposedChanges")
    change_request.approvals = [
        dict(a, dismissedAt=a.get("dismissedAt") or utcnow()) for a in change_request.approvals
    ]
    _activity(call, change_request, "proposedChangesUpdated")
    _audit(call, change_request, "changeRequestSettingValuesUpdated")
    return view(call.backend, change_request)


@handles("delete-change-request-proposed-change")
def delete_change_request_proposed_change(call: Call) -> Any:
    change_request = _open(call)
    sid = _proposed_id(call, change_request)
    if len(change_request.proposed) == 1:
        raise BadRequest("settingId", "The last proposed change cannot be removed; close instead.")
    del change_request.proposed[sid]
    call.backend.changed(change_request)
    change_request.base.pop(sid, None)
    _activity(call, change_request, "settingDeletedFromChangeRequest")
    _audit(call, change_request, "changeRequestSettingDeleted")
    return view(call.backend, change_request)


@handles("resolve-change-request-setting-conflicts")
def resolve_change_request_setting_conflicts(call: Call) -> Any:
    change_request = _open(call)
    sid = _proposed_id(call, change_request)
    item = {**call.body["proposedChange"], "settingId": int(sid)}
    _propose(call, change_request, [item], "proposedChange")
    _activity(call, change_request, "conflictsResolved")
    _audit(call, change_request, "changeRequestSettingValueRebased")
    return view(call.backend, change_request)


@handles("approve-change-request")
def approve_change_request(call: Call) -> Any:
    change_request = _open(call)
    if change_request.creator_user_id == call.user.user_id:
        raise BadRequest("changeRequestId", "You cannot approve your own change request.")
    if any(
        a["userId"] == call.user.user_id and a.get("dismissedAt") is None
        for a in change_request.approvals
    ):
        raise BadRequest("changeRequestId", "You have already approved this change request.")
    call.backend.changed(change_request)
    change_request.approvals.append(
        {
            "changeRequestApprovalId": call.backend.next_id("change_request_approval"),
            "userId": call.user.user_id,
            "userEmail": call.user.email,
            "userFullName": call.user.full_name,
            "approvedAt": utcnow(),
            "dismissedAt": None,
        }
    )
    _audit(call, change_request, "changeRequestApproved")
    return view(call.backend, change_request)


@handles("remove-change-request-approval")
def remove_change_request_approval(call: Call) -> Any:
    change_request = _open(call)
    mine = [
        a
        for a in change_request.approvals
        if a["userId"] == call.user.user_id and a["dismissedAt"] is None
    ]
    if not mine:
        raise BadRequest("changeRequestId", "You have not approved this change request.")
    for approval in mine:
        approval["dismissedAt"] = utcnow()
    call.backend.changed(change_request)
    _audit(call, change_request, "changeRequestApprovalDismissed")
    return view(call.backend, change_request)


@handles("claim-change-request-ownership")
def claim_change_request_ownership(call: Call) -> Any:
    change_request = _open(call)
    change_request.owner_user_id = call.user.user_id
    call.backend.change_requests.refresh(change_request)  # owner_user_id is indexed
    _activity(call, change_request, "ownershipClaimed")
    _audit(call, change_request, "changeRequestOwnershipClaimed")
    return view(call.backend, change_request)


@handles("apply-change-request")
def apply_change_request(call: Call) -> Any:
    change_request = _open(call)
    reason = blocker(call.backend, change_request)
    if reason is not None:
        raise BadRequest("changeRequestId", reason)
    apply(call.backend, change_request, call.user, "changeRequestApplied")
    return view(call.backend, change_request)


@handles("close-change-request")
def close_change_request(call: Call) -> Any:
    change_request = _open(call)
    close(call.backend, change_request, call.user)
    _audit(call, change_request, "changeRequestClosed")
    return view(call.backend, change_request)


@handles("add-change-request-comment")
def add_change_request_comment(call: Call) -> Any:
    backend = call.backend
    change_request = backend.change_request(call.path["changeRequestId"], call.user)
    comment = backend.change_request_comments.add(
        records.ChangeRequestComment(
            backend.next_id("comment"),
            change_request.change_request_id,
            call.user.user_id,
            call.body["body"],
            utcnow(),
        )
    )
    _audit(call, change_request, "changeRequestCommentAdded")
    return comment_view(backend, comment)


def _comment(call: Call) -> tuple[records.ChangeRequestComment, records.ChangeRequest]:
    backend = call.backend
    comment = backend.change_request_comments.get(call.path["commentId"])
    if comment is None:
        raise NotFound("comment")
    change_request = backend.change_request(comment.change_request_id, call.user)
    if comment.user_id != call.user.user_id:
        raise BadRequest("commentId", "Only the author can change a comment.")
    return comment, change_request


@handles("update-change-request-comment")
def update_change_request_comment(call: Call) -> Any:
    comment, change_request = _comment(call)
    comment.body = call.body["body"]
    comment.edited_at = utcnow()
    _audit(call, change_request, "changeRequestCommentEdited")
    return comment_view(call.backend, comment)


@handles("delete-change-request-comment")
def delete_change_request_comment(call: Call) -> Any:
    comment, change_request = _comment(call)
    call.backend.change_request_comments.remove(comment.comment_id)
    _audit(call, change_request, "changeRequestCommentDeleted")
    return None
