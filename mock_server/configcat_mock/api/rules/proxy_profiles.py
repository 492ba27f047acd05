"""Which SDK keys a proxy profile selects: what its SDK-keys operation lists and what the proxy
profiles' config endpoint hands a ConfigCat Proxy."""

from __future__ import annotations

import fnmatch
from typing import Any

from configcat_mock.state import records
from configcat_mock.state.backend import Backend


def profile_pairs(
    backend: Backend, org_id: str
) -> list[tuple[records.Product, records.Config, records.Environment]]:
    """Every product, config and environment of an organization a profile may select."""
    out: list[Any] = []
    for product in backend.products.where(organization_id=org_id):
        envs = backend.environments.where(product_id=product.product_id)
        for config in backend.configs.where(product_id=product.product_id):
            out.extend((product, config, env) for env in envs)
    return out


def _rule_matches(
    rule: dict[str, Any],
    product: records.Product,
    config: records.Config,
    environment: records.Environment,
) -> bool:
    checks = (
        ("productIdFilter", product.product_id, False),
        ("configIdFilter", config.config_id, False),
        ("environmentIdFilter", environment.environment_id, False),
        ("productNameMatchFilter", product.name, True),
        ("configNameMatchFilter", config.name, True),
        ("environmentNameMatchFilter", environment.name, True),
    )
    for key, actual, pattern in checks:
        want = rule.get(key)
        if want is None:
            continue
        if pattern and not fnmatch.fnmatchcase(actual.lower(), str(want).lower()):
            return False
        if not pattern and actual != want:
            return False
    return True


def selected_sdk_keys(backend: Backend, profile: records.ProxyProfile) -> list[dict[str, Any]]:
    """The SDK keys a profile selects: its selection rules in order, then the explicit select
    and deselect calls on top (SDK keys are made for a pair that has none yet)."""
    chosen: dict[tuple[str, str], bool] = {}
    pairs = profile_pairs(backend, profile.organization_id)
    for rule in profile.selection_rules:
        for product, config, env in pairs:
            if _rule_matches(rule, product, config, env):
                chosen[(config.config_id, env.environment_id)] = rule.get("kind") == "include"
    for override in profile.sdk_keys:
        chosen[(override["configId"], override["environmentId"])] = bool(override["selected"])
    items = []
    for _, config, env in pairs:
        if chosen.get((config.config_id, env.environment_id)):
            key = backend.ensure_sdk_keys(config.config_id, env.environment_id)
            items.append(
                {
                    "primarySdkKey": key.primary,
                    "secondarySdkKey": key.secondary,
                    "sdkId": key.primary.rsplit("/", 1)[-1],
                    "configId": config.config_id,
                    "environmentId": env.environment_id,
                }
            )
    return items
