"""The pinned spec as a schemathesis schema bound to a target."""

from __future__ import annotations

import functools
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.schemas import OpenApiSchema

from contract_tests import decisions
from contract_tests.safety import allowed
from contract_tests.targets import (
    base_url_for,
    contract_seed,
    credentials,
    live_write,
    max_examples,
    shared_mock,
    target_name,
)

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


def build_config(name: str, examples: int, username: str, password: str) -> SchemathesisConfig:
    data: dict[str, Any] = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    data["seed"] = contract_seed()
    data.setdefault("generation", {})["max-examples"] = examples
    data.setdefault("checks", {}).update(decisions.check_overrides())
    data["generation"].update(decisions.generation_overrides())
    for phase, settings in decisions.phase_overrides().items():
        data.setdefault("phases", {}).setdefault(phase, {}).update(settings)
    write = name == "live" and live_write()
    data.setdefault("operations", []).extend(decisions.operation_overrides(live_write=write))
    data["auth"] = {"openapi": {"Basic": {"username": username, "password": password}}}
    if name == "live":
        data["rate-limit"] = LIVE_RATE_LIMIT
        # no probing with methods a path does not declare: against a real account only the
        # methods the run is allowed to send go out
        data["checks"]["unsupported_method"] = {"enabled": False}
        data.setdefault("phases", {}).setdefault("coverage", {})["unexpected-methods"] = []
        if live_write():
            # identifiers are pointed at the sandbox, which only positive data keeps valid
            data["generation"]["mode"] = "positive"
    return SchemathesisConfig.from_dict(data)


@functools.cache
def root_schema() -> OpenApiSchema:
    """The amended pinned spec with this run's configuration, every operation in it."""
    name = target_name()
    username, password = credentials(name)
    config = build_config(name, max_examples(), username, password)
    doc = load_spec()
    decisions.amend_spec(doc)
    schema = schemathesis.openapi.from_dict(doc, config=config)
    # Bound before any operation is built: some checks send requests of their own
    # (``ignored_auth`` repeats a call without credentials) from these settings.
    schema.config.update(base_url=base_url_for(name))
    if name == "mock":
        schema.app = shared_mock().app
    return schema


@functools.cache
def collection_schema() -> BaseSchema:
    """The schema the property tests are parametrised with, built at collection time.

    The target itself is a session fixture: each case is sent with ``app=`` (in-process) or
    ``base_url=`` (a server) by the test.
    """
    name = target_name()
    write = live_write()
    only = re.compile(os.environ.get("CONTRACT_INCLUDE", "") or ".*")

    def left_out(ctx: Any) -> bool:
        op = ctx.operation
        if name == "live" and not allowed(op.method, op.path, write=write):
            return True
        return not only.search(f"{op.method.upper()} {op.path}")

    # One exclusion, not an inclusion: schemathesis ORs include filters, and a schema with
    # ``[[operations]]`` settings (see decisions.operation_overrides) already holds one that
    # takes every operation, so an include would let everything through.
    return root_schema().exclude(left_out)
