"""The product the console examples work on, made through the client on a served fake."""

from __future__ import annotations

from configcat_publicapi import ConfigCatClient
from configcat_publicapi.patch import SettingPatch, SettingValueV2Patch
from configcat_publicapi_client.models import (
    CreateConfigRequest,
    CreateEnvironmentModel,
    CreateProductRequest,
    CreateSettingInitialValues,
    CreateTagModel,
    EvaluationVersion,
    SettingType,
)


def make_shop(host: str) -> tuple[str, str]:
    """Make "Shop" (config Main; Staging and Production; the flags checkoutEnabled,
    discount and oldBanner, two tagged "legacy", on in Staging) and an empty "Copy"; return
    their product ids. The flags guide's examples name these."""
    # the served fake limits no rate, so the client spaces no request either
    with ConfigCatClient("demo", "demo", base_url=host, rate_limit=None) as cc:
        organization = cc.organizations.get_organizations()[0].organization_id
        shop = cc.products.create_product(organization, body=CreateProductRequest(name="Shop"))
        copy = cc.products.create_product(organization, body=CreateProductRequest(name="Copy"))
        config = cc.configs.create_config(
            shop.product_id,
            body=CreateConfigRequest(name="Main", evaluation_version=EvaluationVersion.V2),
        )
        environments = [
            cc.environments.create_environment(
                shop.product_id, body=CreateEnvironmentModel(name=name)
            )
            for name in ("Staging", "Production")
        ]
        legacy = cc.tags.create_tag(shop.product_id, body=CreateTagModel(name="legacy"))
        flags = (  # key, name, type, tagged "legacy", value in Staging
            ("checkoutEnabled", "Checkout", SettingType.BOOLEAN, True, True),
            ("discount", "Discount", SettingType.INT, False, 10),
            ("oldBanner", "Old banner", SettingType.BOOLEAN, True, True),
        )
        for key, name, setting_type, tagged, staging in flags:
            flag = cc.settings.create_setting(
                config.config_id,
                body=CreateSettingInitialValues(key=key, name=name, setting_type=setting_type),
            )
            if tagged:
                cc.settings.update_setting(
                    flag.setting_id, body=SettingPatch().add_tag(legacy.tag_id).build()
                )
            cc.setting_values_v2.update_setting_value_v2(
                environments[0].environment_id,
                flag.setting_id,
                body=SettingValueV2Patch().default_value(staging).build(),
            )
        return str(shop.product_id), str(copy.product_id)
