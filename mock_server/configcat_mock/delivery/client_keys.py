"""Client keys (``pub_...``) for the public config endpoint, and their monthly quotas.

A client key belongs to one config+environment. Each request made with a key counts
against that key's calendar month (UTC); once ``monthly_quota`` requests were made, further
ones are refused until the month changes. ``monthly_quota=None`` means unlimited.
Keys are kept in their own JSON section (``{"clientKeys": [...]}``), which the control API
and seed files read and write.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

import attrs

CLIENT_KEY_PREFIX = "pub_"


@attrs.define
class ClientKey:
    key: str
    config_id: str
    environment_id: str
    monthly_quota: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "configId": self.config_id,
            "environmentId": self.environment_id,
            "monthlyQuota": self.monthly_quota,
        }

    @classmethod
    def from_json(cls, row: Any) -> ClientKey:
        if not isinstance(row, dict):
            raise ValueError("a client key must be an object")
        key, config_id, env_id = row.get("key"), row.get("configId"), row.get("environmentId")
        quota = row.get("monthlyQuota")
        if not (isinstance(key, str) and key.startswith(CLIENT_KEY_PREFIX) and len(key) > 4):
            raise ValueError("key must be a string starting with 'pub_'")
        if not (isinstance(config_id, str) and isinstance(env_id, str)):
            raise ValueError("configId and environmentId are required strings")
        if quota is not None and (
            isinstance(quota, bool) or not isinstance(quota, int) or quota < 0
        ):
            raise ValueError("monthlyQuota must be a non-negative integer or null")
        return cls(key, config_id, env_id, quota)


def month_of(epoch_seconds: float) -> str:
    return time.strftime("%Y-%m", time.gmtime(epoch_seconds))


class ClientKeys:
    """Issued keys and request counts per key and month."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.keys: dict[str, ClientKey] = {}
        self.usage: dict[tuple[str, str], int] = {}

    def mint(
        self, config_id: str, environment_id: str, monthly_quota: int | None = None
    ) -> ClientKey:
        key = ClientKey(
            f"{CLIENT_KEY_PREFIX}{secrets.token_urlsafe(18)}",
            config_id,
            environment_id,
            monthly_quota,
        )
        self.keys[key.key] = key
        return key

    def add(self, key: ClientKey) -> None:
        self.keys[key.key] = key

    def revoke(self, key: str) -> bool:
        return self.keys.pop(key, None) is not None

    def get(self, key: str) -> ClientKey | None:
        return self.keys.get(key)

    def used(self, key: str) -> int:
        return self.usage.get((key, month_of(self.clock())), 0)

    def charge(self, key: ClientKey) -> bool:
        """Count one request; ``False`` (and not counted) once this month's quota is used up."""
        slot = (key.key, month_of(self.clock()))
        used = self.usage.get(slot, 0)
        if key.monthly_quota is not None and used >= key.monthly_quota:
            return False
        self.usage[slot] = used + 1
        return True

    def dump(self) -> dict[str, Any]:
        return {"clientKeys": [k.to_json() for k in self.keys.values()]}

    def load(self, section: Any) -> None:
        """Replace the keys with those of a ``{"clientKeys": [...]}`` section (usage resets);
        raises ``ValueError`` naming the first bad row and keeps the old keys then."""
        if section is not None and not isinstance(section, dict):
            raise ValueError("the section must be an object")
        rows = (section or {}).get("clientKeys") or []
        if not isinstance(rows, list):
            raise ValueError("clientKeys must be a list")
        keys: dict[str, ClientKey] = {}
        for i, row in enumerate(rows):
            try:
                client_key = ClientKey.from_json(row)
            except ValueError as exc:
                raise ValueError(f"clientKeys[{i}]: {exc}") from None
            keys[client_key.key] = client_key
        self.keys = keys
        self.usage.clear()
