"""What the scenarios share: unique sandbox-style names, a throw-away product, the usual
environment + config + flag, and the list of every scenario.

The scenarios are plain pytest tests, one module per resource group
(``contract_tests/scenarios/test_<group>.py``), each a function of an overlay client and an
organization id. The unit tests of the mock import :func:`scenarios` (through
``contract_tests.public``) and run the very same functions in-process; the list is derived from
the modules, so there is nothing to keep.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client.models import (
    ConfigModel,
    CreateConfigRequest,
    CreateEnvironmentModel,
    CreateProductRequest,
    CreateSegmentModel,
    CreateSettingInitialValues,
    EnvironmentModel,
    EvaluationVersion,
    ProductModel,
    SegmentModel,
)
from contract_tests.safety import sandbox_name

SDK_KEY = re.compile(r"^configcat-sdk-1/[A-Za-z0-9_-]{22}/[A-Za-z0-9_-]{22}$")

#: A scenario: an overlay client and the id of an organization it may create products in.
Scenario = Callable[[ConfigCatClient, str], None]


def unique(prefix: str) -> str:
    """A unique name that the sandbox sweeper recognises if a live run dies half way."""
    return f"{sandbox_name()}-{prefix}-{uuid.uuid4().hex[:8]}"


@contextmanager
def sandbox_product(cc: ConfigCatClient, organization_id: str) -> Iterator[ProductModel]:
    """A product with a unique name for the block, deleted however the block ends."""
    product = cc.products.create_product(
        UUID(organization_id), body=CreateProductRequest(name=unique("sandbox"))
    )
    try:
        yield product
    finally:
        cc.products.delete_product(product.product_id)


def environment_and_config(
    cc: ConfigCatClient, product_id: Any, version: str = "v1"
) -> tuple[EnvironmentModel, ConfigModel]:
    """An environment "Production" and a config "Main" of evaluation ``version`` in a product."""
    env = cc.environments.create_environment(
        product_id, body=CreateEnvironmentModel(name="Production")
    )
    config = cc.configs.create_config(
        product_id,
        body=CreateConfigRequest(name="Main", evaluation_version=EvaluationVersion(version)),
    )
    return env, config


@contextmanager
def sandbox_config(
    cc: ConfigCatClient, organization_id: str, version: str = "v1"
) -> Iterator[tuple[UUID, UUID, UUID]]:
    """A throw-away product with an environment and a config of evaluation ``version``:
    the ids of the three."""
    with sandbox_product(cc, organization_id) as product:
        env, config = environment_and_config(cc, product.product_id, version)
        yield product.product_id, env.environment_id, config.config_id


def segment(
    cc: ConfigCatClient, product_id: Any, name: str, comparator: str, value: str
) -> SegmentModel:
    """A segment of the users whose Email ``comparator`` ``value``."""
    body = CreateSegmentModel.from_dict(
        {
            "name": name,
            "comparisonAttribute": "Email",
            "comparator": comparator,
            "comparisonValue": value,
        }
    )
    return cc.segments.create_segment(product_id, body=body)


def flag(cc: ConfigCatClient, config_id: Any, key: str, kind: str = "boolean", **extra: Any) -> int:
    """Create a setting ``key`` of ``kind`` (more fields as JSON in ``extra``); its id."""
    body = CreateSettingInitialValues.from_dict(
        {"key": key, "name": key.title(), "settingType": kind, **extra}
    )
    return cc.settings.create_setting(config_id, body=body).setting_id


def scenarios() -> dict[str, Scenario]:
    """Every scenario of ``contract_tests/scenarios``: ``{"module::test": function}``."""
    from contract_tests import scenarios as package

    found: dict[str, Scenario] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_") and fn.__module__ == module.__name__:
                found[f"{info.name}::{name}"] = fn
    return found
