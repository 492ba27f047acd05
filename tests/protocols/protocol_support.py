"""A flag set with every kind of targeting, and the official SDK's answers for it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import configcatclient
from configcatclient.configcatoptions import ConfigCatOptions
from configcatclient.pollingmode import PollingMode
from configcatclient.user import User

from configcat_mock.flags import Flag, FlagSet, flag, segment, user, when

Make = Callable[..., FlagSet]


@dataclass(frozen=True)
class NodeProvider:
    """Node.js and the directory OpenFeature's OFREP provider is installed under."""

    node: str
    modules: Path


@dataclass(frozen=True)
class Served:
    """A ``configcat-mock serve`` child process and its URL."""

    url: str
    process: subprocess.Popen[str]


#: users as (targetingKey, email, country, custom attributes)
USERS: list[tuple[str, str, str | None, dict[str, Any]]] = [
    ("1", "a@example.com", None, {}),
    ("2", "x@beta.org", "HU", {}),
    ("3", "c@d.org", "US", {"Plan": "pro"}),
    *[(str(i), f"u{i}@x.org", None, {"Plan": "free"}) for i in range(4, 30)],
]
KEYS = ["isBeta", "discount", "plan", "banner", "ratio"]


def targeted_flags(make: Make) -> FlagSet:
    """Targeting rules, a segment, a prerequisite flag and percentage options (of the flag and
    of a rule), one flag of each value type."""
    return make(
        {
            "isBeta": Flag(False, rules=[when(segment("Beta").is_in()).then(True)]),
            "discount": Flag(
                0,
                rules=[
                    when(user("Email").text_ends_with_any_of("@example.com")).then(50),
                    when(flag("isBeta").equals(True), user("Country").is_one_of("HU")).then(30),
                ],
                percentages=[(50, 5), (50, 15)],
            ),
            "plan": Flag(
                "basic",
                rules=[when(user("Plan").is_one_of("pro")).split([(30, "gold"), (70, "silver")])],
            ),
            "banner": "Hello",
            "ratio": 0.25,
        },
        segments={"Beta": user("Email").contains_any_of("beta")},
    )


def official(flags: FlagSet) -> Iterator[tuple[str, str, Any, str | None]]:
    """(targetingKey, key, value, variation id) for every user and key, by the official SDK."""
    options = ConfigCatOptions(base_url=flags.base_url, polling_mode=PollingMode.manual_poll())
    client = configcatclient.get(flags.sdk_key, options)
    try:
        client.force_refresh()
        for key_, email, country, custom in USERS:
            sdk_user = User(key_, email=email, country=country, custom=custom or None)
            for key in KEYS:
                details = client.get_value_details(key, None, sdk_user)
                assert details.error is None, details.error
                yield key_, key, details.value, details.variation_id
    finally:
        client.close()


def context_of(key_: str) -> dict[str, Any]:
    """The OpenFeature context of a user in :data:`USERS`."""
    for targeting_key, email, country, custom in USERS:
        if targeting_key == key_:
            context: dict[str, Any] = {"targetingKey": targeting_key, "email": email}
            if country:
                context["country"] = country
            return {**context, **custom}
    raise KeyError(key_)
