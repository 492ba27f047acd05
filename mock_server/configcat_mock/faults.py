"""Fault injection: a share of 429 / 500 / 503 answers and added latency, per route.

Rules are matched in order against the operation id or the path template (shell-style
patterns, ``*`` for all). Each operation draws from its own ``random.Random`` seeded with the
seed and the operation id, so the same seed gives every route the same sequence of faults,
whatever traffic the other routes get.
"""

from __future__ import annotations

import fnmatch
import math
import random
from typing import Any

import attrs

from configcat_mock.errors import BadRequest


@attrs.define
class FaultRule:
    route: str = "*"
    """An operation id or path template pattern, e.g. ``get-products`` or ``/v1/products*``."""
    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_503: float = 0.0
    latency_ms: float = 0.0

    def matches(self, operation_id: str, path_template: str) -> bool:
        return fnmatch.fnmatchcase(operation_id, self.route) or fnmatch.fnmatchcase(
            path_template, self.route
        )


@attrs.frozen
class Fault:
    status: int | None
    latency_ms: float


class FaultInjector:
    def __init__(self, rules: list[FaultRule] | None = None, seed: int = 0) -> None:
        self.configure(rules or [], seed)

    def configure(self, rules: list[FaultRule], seed: int = 0) -> None:
        self.rules = list(rules)
        self.seed = seed
        self._rngs: dict[str, random.Random] = {}

    def restart(self) -> None:
        """Start every route's sequence of faults again from the seed."""
        self._rngs.clear()

    def _rng(self, operation_id: str) -> random.Random:
        rng = self._rngs.get(operation_id)
        if rng is None:
            rng = self._rngs[operation_id] = random.Random(f"{self.seed}:{operation_id}")
        return rng

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "rules": [attrs.asdict(r) for r in self.rules]}

    def configure_json(self, data: Any) -> None:
        """Set the rules from ``{"seed": 1, "rules": [{"route": "*", "rate_500": 0.1}]}``."""
        if not isinstance(data, dict):
            raise BadRequest("faults", "Must be an object with 'seed' and 'rules'.")
        raw_rules = data.get("rules") or []
        if not isinstance(raw_rules, list):
            raise BadRequest("rules", "Must be a list of rules.")
        rules = []
        for i, raw in enumerate(raw_rules):
            try:
                rule = FaultRule(**raw)
                if not isinstance(rule.route, str):
                    raise TypeError("route must be a string")
                for name in ("rate_429", "rate_500", "rate_503", "latency_ms"):
                    value = float(getattr(rule, name))
                    if (
                        not math.isfinite(value)
                        or value < 0
                        or (name != "latency_ms" and value > 1)
                    ):
                        raise ValueError(f"{name} out of range")
                    setattr(rule, name, value)
            except (TypeError, ValueError) as exc:
                raise BadRequest(f"rules[{i}]", str(exc)) from None
            rules.append(rule)
        seed = data.get("seed", 0)
        if type(seed) is not int:
            raise BadRequest("seed", "Must be an integer.")
        self.configure(rules, seed)

    def draw(self, operation_id: str, path_template: str) -> Fault | None:
        for rule in self.rules:
            if rule.matches(operation_id, path_template):
                roll = self._rng(operation_id).random()
                status = None
                for code, share in (
                    (429, rule.rate_429),
                    (500, rule.rate_500),
                    (503, rule.rate_503),
                ):
                    if roll < share:
                        status = code
                        break
                    roll -= share
                if status is None and not rule.latency_ms:
                    return None
                return Fault(status, rule.latency_ms)
        return None
