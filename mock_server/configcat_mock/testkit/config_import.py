"""Import a ConfigCat config JSON (your production config, offline) into the fake.

Two inputs are accepted: a ``config_v6.json`` as the CDN serves it (``p``, ``f``, ``s``) and
the SDKs' simplified local flag-override file (``{"flags": {"key": value}}``). An import makes
a product of its own with one environment and one v2 config, through the fake's management
API (so it is visible and editable like any other config), then serves it under the given SDK
key (``configcat-mock serve --config-json FILE --sdk-key KEY``, :meth:`MockConfigCat.
import_config_json`).

The management API cannot express everything a config JSON holds: variation ids, the
config's salt and so the hashes of sensitive comparators, segments of several conditions,
targeting rules whose prerequisite flag is the flag itself, missing, or part of a cycle (see
:func:`unshowable_rules`; those rules are left out of the API's view).
So what SDKs download is the imported JSON itself, kept on the config (``Config.imported``):
the salt, the segments and each flag as it came, served verbatim while the flag's value keeps
the version it was imported with, and the segments while the product's segments are the
imported ones unchanged. A value changed through the management API is built from what the
API holds from then on: the variation ids of the fake, and a sensitive comparator's shown
hash hashed again (so it no longer matches what the original matched). The config's
description, each setting's hint and each segment's description say so in the API's answers.

Names: each import is a product (and a config) of its own, named ``name`` when one is given
(refused when another product of the organization has it). Without one, the name is the
file's name without its extension (``config_v6`` for ``prod/config_v6.json``), or
``Imported config`` for JSON text or a parsed document; when that name is taken, `` (2)``,
`` (3)``, ... is added, the lowest number that is free. So any number of imports work side by
side, and the names follow the order of the imports.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from configcat_mock.state import comparators as cmp
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

if TYPE_CHECKING:
    import httpx

    from configcat_mock.state.backend import Backend

_TYPES = {number: name for name, number in cmp.SETTING_TYPE_NUMBER.items()}
_VALUE_FIELDS = {"b": "boolValue", "s": "stringValue", "i": "intValue", "d": "doubleValue"}
_V1_NAMES = {number: name for name, number in cmp.ROLLOUT_RULE_COMPARATOR_NUMBER.items()}
_SEGMENT_COMPARATORS = {n: name for name, n in cmp.SEGMENT_COMPARATOR_NUMBER.items()}
_PREREQUISITE_COMPARATORS = {n: name for name, n in cmp.PREREQUISITE_COMPARATOR_NUMBER.items()}

CONFIG_NOTE = (
    "Imported from a config JSON. SDKs get the imported JSON as it came (its variation ids, "
    "salt and hashed comparison values) until a value is changed here; values of sensitive "
    "comparators are shown as the hashes the JSON holds."
)
SETTING_NOTE = (
    "Imported: served with its original variation ids{hashed} until its value is changed here."
)

HINT_LIMIT = 1000
"""The longest hint the management API takes."""


class ConfigImportError(ValueError):
    """The document is not a config JSON the fake can import."""


@attrs.frozen
class ImportedConfig:
    """Where an import went."""

    product_id: str
    config_id: str
    environment_id: str
    sdk_key: str
    base_url: str | None = None
    """Where SDKs download it, when it is served on a socket
    (:class:`~configcat_mock.testkit.flag_server.FlagServer`, the ``configcat_config_json``
    fixture)."""
    name: str = ""
    """The product's and the config's name (see the module docstring for the rule)."""


def read_config_json(source: str | os.PathLike[str] | Mapping[str, Any] | bytes) -> dict[str, Any]:
    """The config_v6 document of a file path, JSON text or parsed document: a flag-override
    file (``{"flags": {...}}``) becomes flags without rules and without variation ids."""
    if isinstance(source, Mapping):
        document: Any = dict(source)
    else:
        if isinstance(source, bytes):
            text = source.decode("utf-8")
        elif isinstance(source, str) and source.lstrip().startswith("{"):
            text = source
        else:
            text = Path(source).read_text(encoding="utf-8")
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise ConfigImportError(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ConfigImportError("a config JSON is an object")
    if "flags" in document and "f" not in document:
        flags = document["flags"]
        if not isinstance(flags, dict):
            raise ConfigImportError('"flags" must map keys to values')
        return {"f": {key: _override_flag(key, value) for key, value in flags.items()}}
    if not isinstance(document.get("f", {}), dict) or not isinstance(document.get("s", []), list):
        raise ConfigImportError('a config_v6 JSON has "f" (an object) and "s" (a list)')
    return document


def _override_flag(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"t": 0, "v": {"b": value}}
    if isinstance(value, int):
        return {"t": 2, "v": {"i": value}}
    if isinstance(value, float):
        return {"t": 3, "v": {"d": value}}
    if isinstance(value, str):
        return {"t": 1, "v": {"s": value}}
    raise ConfigImportError(f"flag {key!r}: a value is a bool, string, int or float")


# -- config_v6 -> management API models -------------------------------------------------------


def _value_model(served: Mapping[str, Any] | None) -> dict[str, Any]:
    served = served or {}
    for short, long in _VALUE_FIELDS.items():
        if short in served:
            return {long: served[short]}
    raise ConfigImportError(f"not a served value: {json.dumps(served)[:80]}")


def _comparison_value(condition: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"stringValue": None, "doubleValue": None, "listValue": None}
    if "l" in condition:
        out["listValue"] = [{"value": str(v), "hint": None} for v in condition["l"]]
    elif "d" in condition:
        out["doubleValue"] = condition["d"]
    else:
        out["stringValue"] = str(condition.get("s", ""))
    return out


class _Translation:
    """One config_v6 document's flags and segments in management API terms."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.setting_ids: dict[str, int] = {}
        self.segment_ids: list[str] = []
        self.hidden = unshowable_rules(document.get("f") or {})
        """Per flag key, the targeting rules (by index) left out of the API's view, and why."""

    def condition(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "userCondition": None,
            "segmentCondition": None,
            "prerequisiteFlagCondition": None,
        }
        if "u" in raw:
            u = raw["u"]
            out["userCondition"] = {
                "comparisonAttribute": u.get("a", ""),
                "comparator": cmp.USER_COMPARATORS[int(u["c"])],
                "comparisonValue": _comparison_value(u),
            }
        elif "s" in raw:
            s = raw["s"]
            out["segmentCondition"] = {
                "segmentId": self.segment_ids[int(s["s"])],
                "comparator": _SEGMENT_COMPARATORS[int(s.get("c", 0))],
            }
        elif "p" in raw:
            p = raw["p"]
            out["prerequisiteFlagCondition"] = {
                "prerequisiteSettingId": self.setting_ids[p["f"]],
                "comparator": _PREREQUISITE_COMPARATORS[int(p.get("c", 0))],
                "prerequisiteComparisonValue": _value_model(p.get("v")),
            }
        else:
            raise ConfigImportError(f"unknown condition {json.dumps(raw)[:80]}")
        return out

    @staticmethod
    def options(raw: Any) -> list[dict[str, Any]]:
        return [
            {"percentage": int(o.get("p", 0)), "value": _value_model(o.get("v"))} for o in raw or []
        ]

    def formula(self, key: str, flag: Mapping[str, Any]) -> dict[str, Any]:
        rules: list[dict[str, Any]] = []
        hidden = self.hidden.get(key, {})
        for index, rule in enumerate(flag.get("r") or []):
            if index in hidden:
                continue
            conditions = [self.condition(c) for c in rule.get("c") or []]
            if "p" in rule:
                rules.append(
                    {"conditions": conditions, "percentageOptions": self.options(rule["p"])}
                )
            else:
                value = _value_model((rule.get("s") or {}).get("v"))
                rules.append({"conditions": conditions, "percentageOptions": [], "value": value})
        if flag.get("p"):  # the flag's own options: a rule without conditions in the API
            rules.append({"conditions": [], "percentageOptions": self.options(flag["p"])})
        return {
            "defaultValue": _value_model(flag.get("v")),
            "targetingRules": rules,
            "percentageEvaluationAttribute": flag.get("a"),
        }


def unshowable_rules(flags: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """The targeting rules the management API cannot hold, per flag key and rule index, with
    why: a prerequisite flag condition on the flag itself, on a flag the config does not
    have, or closing a cycle of prerequisites. ConfigCat's SDKs ship such configs to test
    their cycle detection; the fake serves them as they came and leaves these rules out of
    the API's view (the setting's hint names them)."""

    def prerequisites(key: str) -> list[str]:
        flag = flags.get(key)
        if not isinstance(flag, Mapping):
            return []
        return [
            str(condition["p"].get("f"))
            for rule in flag.get("r") or []
            for condition in rule.get("c") or []
            if isinstance(condition, Mapping) and isinstance(condition.get("p"), Mapping)
        ]

    def path(start: str, goal: str) -> list[str] | None:
        """Flags from ``start`` to ``goal`` along prerequisites (depth first), or ``None``."""
        seen, stack = {start}, [[start]]
        while stack:
            trail = stack.pop()
            for nxt in prerequisites(trail[-1]):
                if nxt == goal:
                    return [*trail, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append([*trail, nxt])
        return None

    hidden: dict[str, dict[int, str]] = {}
    for key, flag in flags.items():
        if not isinstance(flag, Mapping):
            continue
        for index, rule in enumerate(flag.get("r") or []):
            for condition in rule.get("c") or []:
                target = condition.get("p") if isinstance(condition, Mapping) else None
                if not isinstance(target, Mapping):
                    continue
                other = str(target.get("f"))
                if other == key:
                    why = "its prerequisite flag is the flag itself"
                elif other not in flags:
                    why = f"its prerequisite flag {other} is not in the config"
                elif (trail := path(other, key)) is not None:
                    why = "its prerequisite flags form a cycle: " + " → ".join([key, *trail])
                else:
                    continue
                hidden.setdefault(key, {}).setdefault(index, why)
    return hidden


def _hidden_note(hidden: Mapping[int, str]) -> str:
    """The hint's sentence on the rules left out of the API's view."""
    if not hidden:
        return ""
    parts = "; ".join(f"rule {index + 1}: {why}" for index, why in sorted(hidden.items()))
    return f" Served as imported but not shown here, as the API cannot hold them ({parts})."


def _hashed(flag: Mapping[str, Any]) -> bool:
    hashed = cmp.HASHED | cmp.HASHED_AFFIX
    return any(
        "u" in c and int(c["u"].get("c", -1)) in hashed
        for rule in flag.get("r") or []
        for c in rule.get("c") or []
    )


def segment_model(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A config_v6 segment as the management API's one-condition segment (the first
    condition; the rest is told in its description, and served as imported)."""
    conditions: list[dict[str, Any]] = raw.get("r") or []
    notes = []
    first: dict[str, Any] = conditions[0] if conditions else {"a": "Identifier", "c": 0, "l": []}
    number = int(first.get("c", 0))
    comparator = _V1_NAMES.get(number)
    if comparator is None:
        comparator = "isOneOf"
        notes.append(f"its comparator {cmp.USER_COMPARATORS[number]} has no v1 name")
    if len(conditions) != 1:
        notes.append(f"it has {len(conditions)} conditions")
    if number in cmp.HASHED | cmp.HASHED_AFFIX:
        notes.append("its comparison values are hashes")
    value = first.get("l", first.get("d", first.get("s", "")))
    text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    description = "Imported from a config JSON and served as imported"
    if notes:
        description += "; not shown here: " + "; ".join(notes)
    return {
        "name": str(raw.get("n", "")),
        "description": description + ".",
        "comparisonAttribute": str(first.get("a", "")) or "Identifier",
        "comparator": comparator,
        "comparisonValue": text or "-",
    }


class ImportTarget(Protocol):
    """What an import needs of the fake: its state, and its API in-process with credentials
    (:class:`~configcat_mock.testkit.mock.MockConfigCat` has them; named here so that this
    module does not import the class that calls it)."""

    @property
    def backend(self) -> Backend:
        """The fake's state the import writes to."""

    @property
    def transport(self) -> httpx.BaseTransport:
        """An in-process transport to the fake's management API."""

    @property
    def username(self) -> str:
        """The user the import calls the management API as."""

    @property
    def password(self) -> str:
        """That user's password."""


# -- the import -------------------------------------------------------------------------------


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise ConfigImportError(
            f"the fake refused {response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text[:300]}"
        )
    return response.json() if response.content else None


def import_config_json(
    mock: ImportTarget,
    source: str | os.PathLike[str] | Mapping[str, Any] | bytes,
    *,
    sdk_key: str | None = None,
    name: str | None = None,
    organization_id: str = DEMO_ORGANIZATION_ID,
) -> ImportedConfig:
    """Import ``source`` (see :func:`read_config_json`) into ``mock``; served under
    ``sdk_key`` (default: a new key). Raises :class:`ConfigImportError` for a document it
    cannot import and a key already in use; nothing is kept of a failed import."""
    import httpx

    from configcat_mock.delivery.store import store_for

    document = read_config_json(source)
    backend = mock.backend
    if sdk_key is not None:
        if not sdk_key or any(ch.isspace() for ch in sdk_key):
            raise ConfigImportError(f"not an SDK key: {sdk_key!r}")
        if backend.sdk_keys.first("sdk_key", sdk_key) is not None:
            raise ConfigImportError(f"the SDK key {sdk_key!r} is already in use")
    label = _product_name(backend, organization_id, source, name)
    with httpx.Client(
        base_url="http://configcat-mock",
        transport=mock.transport,
        auth=(mock.username, mock.password),
    ) as api:
        product = _ok(
            api.post(f"/v1/organizations/{organization_id}/products", json={"name": label})
        )
        product_id = str(product["productId"])
        try:
            return _fill(api, mock, document, product_id, label, sdk_key, store_for)
        except (ConfigImportError, KeyError, IndexError, TypeError, ValueError) as exc:
            api.delete(f"/v1/products/{product_id}")
            if isinstance(exc, ConfigImportError):
                raise
            raise ConfigImportError(f"not a config JSON the fake can import: {exc!r}") from None


DEFAULT_NAME = "Imported config"


def _product_name(
    backend: Backend,
    organization_id: str,
    source: str | os.PathLike[str] | Mapping[str, Any] | bytes,
    name: str | None,
) -> str:
    """The import's product and config name (the rule is in the module docstring)."""
    with backend.lock:
        taken = {
            product.name.casefold()
            for product in backend.products.where(organization_id=organization_id)
        }
    if name is not None:
        if not name.strip():
            raise ConfigImportError("an import's name is not blank")
        if name.casefold() in taken:
            raise ConfigImportError(
                f"the name {name!r} is already in use by another product; give another "
                "name, or none for a numbered one"
            )
        return name
    base = DEFAULT_NAME
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and not source.lstrip().startswith("{")
    ):
        base = Path(source).stem or DEFAULT_NAME
    label, number = base, 1
    while label.casefold() in taken:
        number += 1
        label = f"{base} ({number})"
    return label


def _fill(
    api: httpx.Client,
    mock: ImportTarget,
    document: Mapping[str, Any],
    product_id: str,
    label: str,
    sdk_key: str | None,
    store_for: Any,
) -> ImportedConfig:
    backend = mock.backend
    env = _ok(api.post(f"/v1/products/{product_id}/environments", json={"name": "Imported"}))
    config = _ok(
        api.post(
            f"/v1/products/{product_id}/configs",
            json={"name": label, "evaluationVersion": "v2", "description": CONFIG_NOTE},
        )
    )
    env_id, config_id = str(env["environmentId"]), str(config["configId"])
    translation = _Translation(document)
    for raw in document.get("s") or []:
        segment = _ok(api.post(f"/v1/products/{product_id}/segments", json=segment_model(raw)))
        translation.segment_ids.append(str(segment["segmentId"]))
    flags: dict[str, Any] = document.get("f") or {}
    for order, (key, flag) in enumerate(flags.items()):
        kind = _TYPES.get(int(flag.get("t", -1)))
        if kind is None:
            raise ConfigImportError(f"flag {key!r}: unknown setting type {flag.get('t')!r}")
        hint = SETTING_NOTE.format(hashed=" and hashed comparison values" if _hashed(flag) else "")
        hint += _hidden_note(translation.hidden.get(key, {}))
        if len(hint) > HINT_LIMIT:
            hint = hint[: HINT_LIMIT - 1] + "…"
        setting = _ok(
            api.post(
                f"/v1/configs/{config_id}/settings",
                json={"key": key, "name": key, "settingType": kind, "hint": hint, "order": order},
            )
        )
        translation.setting_ids[key] = int(setting["settingId"])
    for key, flag in flags.items():
        _ok(
            api.put(
                f"/v2/environments/{env_id}/settings/{translation.setting_ids[key]}/value",
                json=translation.formula(key, flag),
            )
        )
    with backend.lock, backend.tracked():
        # segments in the imported order (they are served by index), then the raw document
        for i, segment_id in enumerate(translation.segment_ids):
            row = backend.segments[segment_id]
            row.created_at = f"{row.created_at[:19]}.{i:06d}Z"
        keys = backend.ensure_sdk_keys(config_id, env_id)
        if sdk_key is not None:
            keys.primary = sdk_key
            backend.sdk_keys.refresh(keys)
        stamps = {
            str(sid): backend.setting_values[(sid, env_id)].version_id
            for sid in translation.setting_ids.values()
        }
        config_row = backend.configs[config_id]
        config_row.imported = {
            "environmentId": env_id,
            "salt": (document.get("p") or {}).get("s"),
            "segments": list(document.get("s") or []),
            "segmentIds": list(translation.segment_ids),
            "segmentModels": [segment_model(s) for s in document.get("s") or []],
            "flags": {
                str(translation.setting_ids[key]): {
                    "stamp": stamps[str(translation.setting_ids[key])],
                    "json": flag,
                }
                for key, flag in flags.items()
            },
        }
        store_for(backend).invalidate()
        return ImportedConfig(product_id, config_id, env_id, keys.primary, name=label)
