"""Setting values in spec shape: defaults, v2 ``ValueModel`` checks, and value wiring.

A config's ``evaluationVersion`` decides the stored shape (see
:class:`~configcat_mock.state.records.SettingValue`): v1 endpoints serve v1 configs, v2 endpoints v2
configs, as the service does.
"""

from __future__ import annotations

from typing import Any

from configcat_mock.errors import BadRequest
from configcat_mock.state import records
from configcat_mock.state.backend import Backend, utcnow
from configcat_mock.state.comparators import ROLLOUT_RULE_COMPARATOR_NUMBER, comparators_taking

V2_FIELD = {
    "boolean": "boolValue",
    "string": "stringValue",
    "int": "intValue",
    "double": "doubleValue",
}
_ZERO: dict[str, Any] = {"boolean": False, "string": "", "int": 0, "double": 0.0}


def value_model(setting_type: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "boolValue": None,
        "stringValue": None,
        "intValue": None,
        "doubleValue": None,
        "predefinedVariationId": None,
    }
    out[V2_FIELD[setting_type]] = value
    return out


def default_formula(
    evaluation_version: str, setting_type: str, value: Any = None
) -> dict[str, Any]:
    plain = _ZERO[setting_type] if value is None else value
    if evaluation_version == "v2":
        return {
            "defaultValue": value_model(setting_type, plain),
            "targetingRules": [],
            "percentageEvaluationAttribute": None,
        }
    return {"value": plain, "rolloutRules": [], "rolloutPercentageItems": []}


def check_value_model(setting: records.Setting, raw: Any, field: str) -> dict[str, Any]:
    """A full ``ValueModel`` from an ``UpdateValueModel``; 400 when it does not fit the type."""
    if not isinstance(raw, dict):
        raise BadRequest(field, "A value is required.")
    variation = raw.get("predefinedVariationId")
    if variation is not None:
        known = {v.get("predefinedVariationId") for v in setting.predefined_variations}
        if variation not in known:
            raise BadRequest(f"{field}.predefinedVariationId", "Unknown predefined variation.")
        out = value_model(setting.setting_type, None)
        out["predefinedVariationId"] = variation
        for v in setting.predefined_variations:
            if v.get("predefinedVariationId") == variation:
                out[V2_FIELD[setting.setting_type]] = (v.get("value") or {}).get(
                    V2_FIELD[setting.setting_type]
                )
        return out
    want = V2_FIELD[setting.setting_type]
    others = [k for k in V2_FIELD.values() if k != want and raw.get(k) is not None]
    value = raw.get(want)
    if value is None or others:
        raise BadRequest(f"{field}.{want}", f"A {setting.setting_type} value is required.")
    if want == "intValue" and (isinstance(value, bool) or not isinstance(value, int)):
        raise BadRequest(f"{field}.{want}", "An integer value is required.")
    if want == "doubleValue" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise BadRequest(f"{field}.{want}", "A number value is required.")
    return value_model(setting.setting_type, value)


def new_value(
    backend: Backend, setting: records.Setting, environment_id: str, formula: dict[str, Any]
) -> None:
    backend.setting_values.add(
        records.SettingValue(
            setting_id=setting.setting_id,
            environment_id=environment_id,
            formula=formula,
            version_id=backend.new_uuid(),
        )
    )


def wire_environment(backend: Backend, env: records.Environment) -> None:
    """A new environment gets SDK keys for every config and a value for every setting."""
    for config in backend.configs.where(product_id=env.product_id):
        backend.ensure_sdk_keys(config.config_id, env.environment_id)
        for setting in backend.settings.where(config_id=config.config_id):
            new_value(
                backend,
                setting,
                env.environment_id,
                default_formula(config.evaluation_version, setting.setting_type),
            )


def wire_config(backend: Backend, config: records.Config) -> None:
    for env in backend.environments.where(product_id=config.product_id):
        backend.ensure_sdk_keys(config.config_id, env.environment_id)


def touch(backend: Backend, value: records.SettingValue, user: records.User) -> None:
    value.updated_at = utcnow()
    value.last_updater_email = user.email
    value.last_updater_full_name = user.full_name
    value.version_id = backend.new_uuid()


_V1_TO_V2_COMPARATOR = {"contains": "containsAnyOf", "doesNotContain": "doesNotContainAnyOf"}
_V1_LIST = comparators_taking("l", ROLLOUT_RULE_COMPARATOR_NUMBER)
_V1_NUMBER = comparators_taking("d", ROLLOUT_RULE_COMPARATOR_NUMBER)


def _v1_comparison_value(comparator: str, raw: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"stringValue": None, "doubleValue": None, "listValue": None}
    text = raw or ""
    if comparator in _V1_LIST:
        items = [x.strip() for x in text.split(",") if x.strip()]
        out["listValue"] = [{"value": x, "hint": None} for x in items]
    elif comparator in _V1_NUMBER:
        try:
            out["doubleValue"] = float(text)
        except ValueError:
            out["stringValue"] = text
    else:
        out["stringValue"] = text
    return out


def v1_as_v2(setting_type: str, formula: dict[str, Any]) -> dict[str, Any]:
    """A v1 formula read through the v2 endpoints: rollout rules become targeting rules with
    one condition each, percentage items a last rule with percentage options."""
    rules: list[dict[str, Any]] = []
    for rule in formula.get("rolloutRules") or []:
        condition: dict[str, Any] = {
            "userCondition": None,
            "segmentCondition": None,
            "prerequisiteFlagCondition": None,
        }
        if rule.get("segmentId"):
            condition["segmentCondition"] = {
                "segmentId": rule["segmentId"],
                "comparator": rule.get("segmentComparator") or "isIn",
            }
        else:
            comparator = rule.get("comparator") or "isOneOf"
            condition["userCondition"] = {
                "comparisonAttribute": rule.get("comparisonAttribute") or "Identifier",
                "comparator": _V1_TO_V2_COMPARATOR.get(comparator, comparator),
                "comparisonValue": _v1_comparison_value(comparator, rule.get("comparisonValue")),
            }
        rules.append(
            {
                "conditions": [condition],
                "percentageOptions": [],
                "value": value_model(setting_type, rule.get("value")),
            }
        )
    items = formula.get("rolloutPercentageItems") or []
    if items:
        rules.append(
            {
                "conditions": [],
                "value": None,
                "percentageOptions": [
                    {"percentage": i["percentage"], "value": value_model(setting_type, i["value"])}
                    for i in items
                ],
            }
        )
    return {
        "defaultValue": value_model(setting_type, formula.get("value")),
        "targetingRules": rules,
        "percentageEvaluationAttribute": None,
    }
