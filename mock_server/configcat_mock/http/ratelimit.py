"""Per-credential, per-endpoint rate limits: 20 requests a second and 500 a minute by default.

Written here rather than taken from a library because the mock needs three things together
for every request at a few microseconds: the remaining count of the tighter window (for
``X-Rate-Limit-Remaining``), the seconds until it resets, and an injectable clock so tests are
deterministic. Two fixed windows per ``(credential, operation)`` give all three.

``X-Rate-Limit-Reset`` is what the service's documentation calls it, "the time when the current
rate limit period resets": an ISO 8601 UTC time with milliseconds, not a whole number of
seconds, so a client that pauses until then loses no more than the window's own rest (a delay
rounded up to a second would cost a client pacing itself at 20 a second half its rate).
``Retry-After`` on a 429 stays whole seconds, as RFC 9110 defines it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

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
    """Whole seconds until the binding window resets, rounded up (``Retry-After`` when refused)."""
    reset_at: float
    """When the binding window resets, as a Unix time (``X-Rate-Limit-Reset``)."""

    def headers(self) -> dict[str, str]:
        reset = datetime.fromtimestamp(self.reset_at, UTC).isoformat(timespec="milliseconds")
        out = {
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": reset.replace("+00:00", "Z"),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.reset_seconds)
        return out


class RateLimiter:
    """Counts hits in the current second and minute of each ``(credential, operation)``."""

    def __init__(
        self,
        limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits or RateLimits()
        self.clock = clock
        self.wall = wall
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
        windows = self._windows.get((credential, operation))
        if windows is None:
            windows = self._windows[(credential, operation)] = [sec, 0, minute, 0]
        if windows[0] != sec:
            windows[0], windows[1] = sec, 0
        if windows[2] != minute:
            windows[2], windows[3] = minute, 0
        left_sec = limits.per_second - windows[1]
        left_min = limits.per_minute - windows[3]
        if left_sec <= 0 or left_min <= 0:
            wait = (minute + 60 - now) if left_min <= 0 else (sec + 1 - now)
            return self._verdict(False, 0, wait)
        windows[1] += 1
        windows[3] += 1
        left_sec -= 1
        left_min -= 1
        if left_min < left_sec:
            return self._verdict(True, int(left_min), minute + 60 - now)
        return self._verdict(True, int(left_sec), sec + 1 - now)

    def _verdict(self, allowed: bool, remaining: int, wait: float) -> Verdict:
        return Verdict(allowed, remaining, max(1, math.ceil(wait)), self.wall() + wait)
