"""Integrations and integration links (Trello, Jira, Monday) on setting values."""

from __future__ import annotations

from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest, NotFound
from configcat_mock.state import records
from configcat_mock.state.backend import Backend


def view(backend: Backend, integration: records.Integration) -> dict[str, Any]:
    return {
        "product": views.product(backend, backend.products[integration.product_id]),
        "integrationId": integration.integration_id,
        "name": integration.name,
        "integrationType": integration.integration_type,
        "parameters": integration.parameters,
        "environmentIds": integration.environment_ids,
        "configIds": integration.config_ids,
    }


def _set(call: Call, integration: records.Integration, body: dict[str, Any]) -> None:
    backend = call.backend
    envs = {e.environment_id for e in backend.environments.where(product_id=integration.product_id)}
    configs = {x.config_id for x in backend.configs.where(product_id=integration.product_id)}
    for name, known in (("environmentIds", envs), ("configIds", configs)):
        for j, item in enumerate(body.get(name) or []):
            if item not in known:
                raise BadRequest(f"{name}[{j}]", "Not in this product.")
    integration.name = body["name"]
    integration.parameters = dict(body.get("parameters") or {})
    integration.environment_ids = list(dict.fromkeys(body.get("environmentIds") or []))
    integration.config_ids = list(dict.fromkeys(body.get("configIds") or []))


def _audit(call: Call, integration: records.Integration, kind: str) -> None:
    product = call.backend.products[integration.product_id]
    call.backend.audit(
        call.user, product.organization_id, product.product_id, kind, integration.name
    )


@handles("get-integrations")
def get_integrations(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    rows = sorted(
        backend.integrations.where(product_id=product.product_id), key=lambda i: i.name.lower()
    )
    return {"integrations": [view(backend, i) for i in rows]}


@handles("create-integration")
def create_integration(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    integration = records.Integration(
        backend.new_uuid(), product.product_id, call.body["integrationType"], ""
    )
    _set(call, integration, call.body)
    backend.integrations.add(integration)
    _audit(call, integration, "integrationAdded")
    return view(backend, integration)


@handles("get-integration")
def get_integration(call: Call) -> Any:
    return view(call.backend, call.backend.integration(call.path["integrationId"], call.user))


@handles("update-integration")
def update_integration(call: Call) -> Any:
    integration = call.backend.integration(call.path["integrationId"], call.user)
    _set(call, integration, call.body)
    _audit(call, integration, "integrationChanged")
    return view(call.backend, integration)


@handles("delete-integration")
def delete_integration(call: Call) -> Any:
    integration = call.backend.integration(call.path["integrationId"], call.user)
    call.backend.integrations.remove(integration.integration_id)
    _audit(call, integration, "integrationRemoved")
    return None


# -- links ------------------------------------------------------------------------------------


def _env_setting(call: Call) -> tuple[records.Environment, records.Setting]:
    backend = call.backend
    env = backend.environment(call.path["environmentId"], call.user)
    setting = backend.setting(call.path["settingId"], call.user)
    if backend.configs[setting.config_id].product_id != env.product_id:
        raise NotFound("setting")
    return env, setting


def _link(call: Call, link_type: str) -> Any:
    backend = call.backend
    env, setting = _env_setting(call)
    body = call.body or {}
    key = call.path["key"]
    link = records.IntegrationLink(
        env.environment_id,
        setting.setting_id,
        link_type,
        key,
        body.get("description"),
        body.get("url"),
    )
    backend.integration_links.add(link)
    product = backend.products[env.product_id]
    backend.audit(
        call.user,
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
def add_or_update_integration_link(call: Call) -> Any:
    return _link(call, call.path["integrationLinkType"])


@handles("jira-add-or-update-integration-link")
def jira_add_or_update_integration_link(call: Call) -> Any:
    return _link(call, "jira")


@handles("delete-integration-link")
def delete_integration_link(call: Call) -> Any:
    backend = call.backend
    env, setting = _env_setting(call)
    link_type, key = call.path["integrationLinkType"], call.path["key"]
    if (
        backend.integration_links.remove((env.environment_id, setting.setting_id, link_type, key))
        is None
    ):
        raise NotFound("integration link")
    product = backend.products[env.product_id]
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "integrationLinkRemoved",
        key,
        config_id=setting.config_id,
        environment_id=env.environment_id,
    )
    remaining = [r for r in backend.integration_links if r.link_type == link_type and r.key == key]
    return {"hasRemainingIntegrationLink": bool(remaining)}


@handles("get-integration-link-details")
def get_integration_link_details(call: Call) -> Any:
    backend = call.backend
    orgs = backend.org_ids(call.user)
    details = []
    for link in backend.integration_links:
        if link.link_type != call.path["integrationLinkType"] or link.key != call.path["key"]:
            continue
        env = backend.environments[link.environment_id]
        product = backend.products[env.product_id]
        if product.organization_id not in orgs:
            continue
        setting = backend.settings[link.setting_id]
        details.append(
            {
                "product": views.product(backend, product),
                "config": views.config(backend, backend.configs[setting.config_id]),
                "environment": views.environment(backend, env),
                "setting": views.setting_data(setting),
                "readOnly": False,
                "status": "linked",
            }
        )
    return {"details": details, "allIntegrationLinkCount": len(details)}


@handles("jira-connect")
def jira_connect(call: Call) -> Any:
    """Connecting Jira needs nothing stored here: the links carry what the mock serves."""
    return None
