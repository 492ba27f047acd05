"""Operation id -> handler: the one table that connects the spec's routes to the handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from configcat_mock.context import Call
from configcat_mock.handlers import (
    configs,
    environments,
    products,
    segments,
    settings,
    tags,
    values,
    webhooks,
)

Handler = Callable[[Call], Any]

HANDLERS: dict[str, Handler] = {
    # products
    "get-products": products.get_products,
    "create-product": products.create_product,
    "get-product": products.get_product,
    "update-product": products.update_product,
    "delete-product": products.delete_product,
    # environments
    "get-environments": environments.get_environments,
    "create-environment": environments.create_environment,
    "get-environment": environments.get_environment,
    "update-environment": environments.update_environment,
    "delete-environment": environments.delete_environment,
    # configs and SDK keys
    "get-configs": configs.get_configs,
    "create-config": configs.create_config,
    "get-config": configs.get_config,
    "update-config": configs.update_config,
    "delete-config": configs.delete_config,
    "get-sdk-keys": configs.get_sdk_keys,
    # settings
    "get-settings": settings.get_settings,
    "create-setting": settings.create_setting,
    "get-setting": settings.get_setting,
    "replace-setting": settings.replace_setting,
    "update-setting": settings.update_setting,
    "delete-setting": settings.delete_setting,
    "get-deleted-settings": settings.get_deleted_settings,
    "get-predefined-variations": settings.get_predefined_variations,
    "update-predefined-variations": settings.update_predefined_variations,
    # setting values v1
    "get-setting-value": values.get_setting_value,
    "replace-setting-value": values.replace_setting_value,
    "update-setting-value": values.update_setting_value,
    "get-setting-value-by-sdkkey": values.get_setting_value,
    "replace-setting-value-by-sdkkey": values.replace_setting_value,
    "update-setting-value-by-sdkkey": values.update_setting_value,
    "get-setting-values": values.get_setting_values,
    "post-setting-values": values.post_setting_values,
    # setting values v2
    "get-setting-value-v2": values.get_setting_value_v2,
    "replace-setting-value-v2": values.replace_setting_value_v2,
    "update-setting-value-v2": values.update_setting_value_v2,
    "get-setting-value-by-sdkkey-v2": values.get_setting_value_v2,
    "replace-setting-value-by-sdkkey-v2": values.replace_setting_value_v2,
    "update-setting-value-by-sdkkey-v2": values.update_setting_value_v2,
    "get-setting-values-v2": values.get_setting_values_v2,
    "post-setting-values-v2": values.post_setting_values_v2,
    # tags
    "get-tags": tags.get_tags,
    "create-tag": tags.create_tag,
    "get-tag": tags.get_tag,
    "update-tag": tags.update_tag,
    "delete-tag": tags.delete_tag,
    "get-settings-by-tag": tags.get_settings_by_tag,
    # segments
    "get-segments": segments.get_segments,
    "create-segment": segments.create_segment,
    "get-segment": segments.get_segment,
    "update-segment": segments.update_segment,
    "delete-segment": segments.delete_segment,
    # webhooks
    "get-webhooks": webhooks.get_webhooks,
    "create-webhook": webhooks.create_webhook,
    "get-webhook": webhooks.get_webhook,
    "replace-webhook": webhooks.replace_webhook,
    "update-webhook": webhooks.update_webhook,
    "delete-webhook": webhooks.delete_webhook,
    "get-webhook-signing-keys": webhooks.get_webhook_signing_keys,
}
