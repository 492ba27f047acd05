"""The retry policy: which failures are retried, after how long, and when to give up.

Written here rather than taken from httpx-retries because the rules differ per cause: a 429
is retried for every method (the service did not process it) after ``Retry-After`` or
``X-Rate-Limit-Reset``, as often as the time budget allows; 408, 5xx and broken connections
only for idempotent methods; POST and PATCH only when the connection was never made, so a
write is never sent twice; a host name that does not exist and plain HTTP answering https
never (``_hints.is_permanent``). httpx-retries applies one method list to every status and
does not read ``X-Rate-Limit-Reset``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

from configcat_publicapi._constants import (
    DEFAULT_BACKOFF_BASE,
    DEFAULT_BACKOFF_MAX,
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TOTAL_RETRY_TIME,
    IDEMPOTENT_METHODS,
    RETRY_STATUSES,
)
from configcat_publicapi._headers import parse_retry_after, rate_limit_wait
from configcat_publicapi._hints import is_permanent

#: Failures after which the request provably never reached the server.
_NOT_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
#: Failures worth another try for idempotent methods.
_TRANSIENT: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryDecision:
    """Wait ``wait`` seconds, then send again; ``reason`` goes to the log; ``rate_limited``
    when the answer was a 429 (such retries are bounded by time only)."""

    wait: float
    reason: str
    rate_limited: bool = False


@dataclass(frozen=True)
class RetryPolicy:
    """How the client retries. ``RetryPolicy(max_retries=0)`` never retries.

    A 429 is retried for as long as the call stays within ``total_time`` (the budget), however
    many 429s that takes: the service applied nothing, so sending again is always safe, and
    callers sharing one credential would otherwise see 429s whenever they outnumber the
    windows. ``max_retries`` counts the other retries (408, 5xx, connection failures).
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_base: float = DEFAULT_BACKOFF_BASE
    backoff_max: float = DEFAULT_BACKOFF_MAX
    max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT
    total_time: float = DEFAULT_TOTAL_RETRY_TIME

    def backoff(self, attempt: int) -> float:
        """Capped exponential backoff with jitter: a wait in ``[d/2, d]``, ``d = base * 2**n``."""
        ceiling = min(self.backoff_max, self.backoff_base * (2.0**attempt))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _within_budget(self, retries: int, elapsed: float, wait: float) -> bool:
        return retries < self.max_retries and elapsed + wait <= self.total_time

    def after_response(
        self,
        method: str,
        response: httpx.Response,
        attempt: int,
        elapsed: float,
        rate_limited: int = 0,
    ) -> RetryDecision | None:
        """Whether to retry after ``response``; ``attempt`` counts retries already made,
        ``rate_limited`` how many of them followed a 429, ``elapsed`` the call's seconds."""
        status = response.status_code
        if status == 429:
            asked = rate_limit_wait(response.headers)
            wait = self.backoff(rate_limited) if asked is None else asked
            wait = min(wait, self.max_rate_limit_wait)
            if self.max_retries == 0 or elapsed + wait > self.total_time:
                return None
            return RetryDecision(wait, "429 Too Many Requests", rate_limited=True)
        if status in RETRY_STATUSES and method.upper() in IDEMPOTENT_METHODS:
            asked = parse_retry_after(response.headers.get("Retry-After"))
            wait = self.backoff(attempt - rate_limited)
            if asked is not None:
                wait = max(wait, min(asked, self.max_rate_limit_wait))
            if not self._within_budget(attempt - rate_limited, elapsed, wait):
                return None
            return RetryDecision(wait, f"{status} {response.reason_phrase}".strip())
        return None

    def after_error(
        self,
        method: str,
        error: Exception,
        attempt: int,
        elapsed: float,
        rate_limited: int = 0,
    ) -> RetryDecision | None:
        """Whether to retry after a transport ``error``; never after one that every attempt
        would meet again (an unknown host name, plain HTTP answering https)."""
        if is_permanent(error):
            return None
        if isinstance(error, _NOT_SENT):
            pass  # never reached the server: safe for every method
        elif not (isinstance(error, _TRANSIENT) and method.upper() in IDEMPOTENT_METHODS):
            return None
        wait = self.backoff(attempt - rate_limited)
        if not self._within_budget(attempt - rate_limited, elapsed, wait):
            return None
        return RetryDecision(wait, f"{type(error).__name__}: {error}")
