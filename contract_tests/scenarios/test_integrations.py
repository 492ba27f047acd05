"""Integrations (their configs and environments checked) and integration links on a flag."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi_client.models import (
    AddOrUpdateIntegrationLinkModel,
    CreateIntegrationModel,
    IntegrationLinkType,
    ModifyIntegrationRequest,
)
from contract_tests.scenarios.support import flag, sandbox_config, unique


def test_integration_lifecycle(cc: ConfigCatClient, organization_id: str) -> None:
    with sandbox_config(cc, organization_id) as (pid, eid, cid):
        body: dict[str, Any] = {
            "integrationType": "slack",
            "name": "Alerts",
            "parameters": {"incoming_webhook.url": "u"},
            "environmentIds": [str(eid)],
            "configIds": [str(cid)],
        }
        integration = cc.integrations.create_integration(
            pid, body=CreateIntegrationModel.from_dict(body)
        )
        iid = integration.integration_id
        assert isinstance(iid, uuid.UUID)
        unknown_config = CreateIntegrationModel.from_dict(
            {**body, "configIds": [str(uuid.uuid4())]}
        )
        with pytest.raises(BadRequestError):
            cc.integrations.create_integration(pid, body=unknown_config)
        assert [i.integration_id for i in cc.integrations.get_integrations(pid).integrations] == [
            iid
        ]
        got = cc.integrations.update_integration(
            iid,
            body=ModifyIntegrationRequest.from_dict(
                {"name": "Ops", "parameters": {}, "environmentIds": [], "configIds": []}
            ),
        )
        assert (got.name, got.environment_ids) == ("Ops", [])
        assert cc.integrations.get_integration(iid).name == "Ops"
        cc.integrations.delete_integration(iid)
        with pytest.raises(NotFoundError):
            cc.integrations.get_integration(iid)


def test_integration_links(cc: ConfigCatClient, organization_id: str) -> None:
    links = cc.integration_links
    trello = IntegrationLinkType.TRELLO
    with sandbox_config(cc, organization_id) as (_, eid, cid):
        sid = flag(cc, cid, "f")
        key = unique("CARD")
        link = links.add_or_update_integration_link(
            eid,
            sid,
            trello,
            key,
            body=AddOrUpdateIntegrationLinkModel(description="card", url="https://trello.com/c/1"),
        )
        assert (link.key, link.integration_link_type) == (key, trello)
        value = cc.setting_values.get_setting_value(eid, sid)
        assert [x.key for x in value.integration_links] == [key]
        assert links.get_integration_link_details(trello, key).all_integration_link_count == 1
        removed = links.delete_integration_link(eid, sid, trello, key)
        assert removed.has_remaining_integration_link is False
        with pytest.raises(NotFoundError):
            links.delete_integration_link(eid, sid, trello, key)
