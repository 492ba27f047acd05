# Derived from configcat_publicapi/workflows/_async/apply.py
# by scripts/make_sync.py: do not edit.
"""Apply: the calls that make a product equal to a document, one change of a plan at a time.

What to change, in which order, and why it is safe to run again is :mod:`..plan`'s to say;
this module turns each :class:`~..plan.Change` into its request, with the target's ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from configcat_publicapi._sync.client import ConfigCatClient
from configcat_publicapi._types import NOT_GIVEN
from configcat_publicapi.safe_create import SafeCreates
from configcat_publicapi.workflows import preferences
from configcat_publicapi.workflows._clients import expect_client
from configcat_publicapi.workflows._run import run_changes
from configcat_publicapi.workflows._sync.export import snapshot
from configcat_publicapi.workflows.document import Document
from configcat_publicapi.workflows.export import ConfigIds, SettingIds, Snapshot, variation_name
from configcat_publicapi.workflows.guards import check_writes
from configcat_publicapi.workflows.plan import (
    ApplyResult,
    Change,
    Plan,
    Progress,
    TargetIds,
    plan_against,
)
from configcat_publicapi_client import models as gm


def plan(
    cc: ConfigCatClient,
    document: Document,
    product_id: str | UUID,
    *,
    prune: bool = False,
    target: Snapshot | None = None,
) -> Plan:
    """What :func:`apply` would do to ``product_id``; raises :class:`DocumentError` early.

    ``target`` is a snapshot of ``product_id`` already read; without it the product is read.
    """
    expect_client(cc, ConfigCatClient, "plan")
    snap = target or snapshot(cc, product_id)
    return plan_against(snap, document, prune=prune)


def apply(
    cc: ConfigCatClient,
    document: Document,
    product_id: str | UUID,
    *,
    reason: str | None = None,
    prune: bool = False,
    progress: Progress | None = None,
    concurrency: int = 1,
) -> ApplyResult:
    """Make ``product_id`` equal to ``document``; run again to resume after an interruption.

    ``reason`` goes with every value write (the audit log's "why"). The document is checked,
    and the whole plan computed, before the first write; so is whether the target's
    preferences would refuse a value write (:class:`~..guards.ReasonRequiredError` when they
    ask for a reason and none is given). ``concurrency`` writes may be in
    flight at once, each waiting for what it needs (:mod:`..schedule`); 1 keeps the plan's
    order exactly.
    """
    expect_client(cc, ConfigCatClient, "apply")
    snap = snapshot(cc, product_id)
    the_plan = plan_against(snap, document, prune=prune)
    return run_plan(cc, snap, the_plan, reason=reason, progress=progress, concurrency=concurrency)


def run_plan(
    cc: ConfigCatClient,
    snap: Snapshot,
    the_plan: Plan,
    *,
    reason: str | None = None,
    progress: Progress | None = None,
    concurrency: int = 1,
) -> ApplyResult:
    """Make the changes of ``the_plan``, computed against ``snap`` (in order with 1 at a time).

    ``result.done`` lists them in the order they were completed. Refused before the first
    write when the target's preferences would refuse its value writes:
    :class:`~..guards.ReasonRequiredError` (give ``reason``) or
    :class:`~..guards.ApprovalRequiredError`.
    """
    expect_client(cc, ConfigCatClient, "run_plan")
    check_writes(the_plan.needs_reason, the_plan.needs_approval, reason)
    runner = Applier(cc, snap, reason)
    result = ApplyResult(snap.product_id)
    total = len(the_plan.changes)

    def done(change: Change) -> None:
        result.done.append(change)
        if progress is not None:
            progress(len(result.done), total, change)

    run_changes(the_plan.changes, runner.run, limit=concurrency, done=done)
    return result


class Applier:
    """Makes one change of a plan at a time, recording the ids of what it creates."""

    def __init__(self, cc: ConfigCatClient, snap: Snapshot, reason: str | None) -> None:
        self.cc = cc
        self.safe = SafeCreates(cc)
        self.snap = snap
        self.pid = UUID(snap.product_id)
        self.reason = reason

    def run(self, c: Change) -> None:
        """Make one change of the plan."""
        getattr(self, f"_{c.action}_{c.kind}")(c)

    def _update_preferences(self, c: Change) -> None:
        body = preferences.body(c.after, c.before or {}, self.snap.environments)
        self.cc.products.update_product_preferences(
            self.pid, body=gm.UpdatePreferencesRequest.from_dict(body)
        )

    def _update_product(self, c: Change) -> None:
        body = {"name": c.name, "description": c.after.get("description") or ""}
        self.cc.products.update_product(self.pid, body=gm.UpdateProductRequest.from_dict(body))

    # environments, tags, segments
    def _create_environment(self, c: Change) -> None:
        body = gm.CreateEnvironmentModel.from_dict(c.after)
        made = self.safe.environment(self.pid, body=body)
        self.snap.environments[c.name] = str(made.environment_id)

    def _update_environment(self, c: Change) -> None:
        eid = UUID(self.snap.environments[c.name])
        self.cc.environments.update_environment(
            eid, body=gm.UpdateEnvironmentModel.from_dict(c.after)
        )

    def _delete_environment(self, c: Change) -> None:
        self.cc.environments.delete_environment(UUID(self.snap.environments[c.name]))

    def _create_tag(self, c: Change) -> None:
        made = self.safe.tag(self.pid, body=gm.CreateTagModel.from_dict(c.after))
        self.snap.tags[c.name] = int(made.tag_id)

    def _update_tag(self, c: Change) -> None:
        body = gm.UpdateTagModel.from_dict(c.after)
        self.cc.tags.update_tag(self.snap.tags[c.name], body=body)

    def _delete_tag(self, c: Change) -> None:
        self.cc.tags.delete_tag(self.snap.tags[c.name])

    def _create_segment(self, c: Change) -> None:
        made = self.safe.segment(self.pid, body=gm.CreateSegmentModel.from_dict(c.after))
        self.snap.segments[c.name] = str(made.segment_id)

    def _update_segment(self, c: Change) -> None:
        body = gm.UpdateSegmentModel.from_dict(c.after)
        self.cc.segments.update_segment(UUID(self.snap.segments[c.name]), body=body)

    def _delete_segment(self, c: Change) -> None:
        self.cc.segments.delete_segment(UUID(self.snap.segments[c.name]))

    # configs and flags
    def _create_config(self, c: Change) -> None:
        keys = ("name", "description", "evaluationVersion", "order")
        body = {k: c.after[k] for k in keys if c.after.get(k) is not None}
        made = self.safe.config(self.pid, body=gm.CreateConfigRequest.from_dict(body))
        self.snap.configs[c.name] = ConfigIds(str(made.config_id), c.after["evaluationVersion"])

    def _update_config(self, c: Change) -> None:
        body = {"name": c.name, "description": c.after.get("description") or ""}
        cid = UUID(self.snap.configs[c.name].config_id)
        self.cc.configs.update_config(cid, body=gm.UpdateConfigRequest.from_dict(body))

    def _delete_config(self, c: Change) -> None:
        self.cc.configs.delete_config(UUID(self.snap.configs[c.name].config_id))

    def _tag_ids(self, setting: Mapping[str, Any]) -> list[int]:
        return [self.snap.tags[t] for t in setting.get("tags", [])]

    def _create_setting(self, c: Change) -> None:
        s = c.after
        body: dict[str, Any] = {
            "key": s["key"],
            "name": s["name"],
            "settingType": s["settingType"],
            "tags": self._tag_ids(s),
            "order": s["order"],
        }
        if s.get("hint"):
            body["hint"] = s["hint"]
        if s.get("isJson"):
            body["isJson"] = True
        if s.get("predefinedVariations"):
            body["predefinedVariations"] = [
                {k: v[k] for k in ("name", "hint", "value") if k in v}
                for v in s["predefinedVariations"]
            ]
        ids = self.snap.configs[str(c.config)]
        made = self.safe.setting(
            UUID(ids.config_id), body=gm.CreateSettingInitialValues.from_dict(body)
        )
        ids.settings[s["key"]] = SettingIds(int(made.setting_id), self._variations(made))

    @staticmethod
    def _variations(model: Any) -> dict[str, str]:
        rows = model.to_dict().get("predefinedVariations") or []
        return {variation_name(v): str(v["predefinedVariationId"]) for v in rows}

    def _setting(self, c: Change) -> SettingIds:
        return self.snap.configs[str(c.config)].settings[c.name]

    def _update_setting(self, c: Change) -> None:
        s = c.after
        body = {
            "name": s["name"],
            "hint": s.get("hint") or "",
            "tags": self._tag_ids(s),
            "order": s["order"],
            "isJson": bool(s.get("isJson")),  # a replace without it clears it
        }
        self.cc.settings.replace_setting(
            self._setting(c).setting_id, body=gm.ReplaceSettingModel.from_dict(body)
        )

    def _delete_setting(self, c: Change) -> None:
        self.cc.settings.delete_setting(self._setting(c).setting_id)

    def _update_variations(self, c: Change) -> None:
        ids = self._setting(c)
        rows = []
        for v in c.after or []:
            row = {k: v[k] for k in ("name", "hint", "value") if k in v}
            if v["name"] in ids.variations:
                row["predefinedVariationId"] = ids.variations[v["name"]]
            rows.append(row)
        body = gm.UpdatePredefinedVariationsRequest.from_dict({"predefinedVariations": rows})
        self.cc.settings.update_predefined_variations(ids.setting_id, body=body)
        ids.variations = self._variations(self.cc.settings.get_setting(ids.setting_id))

    # values
    def _update_value(self, c: Change) -> None:
        ids = self.snap.configs[str(c.config)]
        setting = ids.settings[c.name]
        eid = UUID(self.snap.environments[str(c.environment)])
        reason = self.reason if self.reason is not None else NOT_GIVEN
        if ids.version == "v2":
            body = gm.UpdateEvaluationFormulaModel.from_dict(
                TargetIds(self.snap, ids, c.name).formula(c.after)
            )
            self.cc.setting_values_v2.replace_setting_value_v2(
                eid, setting.setting_id, body=body, reason=reason
            )
        else:
            v1 = TargetIds(self.snap, ids, c.name).v1(c.after)
            self.cc.setting_values.replace_setting_value(
                eid,
                setting.setting_id,
                body=gm.UpdateSettingValueModel.from_dict(v1),
                reason=reason,
            )
