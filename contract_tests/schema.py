"""The pinned spec as a schemathesis schema bound to a target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import schemathesis
import tomllib
from schemathesis.config import SchemathesisConfig

from contract_tests import decisions
from contract_tests.safety import allowed
from contract_tests.targets import Target

HERE = Path(__file__).resolve().parent
SPEC = HERE.parent / "spec" / "swagger.json"
CONFIG = HERE / "schemathesis.toml"
#: Live runs stay under the service's limits (20/s and 500/min per endpoint): one request
#: every 125 ms is at most 480 a minute to any single endpoint.
LIVE_RATE_LIMIT = "8/s"


def load_spec(path: Path = SPEC) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make spec` (make contract does it)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def build_config(target: Target, examples: int) -> SchemathesisConfig:
    data: dict[str, Any] = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    data.setdefault("generation", {})["max-examples"] = examples
    data.setdefault("checks", {}).update(decisions.check_overrides())
    data["auth"] = {
        "openapi": {"Basic": {"username": target.username, "password": target.password}}
    }
    if target.app is None:
        data["base-url"] = target.base_url
    if target.is_live:
        data["rate-limit"] = LIVE_RATE_LIMIT
        if target.write:
            # identifiers are pointed at the sandbox, which only positive data keeps valid
            data["generation"]["mode"] = "positive"
    return SchemathesisConfig.from_dict(data)


def bind(doc: dict[str, Any], target: Target, examples: int) -> Any:
    """A schemathesis schema for ``doc`` that sends its requests to ``target``."""
    schema = schemathesis.openapi.from_dict(doc, config=build_config(target, examples))
    if target.app is not None:
        schema.app = target.app
        schema.base_url = "http://mock"
    if target.is_live:
        schema = schema.include(
            lambda ctx: allowed(ctx.operation.method, ctx.operation.path, write=target.write)
        )
    return schema
