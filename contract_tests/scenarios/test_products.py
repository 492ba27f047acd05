"""Products: create, read, list, rename, preferences, delete; a delete takes what is inside."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi_client.models import (
    CreateProductRequest,
    CreateTagModel,
    KeyGenerationMode,
    UpdatePreferencesRequest,
    UpdateProductRequest,
)
from contract_tests.scenarios.support import environment_and_config, flag, unique


def test_product_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    name = unique("Shop")
    created = cc.products.create_product(
        UUID(organization_id), body=CreateProductRequest(name=name, description="d", order=2)
    )
    pid = created.product_id
    try:
        assert isinstance(pid, uuid.UUID)
        assert str(created.organization.organization_id) == organization_id
        assert cc.products.get_product(pid).name == name
        assert pid in [p.product_id for p in cc.products.get_products()]
        with pytest.raises(BadRequestError) as refused:  # names are unique ignoring case
            cc.products.create_product(
                UUID(organization_id), body=CreateProductRequest(name=name.upper())
            )
        assert refused.value.status_code == 400
        updated = cc.products.update_product(
            pid, body=UpdateProductRequest(name=name + "2", description=None)
        )
        assert updated.name == name + "2"
        assert updated.description == "d", "null leaves a field unchanged"
        assert cc.products.get_product_preferences(pid).reason_required is False
        prefs = cc.products.update_product_preferences(
            pid,
            body=UpdatePreferencesRequest(
                reason_required=True, key_generation_mode=KeyGenerationMode.KEBABCASE
            ),
        )
        assert prefs.reason_required is True
        assert prefs.key_generation_mode == KeyGenerationMode.KEBABCASE
        assert cc.products.get_product(pid).reason_required is True
    finally:
        assert cc.products.delete_product(pid) is None
    with pytest.raises(NotFoundError):
        cc.products.get_product(pid)
    assert cc.products.delete_product.raw(pid).status_code == 404


def test_deleting_a_product_deletes_what_is_in_it(
    cc: ConfigCatClient, organization_id: str
) -> None:
    product = cc.products.create_product(
        UUID(organization_id), body=CreateProductRequest(name=unique("Cascade"))
    )
    pid = product.product_id
    env, config = environment_and_config(cc, pid)
    sid = flag(cc, config.config_id, "f")
    tag = cc.tags.create_tag(pid, body=CreateTagModel(name="t"))
    cc.products.delete_product(pid)
    for gone in (
        cc.environments.get_environment.raw(env.environment_id),
        cc.configs.get_config.raw(config.config_id),
        cc.settings.get_setting.raw(sid),
        cc.tags.get_tag.raw(tag.tag_id),
    ):
        assert gone.status_code == 404, gone
