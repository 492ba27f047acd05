"""Client-side rate limiting: per-endpoint sliding windows, shared by threads and tasks.

Written here rather than taken from pyrate-limiter or aiolimiter because one state must serve
both a thread-blocking client and an asyncio client, it must pause an endpoint when a response
says ``X-Rate-Limit-Remaining: 0``, and it must cost nothing at import (pyrate-limiter 4 takes
about 50 ms to import; aiolimiter is asyncio-only and single-rate).

The algorithm is a sliding-window log with reservations: each request books the earliest
instant at which every window (``limit`` requests per ``period`` seconds) still has room,
records it, and the caller sleeps until then. Bookings are first come, first served, so the
wait is computed once, under a lock held for a few microseconds, and never polled.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from configcat_publicapi._constants import DEFAULT_RATE_LIMITS, RATE_LIMIT_MARGIN


class RateLimiter:
    """Per-key sliding windows, e.g. 20 requests a second and 500 a minute per endpoint."""

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = DEFAULT_RATE_LIMITS,
        *,
        margin: float = RATE_LIMIT_MARGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not limits:
            raise ValueError("give at least one (requests, seconds) window")
        for count, period in limits:
            if count < 1 or period <= 0:
                raise ValueError(f"unusable window ({count}, {period})")
        self.limits: tuple[tuple[int, float], ...] = tuple((int(c), float(p)) for c, p in limits)
        self._windows_spec = tuple((c, p + margin) for c, p in self.limits)
        self._clock = clock
        self._lock = threading.Lock()
        self._stamps: dict[str, tuple[deque[float], ...]] = {}
        self._last: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}

    def reserve(self, key: str) -> float:
        """Book the next free slot for ``key``; return the seconds to wait before sending."""
        with self._lock:
            now = self._clock()
            stamps = self._stamps.get(key)
            if stamps is None:
                stamps = tuple(deque(maxlen=count) for count, _ in self._windows_spec)
                self._stamps[key] = stamps
            at = max(now, self._last.get(key, now), self._paused_until.get(key, now))
            for (count, period), window in zip(self._windows_spec, stamps, strict=True):
                if len(window) >= count:
                    at = max(at, window[0] + period)
            for window in stamps:
                window.append(at)
            self._last[key] = at
            return at - now

    def pause(self, key: str, seconds: float) -> None:
        """Hold every request to ``key`` for ``seconds`` (the service said the period is used)."""
        with self._lock:
            until = self._clock() + max(0.0, seconds)
            if until > self._paused_until.get(key, 0.0):
                self._paused_until[key] = until

    def paused_for(self, key: str) -> float:
        """Seconds left of a pause on ``key``; 0 when there is none."""
        with self._lock:
            until = self._paused_until.get(key)
            if until is None:
                return 0.0
            left = until - self._clock()
            if left <= 0:
                del self._paused_until[key]
                return 0.0
            return left

    def __repr__(self) -> str:
        windows = ", ".join(f"{c}/{p:g}s" for c, p in self.limits)
        return f"RateLimiter({windows} per endpoint)"
