"""Per-credential, per-endpoint rate limits: 20 requests a second and 500 a minute by default.

Written here rather than taken from a library because the mock needs three things together
for every request at a few microseconds: the remaining count of the tighter window (for
``X-Rate-Limit-Remaining``), the seconds until it resets, and an injectable clock so tests are
deterministic. Two fixed windows per ``(credential, operation)`` give all three.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import attrs


@attrs.define
class RateLimits:
    """Limits per window; ``enabled=False`` turns limiting (and its headers) off."""

    per_second: int = 20
    per_minute: int = 500
    enabled: bool = True


@attrs.frozen
class Verdict:
    allowed: bool
    remaining: int
    reset_seconds: int
    """Seconds until the binding window resets (``Retry-After`` when refused)."""

    def headers(self) -> dict[str, str]:
        out = {
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.reset_seconds)
        return out


class RateLimiter:
    """Counts hits in the current second and minute of each ``(credential, operation)``."""

    def __init__(
        self, limits: RateLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or RateLimits()
        self.clock = clock
        self._windows: dict[tuple[str, str], list[float]] = {}

    def reset(self) -> None:
        self._windows.clear()

    def hit(self, credential: str, operation: str) -> Verdict | None:
        """Count one request; ``None`` when limiting is off."""
        limits = self.limits
        if not limits.enabled:
            return None
        now = self.clock()
        sec, minute = math.floor(now), math.floor(now / 60) * 60
        w = self._windows.get((credential, operation))
        if w is None:
            w = self._windows[(credential, operation)] = [sec, 0, minute, 0]
        if w[0] != sec:
            w[0], w[1] = sec, 0
        if w[2] != minute:
            w[2], w[3] = minute, 0
        left_sec = limits.per_second - w[1]
        left_min = limits.per_minute - w[3]
        if left_sec <= 0 or left_min <= 0:
            wait = (minute + 60 - now) if left_min <= 0 else (sec + 1 - now)
            return Verdict(False, 0, max(1, math.ceil(wait)))
        w[1] += 1
        w[3] += 1
        left_sec -= 1
        left_min -= 1
        if left_min < left_sec:
            return Verdict(True, int(left_min), max(1, math.ceil(minute + 60 - now)))
        return Verdict(True, int(left_sec), max(1, math.ceil(sec + 1 - now)))
