"""Client-side rate limiting: per-endpoint sliding windows, shared by threads and tasks.

Written here rather than taken from pyrate-limiter or aiolimiter because one state must serve
both a thread-blocking client and an asyncio client, it must pause an endpoint when a response
says ``X-Rate-Limit-Remaining: 0``, and it must cost nothing at import (pyrate-limiter 4 takes
about 50 ms to import; aiolimiter is asyncio-only and single-rate).

The algorithm is a sliding-window log: a request may go when every window (``limit``
requests per ``period`` seconds) holds fewer than ``limit`` requests sent in the last
``period``; its send time is then recorded. Otherwise the caller learns how long until the
oldest request leaves the fullest window, sleeps that long and asks again. Times are recorded
when a request actually goes, not booked ahead, so a request held back by an adaptive pause or
a late wake-up can never make a later one look allowed too early.

With ``smooth=True`` (the default) requests to one endpoint are also spaced by the shortest
window's even interval (50 ms for 20 a second): the same number fit in every window, but
they arrive one by one instead of in bursts of 20, so the server's own clock, which starts
when it gets round to each request, sees the same spacing as the client.
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
        smooth: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not limits:
            raise ValueError("give at least one (requests, seconds) window")
        for count, period in limits:
            if count < 1 or period <= 0:
                raise ValueError(f"unusable window ({count}, {period})")
        self.limits: tuple[tuple[int, float], ...] = tuple((int(c), float(p)) for c, p in limits)
        self._windows_spec = tuple((c, p + margin) for c, p in self.limits)
        self._interval = min(p / c for c, p in self.limits) if smooth else 0.0
        self._clock = clock
        self._lock = threading.Lock()
        self._stamps: dict[str, tuple[deque[float], ...]] = {}
        self._paused_until: dict[str, float] = {}
        self._last: dict[str, float] = {}

    def try_acquire(self, key: str) -> float:
        """Take a slot for ``key`` now and return 0.0, or return the seconds to wait first."""
        with self._lock:
            now = self._clock()
            wait = max(
                self._paused_until.get(key, now) - now,
                self._last.get(key, now - self._interval) + self._interval - now,
            )
            stamps = self._stamps.get(key)
            if stamps is None:
                stamps = tuple(deque(maxlen=count) for count, _ in self._windows_spec)
                self._stamps[key] = stamps
            for (count, period), window in zip(self._windows_spec, stamps, strict=True):
                if len(window) >= count:
                    wait = max(wait, window[0] + period - now)
            if wait > 0:
                return wait
            for window in stamps:
                window.append(now)
            self._last[key] = now
            return 0.0

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
