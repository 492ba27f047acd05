"""Flag evaluation for the remote-evaluation protocols, by the official ConfigCat SDK's evaluator.

OFREP, the Proxy's ``/api`` and its SSE streams answer with evaluated values. The values must be
exactly what a ConfigCat SDK computes from the config JSON this fake serves, so no evaluator is
written here: the official Python SDK (``configcat-client``, in the ``mock`` extra) evaluates
in-process. Its ``RolloutEvaluator`` takes the parsed config JSON after the SDK's own
``fixup_config_salt_and_segments`` (the step its fetcher runs on every download), so the
document is parsed once per built version of a config+environment and kept while the build
lasts; nothing goes over the network.

The evaluator returns the matched targeting rule and percentage option, which give the reason:
a percentage option (of the flag or inside a rule) is ``SPLIT``, a targeting rule with a served
value ``TARGETING_MATCH``, otherwise ``STATIC`` (ConfigCat has no disabled flags).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any

import attrs

REASON_STATIC = "STATIC"
REASON_TARGETING_MATCH = "TARGETING_MATCH"
REASON_SPLIT = "SPLIT"

BUILT_IN_ATTRIBUTES = ("Identifier", "Email", "Country")
LOGGER_NAME = "configcat_mock.evaluation"
"""The SDK evaluator's messages go here; its warnings (a missing user, an attribute of the
wrong type) only once this logger's level is set lower than ``ERROR``."""


class InvalidUser(ValueError):
    """A user attribute of a type the SDKs do not take (only text, numbers, lists of text)."""


@attrs.frozen
class Evaluation:
    key: str
    value: Any
    variation_id: str | None
    reason: str
    error: str | None = None
    has_targeting: bool = False
    """The flag has targeting rules or percentage options (so it reads the user)."""


@attrs.frozen
class UserAttributes:
    """A user as the SDK's ``User`` takes it (``identifier`` is ``None`` when none was given)."""

    identifier: str | None
    email: str | None = None
    country: str | None = None
    custom: Mapping[str, Any] = attrs.field(factory=dict)


def _attribute_value(name: str, value: Any) -> Any:
    """Text, a finite number or a list of texts, as the SDKs and the Proxy take them."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidUser(f"'{name}' is not a finite number")
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise InvalidUser(
        f"'{name}' has an invalid type, only 'string', 'number', and 'string[]' types are allowed"
    )


def user_from_attributes(attributes: Mapping[str, Any]) -> UserAttributes | None:
    """The Proxy's user object: ``Identifier``, ``Email``, ``Country`` and custom attributes
    by their names as given; ``None`` for no attributes at all."""
    if not attributes:
        return None
    custom: dict[str, Any] = {}
    built_in: dict[str, str | None] = dict.fromkeys(BUILT_IN_ATTRIBUTES)
    for name, raw in attributes.items():
        if raw is None:
            continue
        value = _attribute_value(name, raw)
        if name in built_in:
            built_in[name] = value if isinstance(value, str) else _text(value)
        else:
            custom[name] = value
    return UserAttributes(built_in["Identifier"], built_in["Email"], built_in["Country"], custom)


def _text(value: Any) -> str:
    return json.dumps(value) if isinstance(value, list) else str(value)


def user_from_context(context: Mapping[str, Any]) -> UserAttributes | None:
    """An OpenFeature evaluation context as a ConfigCat user: ``targetingKey`` is the
    ``Identifier``, ``email`` and ``country`` the built-in attributes (their ConfigCat names
    work too), everything else a custom attribute by its name."""
    renamed: dict[str, Any] = {}
    for name, value in context.items():
        if name == "targetingKey":
            renamed["Identifier"] = value
        elif name in ("email", "country"):
            renamed[name.capitalize()] = value
        elif name == "Identifier" and "targetingKey" in context:
            continue  # targetingKey wins
        else:
            renamed[name] = value
    return user_from_attributes(renamed)


class ConfigEvaluator:
    """One parsed config JSON and the SDK's evaluator over it."""

    def __init__(self, encoded: bytes) -> None:
        from configcatclient.config import fixup_config_salt_and_segments
        from configcatclient.rolloutevaluator import RolloutEvaluator

        self.config: dict[str, Any] = json.loads(encoded)
        fixup_config_salt_and_segments(self.config)  # type: ignore[no-untyped-call]
        self.settings: dict[str, Any] = self.config.get("f") or {}
        self._evaluator = RolloutEvaluator(_sdk_logger())  # type: ignore[no-untyped-call]

    def keys(self) -> list[str]:
        return list(self.settings)

    def has_key(self, key: str) -> bool:
        return key in self.settings

    def evaluate(self, key: str, user: UserAttributes | None) -> Evaluation | None:
        """``None`` when the config has no flag ``key``."""
        from configcatclient.user import User

        setting = self.settings.get(key)
        if setting is None:
            return None
        sdk_user = None
        if user is not None:
            custom = dict(user.custom) or None
            sdk_user = User(user.identifier, user.email, user.country, custom)  # type: ignore[no-untyped-call]
        evaluate: Any = self._evaluator.evaluate
        value, variation_id, rule, option, error = evaluate(
            key, sdk_user, None, None, self.config, None
        )
        has_targeting = bool(setting.get("r") or setting.get("p"))
        if error is not None:
            return Evaluation(key, None, None, REASON_STATIC, str(error), has_targeting)
        if option is not None:
            reason = REASON_SPLIT
        elif rule is not None:
            reason = REASON_TARGETING_MATCH
        else:
            reason = REASON_STATIC
        return Evaluation(key, value, variation_id, reason, None, has_targeting)

    def evaluate_all(self, user: UserAttributes | None) -> list[Evaluation]:
        return [e for key in self.settings if (e := self.evaluate(key, user)) is not None]


_LOGGER: Any = None


def _sdk_logger() -> Any:
    """The SDK's logger adapter, writing to :data:`LOGGER_NAME` (quiet unless configured)."""
    global _LOGGER
    if _LOGGER is None:
        from configcatclient.configcatoptions import Hooks
        from configcatclient.logger import Logger

        logger = logging.getLogger(LOGGER_NAME)
        logger.addHandler(logging.NullHandler())
        if logger.level == logging.NOTSET:  # the SDK's notes on users are for apps, not the
            logger.setLevel(logging.ERROR)  # fake's log; set a level to see them

        _LOGGER = Logger(LOGGER_NAME, Hooks())  # type: ignore[no-untyped-call]
    return _LOGGER
