"""A user's script without mistakes: mypy --strict and pyright (strict) report nothing, and
``assert_type`` pins what each call returns, sync and async."""

# pyright: strict

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, assert_type
from uuid import UUID

from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient, RawResponse
from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import (
    AuditLogItemModel,
    AuditLogType,
    ConfigModel,
    ProductModel,
    SettingFormulaModel,
    SettingModel,
    SettingValueModel,
    UpdateSettingValueModel,
)

PRODUCT = UUID("08d86d63-2726-47cd-8bfc-59608ecb91e2")
SDK_KEY = "configcat-sdk-1/AbCdEfGhIjKlMnOpQrStUv/0123456789abcdefghij_-"


def sync_use(cc: ConfigCatClient) -> None:
    assert_type(cc.products.get_product(PRODUCT), ProductModel)
    assert_type(cc.settings.get_settings(PRODUCT), list[SettingModel])
    assert_type(cc.flags.get_settings(PRODUCT), list[SettingModel])
    assert_type(cc.settings.delete_setting(1), None)
    assert_type(cc.products.get_product.raw(PRODUCT), RawResponse)
    pages = cc.audit_logs.get_auditlogs_v2.paginate(PRODUCT, page_size=50)
    assert_type(pages, Iterator[AuditLogItemModel])
    assert_type(cc.paginate(cc.audit_logs.get_auditlogs_v2, PRODUCT), Iterator[AuditLogItemModel])
    logs = cc.audit_logs.get_auditlogs(PRODUCT, audit_log_type=AuditLogType.PRODUCTCREATED)
    assert_type(logs, list[AuditLogItemModel])
    body = UpdateSettingValueModel(value=True)
    value = cc.setting_values.replace_setting_value(PRODUCT, 5, body=body, reason="launch")
    assert_type(value, SettingValueModel)
    assert_type(cc.for_sdk_key(SDK_KEY).get_value("flag"), SettingValueModel)
    assert_type(cc.with_options(timeout=1.0, reason=None), ConfigCatClient)


async def async_use(acc: AsyncConfigCatClient) -> None:
    assert_type(await acc.configs.get_config(PRODUCT), ConfigModel)
    assert_type(await acc.products.get_product.raw(PRODUCT), RawResponse)
    pages = acc.audit_logs.get_auditlogs_v2.paginate(PRODUCT)
    assert_type(pages, AsyncIterator[AuditLogItemModel])
    async for item in pages:
        assert_type(item, AuditLogItemModel)
    assert_type(await acc.for_sdk_key(SDK_KEY).get_value_v2("flag"), SettingFormulaModel)
    assert_type(acc.with_options(max_retries=0), AsyncConfigCatClient)


def workflow_use(cc: ConfigCatClient) -> None:
    doc = wf.export(cc, PRODUCT, configs=["Main"])
    the_plan = wf.plan(cc, wf.check_document(doc), PRODUCT)
    assert_type(the_plan, wf.Plan)
    for change in the_plan.changes:
        assert_type(change.describe(), str)
    assert_type(wf.apply(cc, doc, PRODUCT, reason="restore"), wf.ApplyResult)
    bulk = wf.bulk_set(cc, PRODUCT, wf.TOGGLE, environments=["Production"], keys=["is*"])
    assert_type(bulk.changed, list[wf.Change])
    assert_type(wf.diff_environments(doc, "Production", "Staging"), list[wf.ValueDiff])


async def async_workflow_use(acc: AsyncConfigCatClient) -> None:
    doc = await wf.async_export(acc, PRODUCT)
    assert_type(doc, dict[str, Any])
    assert_type(await wf.async_plan(acc, doc, PRODUCT), wf.Plan)
    assert_type(await wf.async_apply(acc, doc, PRODUCT, reason="copy"), wf.ApplyResult)
    _, done = await wf.async_promote(acc, PRODUCT, "Staging", "Production", dry_run=True)
    assert_type(done, wf.ApplyResult | None)
