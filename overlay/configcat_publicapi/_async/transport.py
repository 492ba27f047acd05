"""``AsyncPolicyTransport``: rate limiting and retries around an ``httpx`` transport.

``_sync/transport.py`` is derived from ``_async/transport.py`` by ``scripts/make_sync.py``;
what both share is in ``configcat_publicapi._transport``.
"""

from __future__ import annotations

import httpx

from configcat_publicapi import _transport as core
from configcat_publicapi._ratelimit import RateLimiter
from configcat_publicapi._retry import RetryPolicy


class AsyncPolicyTransport(httpx.AsyncBaseTransport, core.PolicyCore):
    """Rate limiting and retries around a transport."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        limiter: RateLimiter | None,
        *,
        owns_inner: bool = True,
    ) -> None:
        core.PolicyCore.__init__(self, policy, limiter, owns_inner)
        self.inner = inner

    async def _throttle(self, key: str) -> None:
        if self.limiter is None:
            return
        while (wait := self.limiter.try_acquire(key)) > 0:
            await core._async_sleep(wait)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request under the rate limiter and the retry policy."""
        key = core.endpoint_key(request)
        started = core._clock()
        attempt = 0
        rate_limited = 0  # how many of the retries followed a 429
        while True:
            await self._throttle(key)
            request.extensions[core.ATTEMPTS_EXTENSION] = attempt + 1
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                elapsed = core._clock() - started
                decision = self.policy.after_error(
                    request.method, exc, attempt, elapsed, rate_limited
                )
                if decision is None:
                    raise
            else:
                decision = self._judge(key, request, response, attempt, rate_limited, started)
                if decision is None:
                    return response
                await response.aclose()
            self._log_retry(request, decision, attempt, rate_limited, started)
            await core._async_sleep(decision.wait)
            attempt += 1
            rate_limited += decision.rate_limited

    async def aclose(self) -> None:
        """Close the wrapped transport if this one made it."""
        if self.owns_inner:
            await self.inner.aclose()
