"""Integrations and integration links (Trello, Jira, Monday) on setting values."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest, NotFound
from configcat_mock.state import records as m
from configcat_mock.state.backend import Backend


def view(b: Backend, i: m.Integration) -> dict[str, Any]:
    return {
        "product": views.product(b, b.products[i.product_id]),
        "integrationId": i.integration_id,
        "name": i.name,
        "integrationType": i.integration_type,
        "parameters": i.parameters,
        "environmentIds": i.environment_ids,
        "configIds": i.config_ids,
    }


def _set(c: Call, i: m.Integration, body: dict[str, Any]) -> None:
    b = c.backend
    envs = {e.environment_id for e in b.environments.where(product_id=i.product_id)}
    configs = {x.config_id for x in b.configs.where(product_id=i.product_id)}
    for name, known in (("environmentIds", envs), ("configIds", configs)):
        for j, item in enumerate(body.get(name) or []):
            if item not in known:
                raise BadRequest(f"{name}[{j}]", "Not in this product.")
    i.name = body["name"]
    i.parameters = dict(body.get("parameters") or {})
    i.environment_ids = list(dict.fromkeys(body.get("environmentIds") or []))
    i.config_ids = list(dict.fromkeys(body.get("configIds") or []))


def _audit(c: Call, i: m.Integration, kind: str) -> None:
    product = c.backend.products[i.product_id]
    c.backend.audit(c.user, product.organization_id, product.product_id, kind, i.name)


@handles("get-integrations")
def get_integrations(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    rows = sorted(b.integrations.where(product_id=product.product_id), key=lambda i: i.name.lower())
    return {"integrations": [view(b, i) for i in rows]}


@handles("create-integration")
def create_integration(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    integration = m.Integration(b.new_uuid(), product.product_id, c.body["integrationType"], "")
    _set(c, integration, c.body)
    b.integrations.add(integration)
    _audit(c, integration, "integrationAdded")
    return view(b, integration)


@handles("get-integration")
def get_integration(c: Call) -> Any:
    return view(c.backend, c.backend.integration(c.path["integrationId"], c.user))


@handles("update-integration")
def update_integration(c: Call) -> Any:
    integration = c.backend.integration(c.path["integrationId"], c.user)
    _set(c, integration, c.body)
    _audit(c, integration, "integrationChanged")
    return view(c.backend, integration)


@handles("delete-integration")
def delete_integration(c: Call) -> Any:
    integration = c.backend.integration(c.path["integrationId"], c.user)
    c.backend.integrations.remove(integration.integration_id)
    _audit(c, integration, "integrationRemoved")
    return None


# -- links ------------------------------------------------------------------------------------


def _env_setting(c: Call) -> tuple[m.Environment, m.Setting]:
    b = c.backend
    env = b.environment(c.path["environmentId"], c.user)
    setting = b.setting(c.path["settingId"], c.user)
    if b.configs[setting.config_id].product_id != env.product_id:
        raise NotFound("setting")
    return env, setting


def _link(c: Call, link_type: str) -> Any:
    b = c.backend
    env, setting = _env_setting(c)
    body = c.body or {}
    key = c.path["key"]
    link = m.IntegrationLink(
        env.environment_id,
        setting.setting_id,
        link_type,
        key,
        body.get("description"),
        body.get("url"),
    )
    b.integration_links.add(link)
    product = b.products[env.product_id]
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "integrationLinkAdded",
        key,
        config_id=setting.config_id,
        environment_id=env.environment_id,
    )
    return {
        "key": key,
        "description": link.description,
        "integrationLinkType": link_type,
        "url": link.url,
    }


@handles("add-or-update-integration-link")
def add_or_update_integration_link(c: Call) -> Any:
    return _link(c, c.path["integrationLinkType"])


@handles("jira-add-or-update-integration-link")
def jira_add_or_update_integration_link(c: Call) -> Any:
    return _link(c, "jira")


@handles("delete-integration-link")
def delete_integration_link(c: Call) -> Any:
    b = c.backend
    env, setting = _env_setting(c)
    link_type, key = c.path["integrationLinkType"], c.path["key"]
    if b.integration_links.remove((env.environment_id, setting.setting_id, link_type, key)) is None:
        raise NotFound("integration link")
    product = b.products[env.product_id]
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "integrationLinkRemoved",
        key,
        config_id=setting.config_id,
        environment_id=env.environment_id,
    )
    remaining = [r for r in b.integration_links if r.link_type == link_type and r.key == key]
    return {"hasRemainingIntegrationLink": bool(remaining)}


@handles("get-integration-link-details")
def get_integration_link_details(c: Call) -> Any:
    b = c.backend
    orgs = b.org_ids(c.user)
    details = []
    for link in b.integration_links:
        if link.link_type != c.path["integrationLinkType"] or link.key != c.path["key"]:
            continue
        env = b.environments[link.environment_id]
        product = b.products[env.product_id]
        if product.organization_id not in orgs:
            continue
        setting = b.settings[link.setting_id]
        details.append(
            {
                "product": views.product(b, product),
                "config": views.config(b, b.configs[setting.config_id]),
                "environment": views.environment(b, env),
                "setting": views.setting_data(setting),
                "readOnly": False,
                "status": "linked",
            }
        )
    return {"details": details, "allIntegrationLinkCount": len(details)}


@handles("jira-connect")
def jira_connect(c: Call) -> Any:
    """Connecting Jira needs nothing stored here: the links carry what the mock serves."""
    return None
