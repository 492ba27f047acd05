"""A user's script with one mistake per marked line: mypy --strict and pyright must each
report an error on every ``# error`` line and nowhere else."""

from __future__ import annotations

from uuid import UUID

from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import AuditLogType, UpdateSettingValueModel

PRODUCT = UUID("08d86d63-2726-47cd-8bfc-59608ecb91e2")


def sync_use(cc: ConfigCatClient) -> None:
    cc.settings.get_setting([1, 2])  # error: wrong argument type
    cc.settings.delete_setting(1, reasn="x")  # error: misspelt keyword
    cc.configs.get_configs()  # error: missing required argument
    product = cc.products.get_product(PRODUCT)
    print(product.nme)  # error: wrong model attribute
    cc.products.get_prodcut(PRODUCT)  # error: wrong method
    cc.prodcts.get_products()  # error: wrong namespace
    cc.audit_logs.get_auditlogs(PRODUCT, audit_log_type=AuditLogType.PRODUCTCREATD)  # error: enum
    cc.audit_logs.get_auditlogs(PRODUCT, audit_log_type="productCreated")  # error: str for enum
    cc.settings.create_setting(PRODUCT, body=UpdateSettingValueModel(value=True))  # error: body
    cc.products.get_products.paginate()  # error: not a paged operation
    cc.settings.get_setting("1")  # error: str for an int path value


async def async_use(cc: ConfigCatClient, acc: AsyncConfigCatClient) -> None:
    acc.products.get_product(PRODUCT)  # error: forgotten await
    async for item in cc.audit_logs.get_auditlogs_v2.paginate(PRODUCT):  # error: sync page
        print(item)
    print((await acc.configs.get_config(PRODUCT)).nmae)  # error: wrong model attribute


async def workflow_mistakes(cc: ConfigCatClient, acc: AsyncConfigCatClient) -> None:
    wf.apply(acc, {}, PRODUCT)  # error: async client to a sync workflow
    await wf.async_export(cc, PRODUCT)  # error: sync client to an async workflow
    print(wf.async_plan(acc, {}, PRODUCT).changes)  # error: forgotten await
