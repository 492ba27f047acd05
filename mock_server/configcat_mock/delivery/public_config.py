"""Build the public (client-side) config document of a config+environment.

Shape: ``{appId, env, version, doc: {flags: {key: {type, value}}, overrides: {}, rules: {}},
ttlSeconds}``. ``appId`` is the config id, ``env`` the environment name. Only client-enabled
flags are listed: a flag is client-enabled when it carries a tag named ``client`` (compared
ignoring case); every other flag is server-only and never appears here. Each flag serves its
default value in the environment (targeting needs a user, which a public document has none
of). Types: ``bool``; ``number`` (int and double settings); ``json`` for a text setting whose
value parses as a JSON object or array (the value is served parsed); ``string`` otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from configcat_mock.delivery.config_v6 import default_value
from configcat_mock.delivery.sources import ConfigSource, FlagSource

CLIENT_TAG = "client"
DEFAULT_TTL_SECONDS = 60


def is_client_enabled(flag: FlagSource) -> bool:
    return any(tag.lower() == CLIENT_TAG for tag in flag.tags)


def typed_flag(flag: FlagSource, evaluation_version: str) -> dict[str, Any]:
    """``{"type": ..., "value": ...}`` of one flag."""
    try:
        value = default_value(flag, evaluation_version)
    except (AttributeError, TypeError, ValueError):  # not in the spec's shape: the zero value
        value = default_value(attrs.evolve(flag, formula=None), evaluation_version)
    if flag.setting_type == "boolean":
        return {"type": "bool", "value": bool(value)}
    if flag.setting_type in ("int", "double"):
        return {"type": "number", "value": value}
    text = str(value)
    if text.lstrip()[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict | list):
            return {"type": "json", "value": parsed}
    return {"type": "string", "value": text}


def build_doc(source: ConfigSource) -> dict[str, Any]:
    """The ``doc`` part: client-enabled flags only."""
    flags = sorted(source.flags, key=lambda f: (f.order, f.key.lower()))
    return {
        "flags": {
            f.key: typed_flag(f, source.evaluation_version) for f in flags if is_client_enabled(f)
        },
        "overrides": {},
        "rules": {},
    }


def build_public_config(
    source: ConfigSource, doc: dict[str, Any], version: int, ttl_seconds: int
) -> dict[str, Any]:
    return {
        "appId": source.config_id,
        "env": source.environment_name,
        "version": version,
        "doc": doc,
        "ttlSeconds": ttl_seconds,
    }
