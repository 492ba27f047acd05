"""Fault injection: a share of failed answers and added latency, per route.

Rules are matched in order against the operation id or the path template (shell-style
patterns, ``*`` for all). Each operation draws from its own ``random.Random`` seeded with the
seed and the operation id, so the same seed gives every route the same sequence of faults,
whatever traffic the other routes get.

Two kinds of fault:

* before the handler (``rate_429``, ``rate_500``, ``rate_503``, ``rate_drop``): the request is
  refused and nothing changes;
* after commit (``rate_500_after``, ``rate_503_after``, ``rate_drop_after``): the request is
  handled and its write is kept, then the answer is a 500/503 or the connection is dropped.
  The client cannot tell this from a failure before the handler, which is the point: it is
  how a duplicate-write bug (a create sent again after a lost answer) shows.

A dropped connection writes nothing. Served by ``configcat-mock serve`` (or a
:class:`~configcat_mock.http.server.LoopbackServer`) the socket is aborted; through the in-process
transports the client sees :class:`~configcat_mock.http.transport.ConnectionDropped`, an
``httpx.RemoteProtocolError``, as it would from a socket (the transports offer the same
``abort`` the server's protocol does, so the app drops a connection one way). The journal
records such a request with status 0 (no answer).
"""

from __future__ import annotations

import fnmatch
import math
import random
from typing import Any

import attrs

from configcat_mock.errors import BadRequest

#: The rates of a rule, in the order one roll is shared out among them.
RATES = (
    "rate_429",
    "rate_500",
    "rate_503",
    "rate_drop",
    "rate_500_after",
    "rate_503_after",
    "rate_drop_after",
)


@attrs.define
class FaultRule:
    route: str = "*"
    """An operation id or path template pattern, e.g. ``get-products`` or ``/v1/products*``."""
    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_503: float = 0.0
    rate_drop: float = 0.0
    rate_500_after: float = 0.0
    rate_503_after: float = 0.0
    rate_drop_after: float = 0.0
    latency_ms: float = 0.0

    def matches(self, operation_id: str, path_template: str) -> bool:
        return fnmatch.fnmatchcase(operation_id, self.route) or fnmatch.fnmatchcase(
            path_template, self.route
        )


@attrs.frozen
class Fault:
    status: int | None
    """The status to answer with, ``None`` for latency only or a dropped connection."""
    latency_ms: float
    after_commit: bool = False
    drop: bool = False

    @property
    def fails(self) -> bool:
        return self.status is not None or self.drop


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
                for name in (*RATES, "latency_ms"):
                    value = float(getattr(rule, name))
                    if (
                        not math.isfinite(value)
                        or value < 0
                        or (name != "latency_ms" and value > 1)
                    ):
                        raise ValueError(f"{name} out of range")
                    setattr(rule, name, value)
                if sum(getattr(rule, name) for name in RATES) > 1 + 1e-9:
                    raise ValueError("the rates add up to more than 1")
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
                for name in RATES:
                    share = getattr(rule, name)
                    if roll < share:
                        kind = name.removeprefix("rate_")
                        code, _, when = kind.partition("_")
                        return Fault(
                            None if code == "drop" else int(code),
                            rule.latency_ms,
                            after_commit=when == "after",
                            drop=code == "drop",
                        )
                    roll -= share
                return Fault(None, rule.latency_ms) if rule.latency_ms else None
        return None
