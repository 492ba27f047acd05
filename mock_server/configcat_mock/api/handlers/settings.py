"""Feature flags / settings, predefined variations and deleted settings."""

from __future__ import annotations

import copy
from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.formulas import V2_FIELD, default_formula, new_value, value_model
from configcat_mock.api.handlers._common import (
    SETTING_KEY,
    apply_patch,
    check_value,
    require_name,
)
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest
from configcat_mock.state import records
from configcat_mock.state.backend import Backend, utcnow

MAX_PREDEFINED_VARIATIONS = 25


def _check_key(backend: Backend, config_id: str, key: Any) -> str:
    if not isinstance(key, str) or not SETTING_KEY.fullmatch(key):
        raise BadRequest(
            "key", "The key must start with a letter and contain only letters, digits, '-' and '_'."
        )
    if len(key) > 255:
        raise BadRequest("key", "The key must be at most 255 characters long.")
    folded = key.casefold()
    if backend.settings.first("config_key", (config_id, folded)) is not None:
        raise BadRequest("key", f"The key '{key}' is already in use in this config.")
    return key


def _check_tags(backend: Backend, product_id: str, tags: Any) -> list[int]:
    out: list[int] = []
    for tag_id in tags or []:
        tag = backend.tags.get(tag_id)
        if tag is None or tag.product_id != product_id:
            raise BadRequest("tags", f"The tag {tag_id} does not exist in this product.")
        if tag_id not in out:
            out.append(tag_id)
    return out


def _variations(
    backend: Backend, setting_type: str, raw: Any, current: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    items = list(raw or [])
    if len(items) > MAX_PREDEFINED_VARIATIONS:
        raise BadRequest(
            "predefinedVariations", f"At most {MAX_PREDEFINED_VARIATIONS} are allowed."
        )
    known = {v["predefinedVariationId"] for v in current}
    want = V2_FIELD[setting_type]
    out = []
    for i, item in enumerate(items):
        value = (item.get("value") or {}).get(want)
        if value is None:
            raise BadRequest(f"predefinedVariations[{i}].value.{want}", "A value is required.")
        check_value(setting_type, value, f"predefinedVariations[{i}].value.{want}")
        vid = item.get("predefinedVariationId")
        if vid is not None and vid not in known:
            raise BadRequest(f"predefinedVariations[{i}].predefinedVariationId", "Unknown id.")
        model = value_model(setting_type, value)
        del model["predefinedVariationId"]
        out.append(
            {
                "value": model,
                "name": item.get("name"),
                "hint": item.get("hint"),
                "predefinedVariationId": vid or backend.new_uuid(),
            }
        )
    return out


@handles("get-settings")
def get_settings(call: Call) -> Any:
    backend = call.backend
    config = backend.config(call.path["configId"], call.user)
    rows = backend.settings.where(config_id=config.config_id)
    return [views.setting(backend, s) for s in views.ordered(rows)]


@handles("create-setting")
def create_setting(call: Call) -> Any:
    backend = call.backend
    config = backend.config(call.path["configId"], call.user)
    body = call.body
    key = _check_key(backend, config.config_id, body.get("key"))
    setting_type = body["settingType"]
    envs = backend.environments.where(product_id=config.product_id)
    env_ids = {e.environment_id for e in envs}
    initial: dict[str, Any] = {}
    for i, item in enumerate(body.get("initialValues") or []):
        value = check_value(setting_type, item.get("value"), f"initialValues[{i}].value")
        env_id = item.get("environmentId")
        if env_id is None:
            initial.update({e: value for e in env_ids if e not in initial})
        elif env_id not in env_ids:
            raise BadRequest(f"initialValues[{i}].environmentId", "Unknown environment.")
        else:
            initial[env_id] = value
    source = None
    if body.get("settingIdToInitFrom") is not None:
        source = backend.settings.get(body["settingIdToInitFrom"])
        src_config = backend.configs.get(source.config_id) if source else None
        if (
            source is None
            or src_config is None
            or src_config.product_id != config.product_id
            or source.setting_type != setting_type
        ):
            raise BadRequest("settingIdToInitFrom", "No setting of the same type in this product.")
    setting = records.Setting(
        setting_id=backend.next_id("setting"),
        config_id=config.config_id,
        key=key,
        name=require_name(body.get("name")),
        setting_type=setting_type,
        hint=body.get("hint"),
        order=body.get("order") or 0,
        is_json=bool(body.get("isJson")),
        created_at=utcnow(),
        creator_email=call.user.email,
        creator_full_name=call.user.full_name,
        tag_ids=_check_tags(backend, config.product_id, body.get("tags")),
    )
    setting.predefined_variations = _variations(
        backend, setting_type, body.get("predefinedVariations"), []
    )
    backend.settings.add(setting)
    for env in envs:
        formula = default_formula(
            config.evaluation_version, setting_type, initial.get(env.environment_id)
        )
        if source is not None and env.environment_id not in initial:
            copied = backend.setting_values.get((source.setting_id, env.environment_id))
            src_version = backend.configs[source.config_id].evaluation_version
            if copied is not None and src_version == config.evaluation_version:
                formula = copy.deepcopy(copied.formula)
        new_value(backend, setting, env.environment_id, formula)
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "settingCreated",
        key,
        config_id=config.config_id,
    )
    return views.setting(backend, setting)


@handles("get-setting")
def get_setting(call: Call) -> Any:
    return views.setting(call.backend, call.backend.setting(call.path["settingId"], call.user))


def _apply(call: Call, setting: records.Setting, body: dict[str, Any]) -> Any:
    backend = call.backend
    config = backend.configs[setting.config_id]
    setting.name = require_name(body.get("name"))
    setting.hint = body.get("hint")
    setting.order = body.get("order") or 0
    setting.is_json = bool(body.get("isJson"))
    if "tags" in body:
        setting.tag_ids = _check_tags(backend, config.product_id, body.get("tags"))
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "settingChanged",
        setting.key,
        config_id=config.config_id,
    )
    return views.setting(backend, setting)


@handles("replace-setting")
def replace_setting(call: Call) -> Any:
    setting = call.backend.setting(call.path["settingId"], call.user)
    return _apply(call, setting, call.body)


@handles("update-setting")
def update_setting(call: Call) -> Any:
    backend = call.backend
    setting = backend.setting(call.path["settingId"], call.user)
    document = {
        "name": setting.name,
        "hint": setting.hint,
        "tags": list(setting.tag_ids),
        "order": setting.order,
        "isJson": setting.is_json,
    }
    patched = apply_patch(document, call.body)
    call.validate_as("ReplaceSettingModel", patched)
    return _apply(call, setting, patched)


@handles("delete-setting")
def delete_setting(call: Call) -> Any:
    backend = call.backend
    setting = backend.setting(call.path["settingId"], call.user)
    config = backend.configs[setting.config_id]
    if backend.setting_values.first("prerequisite", setting.setting_id) is not None:
        raise BadRequest("settingId", "The setting is a prerequisite of another flag.")
    backend.delete_setting(setting)
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "settingDeleted",
        setting.key,
        config_id=config.config_id,
    )
    return None


@handles("get-deleted-settings")
def get_deleted_settings(call: Call) -> Any:
    backend = call.backend
    config = backend.config(call.path["configId"], call.user)
    return [
        {"key": d.key, "name": d.name, "hint": d.hint, "settingType": d.setting_type}
        for d in backend.deleted_settings.where(config_id=config.config_id)
    ]


def _usages(backend: Backend, setting: records.Setting, variation_id: str) -> list[dict[str, Any]]:
    out = []
    for value in backend.setting_values.where(setting_id=setting.setting_id):
        text = repr(value.formula)
        if variation_id in text:
            out.append({"settingId": setting.setting_id, "environmentId": value.environment_id})
    return out


@handles("get-predefined-variations")
def get_predefined_variations(call: Call) -> Any:
    backend = call.backend
    setting = backend.setting(call.path["settingId"], call.user)
    config = backend.configs[setting.config_id]
    envs = views.ordered(backend.environments.where(product_id=config.product_id))
    return {
        "settingKey": setting.key,
        "settingType": setting.setting_type,
        "predefinedVariations": [
            {**v, "usages": _usages(backend, setting, v["predefinedVariationId"])}
            for v in setting.predefined_variations
        ],
        "environments": [
            {"environmentId": e.environment_id, "name": e.name, "accessType": "full"} for e in envs
        ],
        "maxPredefinedVariations": MAX_PREDEFINED_VARIATIONS,
    }


@handles("update-predefined-variations")
def update_predefined_variations(call: Call) -> Any:
    backend = call.backend
    setting = backend.setting(call.path["settingId"], call.user)
    new = _variations(
        backend,
        setting.setting_type,
        call.body.get("predefinedVariations"),
        setting.predefined_variations,
    )
    kept = {v["predefinedVariationId"] for v in new}
    for variation in setting.predefined_variations:
        if variation["predefinedVariationId"] not in kept and _usages(
            backend, setting, variation["predefinedVariationId"]
        ):
            raise BadRequest("predefinedVariations", "A removed variation is still served.")
    setting.predefined_variations = new
    config = backend.configs[setting.config_id]
    product = backend.products[config.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "predefinedVariationsChanged",
        setting.key,
        config_id=config.config_id,
    )
    return {"predefinedVariations": new, "maxPredefinedVariations": MAX_PREDEFINED_VARIATIONS}
