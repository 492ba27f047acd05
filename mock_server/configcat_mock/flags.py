"""Flags in one line: a config served to ConfigCat SDKs, from a dict of keys and values.

For people who test an app that *reads* flags, not one that manages them::

    with FlagServer() as server:
        flags = server.flags({"isCheckoutEnabled": True, "discountPercent": 10})
        client = configcatclient.get(flags.sdk_key, ConfigCatOptions(base_url=flags.base_url))
        flags.set("isCheckoutEnabled", False)  # seen after the SDK's next refresh

(the pytest plugin's ``configcat_flags`` fixture is the same with one server per session).
Each :meth:`FlagServer.flags` call makes a product of its own in the fake, with one
environment and one config, through the fake's management API, so what an SDK downloads is
computed exactly as for any other config, and two flag sets never share an SDK key. A flag's
type follows its value (``bool``, ``str``, ``int``, ``float``). Targeting is written with a
small builder instead of API models::

    Flag(10, rules=[when(user("Email").text_ends_with_any_of("@example.com")).then(20)],
         percentages=[(50, 5), (50, 15)])

with user conditions (every comparator of the spec, through :meth:`UserAttribute.compare`
or the named shortcuts), segments (``segment("Beta").is_in()``, defined by
``segments={"Beta": user(...)...}``) and prerequisite flags (``flag("other").equals(True)``),
for config version ``"v2"`` (the default) or ``"v1"`` (one condition per rule, no
prerequisites: a v2-only shape is refused when the flag set is made, naming the flag).
"""

from __future__ import annotations

from configcat_mock.testkit.flag_builder import (
    Condition,
    ConfigVersion,
    Flag,
    FlagRef,
    FlagSpec,
    FlagValue,
    Percentages,
    PrerequisiteCondition,
    Rule,
    SegmentCondition,
    SegmentRef,
    UserAttribute,
    UserCondition,
    When,
    flag,
    segment,
    setting_type,
    user,
    when,
)
from configcat_mock.testkit.flag_server import FlagServer, FlagSet

__all__ = [
    "Condition",
    "ConfigVersion",
    "Flag",
    "FlagRef",
    "FlagServer",
    "FlagSet",
    "FlagSpec",
    "FlagValue",
    "Percentages",
    "PrerequisiteCondition",
    "Rule",
    "SegmentCondition",
    "SegmentRef",
    "UserAttribute",
    "UserCondition",
    "When",
    "flag",
    "segment",
    "setting_type",
    "user",
    "when",
]
