"""Which SDK keys a proxy profile selects: what its SDK-keys operation lists and what the proxy
profiles' config endpoint hands a ConfigCat Proxy."""

from __future__ import annotations

import fnmatch
from typing import Any

from configcat_mock import models as m
from configcat_mock.backend import Backend


def profile_pairs(b: Backend, org_id: str) -> list[tuple[m.Product, m.Config, m.Environment]]:
    """Every product, config and environment of an organization a profile may select."""
    out: list[Any] = []
    for product in b.products.where(organization_id=org_id):
        envs = b.environments.where(product_id=product.product_id)
        for config in b.configs.where(product_id=product.product_id):
            out.extend((product, config, env) for env in envs)
    return out


def _rule_matches(rule: dict[str, Any], p: m.Product, c: m.Config, e: m.Environment) -> bool:
    checks = (
        ("productIdFilter", p.product_id, False),
        ("configIdFilter", c.config_id, False),
        ("environmentIdFilter", e.environment_id, False),
        ("productNameMatchFilter", p.name, True),
        ("configNameMatchFilter", c.name, True),
        ("environmentNameMatchFilter", e.name, True),
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


def selected_sdk_keys(b: Backend, profile: m.ProxyProfile) -> list[dict[str, Any]]:
    """The SDK keys a profile selects: its selection rules in order, then the explicit select
    and deselect calls on top (SDK keys are made for a pair that has none yet)."""
    chosen: dict[tuple[str, str], bool] = {}
    pairs = profile_pairs(b, profile.organization_id)
    for rule in profile.selection_rules:
        for product, config, env in pairs:
            if _rule_matches(rule, product, config, env):
                chosen[(config.config_id, env.environment_id)] = rule.get("kind") == "include"
    for override in profile.sdk_keys:
        chosen[(override["configId"], override["environmentId"])] = bool(override["selected"])
    items = []
    for _, config, env in pairs:
        if chosen.get((config.config_id, env.environment_id)):
            key = b.ensure_sdk_keys(config.config_id, env.environment_id)
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
