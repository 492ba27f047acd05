"""Setting values: v1 (rollout rules, percentage items) and v2 (targeting rules, percentage
options, user / segment / prerequisite conditions), by ids and by SDK key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call, Reply
from configcat_mock.api.formulas import check_value_model, touch, v1_as_v2
from configcat_mock.api.handlers._common import apply_patch, check_value
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest, NotFound
from configcat_mock.state import records
from configcat_mock.state.backend import Backend
from configcat_mock.state.comparators import USER_COMPARATOR_NUMBER, comparators_taking

LIMITATIONS = {
    "maxPercentageOptionCount": 100,
    "maxTargetingRuleCount": 100,
    "maxComparisonValueLength": 65535,
    "maxComparisonValueListLength": 1000,
    "maxComparisonValueListItemLength": 65535,
    "maxStringFlagValueLength": 1_000_000,
    "maxConditionPerTargetingRuleCount": 100,
}
_LIST_COMPARATORS = comparators_taking("l", USER_COMPARATOR_NUMBER)
_NUMBER_COMPARATORS = comparators_taking("d", USER_COMPARATOR_NUMBER)


# -- locating the value -----------------------------------------------------------------------


def _target(
    call: Call, version: str, *, read: bool = False
) -> tuple[records.Config, records.Environment, records.Setting]:
    """Config, environment and setting of a value URL (ids or SDK key + key-or-id).

    v2 reads also serve v1 configs (converted); every other cross-version call is 400.
    """
    backend = call.backend
    if "settingKeyOrId" in call.path:
        config, env = backend.by_sdk_key(call.headers.get("X-CONFIGCAT-SDKKEY"), call.user)
        key_or_id = call.path["settingKeyOrId"]
        same_key = backend.settings.by("config_key", (config.config_id, key_or_id.casefold()))
        setting = next((s for s in same_key if s.key == key_or_id), None)
        if setting is None and key_or_id.isdigit():
            by_id = backend.settings.get(int(key_or_id))
            setting = by_id if by_id is not None and by_id.config_id == config.config_id else None
        if setting is None:
            raise NotFound("setting")
    else:
        env = backend.environment(call.path["environmentId"], call.user)
        setting = backend.setting(call.path["settingId"], call.user)
        config = backend.configs[setting.config_id]
        if config.product_id != env.product_id:
            raise NotFound("environment")
    if not (read and version == "v2"):
        _check_version(config, version)
    return config, env, setting


def _check_version(config: records.Config, version: str) -> None:
    if config.evaluation_version != version:
        raise BadRequest(
            "evaluationVersion",
            f"This config uses evaluation version {config.evaluation_version}; "
            f"use the {config.evaluation_version} endpoints.",
        )


def _value(
    backend: Backend, setting: records.Setting, env: records.Environment
) -> records.SettingValue:
    value = backend.setting_values.get((setting.setting_id, env.environment_id))
    if value is None:
        raise NotFound("setting value")
    return value


def _guard(call: Call, env: records.Environment, *, v2: bool) -> None:
    product = call.backend.products[env.product_id]
    call.require_reason(product, env)
    if v2 and env.approve_required and not call.query.get("bypassApproval"):
        raise BadRequest(
            "bypassApproval",
            "This environment requires approval: create a change request or bypass the approval.",
        )


def _audit(
    call: Call, config: records.Config, env: records.Environment, setting: records.Setting
) -> None:
    product = call.backend.products[config.product_id]
    call.backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "settingValueChanged",
        setting.key,
        why=call.reason,
        config_id=config.config_id,
        environment_id=env.environment_id,
    )


def _store(
    call: Call,
    config: records.Config,
    env: records.Environment,
    setting: records.Setting,
    value: records.SettingValue,
    formula: dict[str, Any],
) -> None:
    """Saves a changed formula: new version stamp and an audit entry."""
    call.backend.set_formula(value, formula, by=call.user, why=call.reason)
    touch(call.backend, value, call.user)
    _audit(call, config, env, setting)


def _post_values(
    call: Call,
    version: str,
    field: str,
    check: Callable[[Call, records.Setting, records.Config, dict[str, Any], str], dict[str, Any]],
    listing: Callable[[Backend, records.Config, records.Environment], Any],
) -> Any:
    """Bulk update of a config's values: every item is checked before any is stored."""
    backend = call.backend
    config, env = _config_env(call, version)
    items = call.body.get(field) or []
    settings = _settings_by_id(backend, config, items, field)
    formulas = [
        check(call, s, config, item, f"{field}[{i}].")
        for i, (s, item) in enumerate(zip(settings, items, strict=True))
    ]
    if formulas:
        _guard(call, env, v2=version == "v2")
    for setting, formula in zip(settings, formulas, strict=True):
        value = _value(backend, setting, env)
        if value.formula != formula:
            _store(call, config, env, setting, value, formula)
    return listing(backend, config, env)


# -- v1 ---------------------------------------------------------------------------------------


def check_v1(
    call: Call, setting: records.Setting, product_id: str, body: dict[str, Any], at: str = ""
) -> dict[str, Any]:
    """A stored v1 formula from an ``UpdateSettingValueModel``; 400 when it does not fit."""
    kind = setting.setting_type
    value = check_value(kind, body.get("value"), f"{at}value")
    rules = []
    for i, rule in enumerate(body.get("rolloutRules") or []):
        field = f"{at}rolloutRules[{i}]"
        rule_value = check_value(kind, rule.get("value"), f"{field}.value")
        if rule.get("segmentId") is not None or rule.get("segmentComparator") is not None:
            segment = call.backend.segments.get(rule.get("segmentId"))
            if segment is None or segment.product_id != product_id:
                raise BadRequest(f"{field}.segmentId", "Unknown segment.")
            if rule.get("segmentComparator") is None:
                raise BadRequest(f"{field}.segmentComparator", "A segment comparator is required.")
        elif not rule.get("comparisonAttribute") or rule.get("comparator") is None:
            raise BadRequest(
                f"{field}.comparator",
                "A comparison attribute and comparator, or a segment, is required.",
            )
        elif rule.get("comparisonValue") is None:
            raise BadRequest(f"{field}.comparisonValue", "A comparison value is required.")
        rules.append(call.schemas.shape("RolloutRuleModel", {**rule, "value": rule_value}))
    items = []
    for i, item in enumerate(body.get("rolloutPercentageItems") or []):
        item_value = check_value(kind, item.get("value"), f"{at}rolloutPercentageItems[{i}].value")
        if not 0 <= item["percentage"] <= 100:
            raise BadRequest(f"{at}rolloutPercentageItems[{i}].percentage", "Must be 0..100.")
        items.append({"percentage": item["percentage"], "value": item_value})
    if items and sum(i["percentage"] for i in items) != 100:
        raise BadRequest(f"{at}rolloutPercentageItems", "The percentages must add up to 100.")
    return {"value": value, "rolloutRules": rules, "rolloutPercentageItems": items}


def _v1_item(
    backend: Backend, setting: records.Setting, value: records.SettingValue
) -> dict[str, Any]:
    return {
        "setting": views.setting_data(setting),
        "updatedAt": value.updated_at,
        "lastUpdaterUserEmail": value.last_updater_email,
        "lastUpdaterUserFullName": value.last_updater_full_name,
        "integrationLinks": views.integration_links(
            backend, setting.setting_id, value.environment_id
        ),
        "settingTags": views.setting_tags(backend, setting),
        **value.formula,
    }


def _v1_model(
    backend: Backend, config: records.Config, env: records.Environment, setting: records.Setting
) -> Any:
    return {
        **_v1_item(backend, setting, _value(backend, setting, env)),
        "config": views.config(backend, config),
        "environment": views.environment(backend, env),
        "featureFlagLimitations": LIMITATIONS,
        "readOnly": False,
    }


@handles("get-setting-value", "get-setting-value-by-sdkkey")
def get_setting_value(call: Call) -> Any:
    config, env, setting = _target(call, "v1")
    return _v1_model(call.backend, config, env, setting)


@handles("replace-setting-value", "replace-setting-value-by-sdkkey")
def replace_setting_value(call: Call) -> Any:
    config, env, setting = _target(call, "v1")
    _guard(call, env, v2=False)
    value = _value(call.backend, setting, env)
    _store(call, config, env, setting, value, check_v1(call, setting, config.product_id, call.body))
    return _v1_model(call.backend, config, env, setting)


@handles("update-setting-value", "update-setting-value-by-sdkkey")
def update_setting_value(call: Call) -> Any:
    config, env, setting = _target(call, "v1")
    value = _value(call.backend, setting, env)
    patched = apply_patch(value.formula, call.body)
    call.validate_as("UpdateSettingValueModel", patched)
    formula = check_v1(call, setting, config.product_id, patched)
    if formula == value.formula:
        return Reply(204)
    _guard(call, env, v2=False)
    _store(call, config, env, setting, value, formula)
    return _v1_model(call.backend, config, env, setting)


def _config_env(call: Call, version: str) -> tuple[records.Config, records.Environment]:
    config, env = call.backend.config_environment(
        call.path["configId"], call.path["environmentId"], call.user
    )
    _check_version(config, version)
    return config, env


@handles("get-setting-values")
def get_setting_values(call: Call) -> Any:
    backend = call.backend
    config, env = _config_env(call, "v1")
    return _v1_list(backend, config, env)


def _v1_list(backend: Backend, config: records.Config, env: records.Environment) -> Any:
    settings = views.ordered(backend.settings.where(config_id=config.config_id))
    return {
        "config": views.config(backend, config),
        "environment": views.environment(backend, env),
        "readOnly": False,
        "settingValues": [_v1_item(backend, s, _value(backend, s, env)) for s in settings],
        "featureFlagLimitations": LIMITATIONS,
    }


def _settings_by_id(
    backend: Backend, config: records.Config, items: list[dict[str, Any]], field: str
) -> list[records.Setting]:
    out = []
    for i, item in enumerate(items):
        setting = backend.settings.get(item.get("settingId"))
        if setting is None or setting.config_id != config.config_id:
            raise BadRequest(f"{field}[{i}].settingId", "Unknown setting in this config.")
        out.append(setting)
    return out


@handles("post-setting-values")
def post_setting_values(call: Call) -> Any:
    def check(
        call: Call, setting: records.Setting, config: records.Config, body: dict[str, Any], at: str
    ) -> dict[str, Any]:
        return check_v1(call, setting, config.product_id, body, at)

    return _post_values(call, "v1", "settingValues", check, _v1_list)


# -- v2 ---------------------------------------------------------------------------------------


def _check_condition(
    call: Call, setting: records.Setting, config: records.Config, cond: dict[str, Any], field: str
) -> dict[str, Any]:
    backend = call.backend
    present = [
        k
        for k in ("userCondition", "segmentCondition", "prerequisiteFlagCondition")
        if cond.get(k) is not None
    ]
    if len(present) != 1:
        raise BadRequest(
            field,
            "Exactly one of userCondition, segmentCondition and "
            "prerequisiteFlagCondition is required.",
        )
    out: dict[str, Any] = {
        "userCondition": None,
        "segmentCondition": None,
        "prerequisiteFlagCondition": None,
    }
    kind = present[0]
    data = cond[kind]
    if kind == "userCondition":
        comparator = data["comparator"]
        value = data.get("comparisonValue") or {}
        if comparator in _LIST_COMPARATORS:
            need = "listValue"
        elif comparator in _NUMBER_COMPARATORS:
            need = "doubleValue"
        else:
            need = "stringValue"
        if value.get(need) in (None, []):
            raise BadRequest(
                f"{field}.userCondition.comparisonValue.{need}",
                f"The comparator {comparator} needs a {need}.",
            )
        out[kind] = call.schemas.shape("UserConditionModel", data)
    elif kind == "segmentCondition":
        segment = backend.segments.get(data.get("segmentId"))
        if segment is None or segment.product_id != config.product_id:
            raise BadRequest(f"{field}.segmentCondition.segmentId", "Unknown segment.")
        out[kind] = {"segmentId": data["segmentId"], "comparator": data["comparator"]}
    else:
        pre = backend.settings.get(data.get("prerequisiteSettingId"))
        if pre is None or pre.config_id != config.config_id or pre.setting_id == setting.setting_id:
            raise BadRequest(
                f"{field}.prerequisiteFlagCondition.prerequisiteSettingId",
                "The prerequisite must be another flag of this config.",
            )
        at = f"{field}.prerequisiteFlagCondition.prerequisiteComparisonValue"
        value = check_value_model(pre, data.get("prerequisiteComparisonValue"), at)
        out[kind] = {
            "prerequisiteSettingId": pre.setting_id,
            "comparator": data["comparator"],
            "prerequisiteComparisonValue": value,
        }
    return out


def check_v2(
    call: Call, setting: records.Setting, config: records.Config, body: dict[str, Any], at: str = ""
) -> dict[str, Any]:
    """A stored v2 formula from an ``UpdateEvaluationFormulaModel``; 400 when it does not fit."""
    default = check_value_model(setting, body.get("defaultValue"), f"{at}defaultValue")
    rules = []
    for i, rule in enumerate(body.get("targetingRules") or []):
        field = f"{at}targetingRules[{i}]"
        conditions = [
            _check_condition(call, setting, config, cond or {}, f"{field}.conditions[{j}]")
            for j, cond in enumerate(rule.get("conditions") or [])
        ]
        options = []
        for j, option in enumerate(rule.get("percentageOptions") or []):
            if not 0 <= option["percentage"] <= 100:
                raise BadRequest(f"{field}.percentageOptions[{j}].percentage", "Must be 0..100.")
            options.append(
                {
                    "percentage": option["percentage"],
                    "value": check_value_model(
                        setting, option.get("value"), f"{field}.percentageOptions[{j}].value"
                    ),
                }
            )
        if options and sum(o["percentage"] for o in options) != 100:
            raise BadRequest(f"{field}.percentageOptions", "The percentages must add up to 100.")
        value = None
        if rule.get("value") is not None:
            value = check_value_model(setting, rule["value"], f"{field}.value")
        if (value is None) == (not options):
            raise BadRequest(field, "A targeting rule has either a value or percentage options.")
        rules.append({"conditions": conditions, "percentageOptions": options, "value": value})
    return {
        "defaultValue": default,
        "targetingRules": rules,
        "percentageEvaluationAttribute": body.get("percentageEvaluationAttribute"),
    }


def _prerequisite_of(backend: Backend, setting: records.Setting, env_id: str) -> list[int]:
    """The flags whose formula in ``env_id`` names ``setting`` as a prerequisite."""
    return sorted(
        v.setting_id
        for v in backend.setting_values.by("prerequisite", setting.setting_id)
        if v.environment_id == env_id
    )


def _v2_formula(
    backend: Backend, setting: records.Setting, value: records.SettingValue
) -> dict[str, Any]:
    if "defaultValue" in value.formula:
        return value.formula
    return v1_as_v2(setting.setting_type, value.formula)


def _v2_item(
    backend: Backend, setting: records.Setting, value: records.SettingValue
) -> dict[str, Any]:
    pending = [
        r
        for r in backend.change_requests.where(environment_id=value.environment_id)
        if r.status == "open" and str(setting.setting_id) in r.proposed
    ]
    return {
        "lastVersionId": value.version_id,
        **_v2_formula(backend, setting, value),
        "setting": views.setting_data(setting),
        "updatedAt": value.updated_at,
        "lastUpdaterUserEmail": value.last_updater_email,
        "lastUpdaterUserFullName": value.last_updater_full_name,
        "integrationLinks": views.integration_links(
            backend, setting.setting_id, value.environment_id
        ),
        "settingTags": views.setting_tags(backend, setting),
        "settingIdsWherePrerequisite": _prerequisite_of(backend, setting, value.environment_id),
        "changeRequestCount": len(pending),
    }


def _flags(backend: Backend, env: records.Environment) -> dict[str, Any]:
    product = backend.products[env.product_id]
    return {
        "readOnly": False,
        "featureFlagLimitations": LIMITATIONS,
        "approveRequired": env.approve_required,
        "canBypassApproval": True,
        "reasonRequired": product.reason_required or env.reason_required,
    }


def _v2_model(
    backend: Backend, config: records.Config, env: records.Environment, setting: records.Setting
) -> Any:
    return {
        **_v2_item(backend, setting, _value(backend, setting, env)),
        "config": views.config(backend, config),
        "environment": views.environment(backend, env),
        **_flags(backend, env),
    }


def _check_latest(call: Call, value: records.SettingValue) -> None:
    latest = call.query.get("latestVersionId")
    if latest is not None and latest != value.version_id:
        raise BadRequest("latestVersionId", "The value was changed since that version.")


@handles("get-setting-value-v2", "get-setting-value-by-sdkkey-v2")
def get_setting_value_v2(call: Call) -> Any:
    config, env, setting = _target(call, "v2", read=True)
    return _v2_model(call.backend, config, env, setting)


@handles("replace-setting-value-v2", "replace-setting-value-by-sdkkey-v2")
def replace_setting_value_v2(call: Call) -> Any:
    config, env, setting = _target(call, "v2")
    value = _value(call.backend, setting, env)
    _check_latest(call, value)
    formula = check_v2(call, setting, config, call.body)
    _guard(call, env, v2=True)
    _store(call, config, env, setting, value, formula)
    return _v2_model(call.backend, config, env, setting)


@handles("update-setting-value-v2", "update-setting-value-by-sdkkey-v2")
def update_setting_value_v2(call: Call) -> Any:
    config, env, setting = _target(call, "v2")
    value = _value(call.backend, setting, env)
    _check_latest(call, value)
    patched = apply_patch(value.formula, call.body)  # stored shape fits the update model
    call.validate_as("UpdateEvaluationFormulaModel", patched)
    formula = check_v2(call, setting, config, patched)
    if formula == value.formula:
        return Reply(204)
    _guard(call, env, v2=True)
    _store(call, config, env, setting, value, formula)
    return _v2_model(call.backend, config, env, setting)


def _v2_list(backend: Backend, config: records.Config, env: records.Environment) -> Any:
    settings = views.ordered(backend.settings.where(config_id=config.config_id))
    return {
        "config": views.config(backend, config),
        "environment": views.environment(backend, env),
        "settingFormulas": [_v2_item(backend, s, _value(backend, s, env)) for s in settings],
        **_flags(backend, env),
    }


@handles("get-setting-values-v2")
def get_setting_values_v2(call: Call) -> Any:
    config, env = call.backend.config_environment(
        call.path["configId"], call.path["environmentId"], call.user
    )
    return _v2_list(call.backend, config, env)


@handles("post-setting-values-v2")
def post_setting_values_v2(call: Call) -> Any:
    return _post_values(call, "v2", "updateFormulas", check_v2, _v2_list)
