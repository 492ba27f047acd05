"""Product preferences in the document: environments by name, compared, and the writes they gate.

The section holds the fields of the service's preferences (``reasonRequired``,
``keyGenerationMode``, ``showVariationId``, ``mandatorySettingHint``, ``approveRequired``)
and, per environment *name*, ``reasonRequiredEnvironments`` and
``approveRequiredEnvironments`` (``{"Production": true}``). Every field is optional: one left
out is left as the target has it, so a document may set only what it cares about.

Two of them gate apply's own value writes: a product or environment that requires a reason
refuses a value write without one, and one that requires approval refuses a direct v2 value
write. Apply therefore writes the preferences after every value, so a document that turns a
requirement on is not stopped by it, and the *target's* requirements, as they are before the
apply, hold for the whole run: :func:`gated` finds the environments whose planned value writes
they stop, and apply refuses before its first write rather than half-way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SCALARS = (
    "reasonRequired",
    "keyGenerationMode",
    "showVariationId",
    "mandatorySettingHint",
    "approveRequired",
)
PER_ENVIRONMENT = {
    "reasonRequiredEnvironments": "reasonRequired",
    "approveRequiredEnvironments": "approveRequired",
}
"""document field -> the flag each environment item of the service holds"""


def exported(model: Mapping[str, Any], env_names: Mapping[str, str]) -> dict[str, Any]:
    """The document's section from the service's preferences (``env_names``: id -> name)."""
    out: dict[str, Any] = {k: model[k] for k in SCALARS if model.get(k) is not None}
    for field, flag in PER_ENVIRONMENT.items():
        out[field] = {
            env_names[str(item["environmentId"])]: bool(item.get(flag))
            for item in model.get(field) or []
            if str(item["environmentId"]) in env_names
        }
    return out


def changed(want: Mapping[str, Any], have: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``want`` that differs from ``have`` (empty when nothing does).

    An environment the target lacks (apply creates it) starts without requirements.
    """
    out: dict[str, Any] = {k: want[k] for k in SCALARS if k in want and want[k] != have.get(k)}
    for field in PER_ENVIRONMENT:
        current = have.get(field, {})
        diff = {env: on for env, on in want.get(field, {}).items() if bool(current.get(env)) != on}
        if diff:
            out[field] = diff
    return out


def body(
    change: Mapping[str, Any], current: Mapping[str, Any], env_ids: Mapping[str, str]
) -> dict[str, Any]:
    """The update request for ``change`` (from :func:`changed`), environments as ids.

    Each environment list is sent whole (the target's values with the change over them), so
    the write means the same whether the service merges the list or replaces it.
    """
    out: dict[str, Any] = {k: change[k] for k in SCALARS if k in change}
    for field, flag in PER_ENVIRONMENT.items():
        if field in change:
            merged = dict(current.get(field, {})) | dict(change[field])
            out[field] = [
                {"environmentId": env_ids[env], flag: on}
                for env, on in merged.items()
                if env in env_ids
            ]
    return out


def gated(
    have: Mapping[str, Any], writes: Iterable[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """The environments whose value writes the target's preferences stop, as they stand.

    ``writes`` are (environment name, evaluation version) of the planned value writes.
    Returns (environments that need a reason, environments that need an approval). A
    reason is needed where the product or the environment requires one; an approval only
    for v2 writes to an environment that requires one, the writes the service's approval
    refuses (the product-wide ``approveRequired`` alone does not stop a direct write, and
    refusing one the service would take would leave no way to apply).
    """
    reason: list[str] = []
    approval: list[str] = []
    needs_reason = have.get("reasonRequiredEnvironments", {})
    needs_approval = have.get("approveRequiredEnvironments", {})
    for env, version in writes:
        if (have.get("reasonRequired") or needs_reason.get(env)) and env not in reason:
            reason.append(env)
        if version == "v2" and needs_approval.get(env) and env not in approval:
            approval.append(env)
    return reason, approval
