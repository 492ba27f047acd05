"""The httpx transports that apply the client's policies around every request.

``PolicyTransport`` (sync) and ``AsyncPolicyTransport`` wrap the real transport and, for each
request: wait for the rate limiter, send, let the limiter learn from the rate-limit headers,
and retry as the :class:`RetryPolicy` says, logging each retry. Because they sit inside the
``httpx`` client, the policies also apply to the generated functions called with ``.api`` and
to raw requests made with ``.http``.

The overlay tells the transport which path segments of a call are parameters (so that the
limiter's bucket is the method and path template) through a context variable, and learns back
the final request and response the same way; a context variable follows the call into threads
and asyncio tasks.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass

import httpx

from configcat_publicapi._constants import LOGGER_NAME
from configcat_publicapi._headers import exhausted_for, rate_limit_wait
from configcat_publicapi._ratelimit import RateLimiter
from configcat_publicapi._redact import redact_text, redact_url
from configcat_publicapi._retry import RetryDecision, RetryPolicy

logger = logging.getLogger(LOGGER_NAME)

#: Indirections so that tests can record the waits instead of sleeping.
_sleep = time.sleep
_clock = time.monotonic


async def _async_sleep(seconds: float) -> None:
    # anyio (an httpx dependency) sleeps under asyncio and trio alike; imported on first use
    # because it would add about 10 ms to the overlay's import time.
    import anyio

    await anyio.sleep(seconds)


_ID_SEGMENT = re.compile(
    r"/(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d+)(?=/|$)"
)


@dataclass
class CallContext:
    """One overlay call: its path parameters in, the final request and response out."""

    #: The path segments that are parameters of the call (quoted), for the limiter's key.
    path_values: frozenset[str] = frozenset()
    request: httpx.Request | None = None
    response: httpx.Response | None = None
    attempts: int = 0


CURRENT_CALL: ContextVar[CallContext | None] = ContextVar("configcat_call", default=None)


def endpoint_key(request: httpx.Request, path_values: frozenset[str] = frozenset()) -> str:
    """The limiter's key, method + path template: the call's path parameters and, for requests
    made outside the namespaces, ids (numbers, UUIDs) become ``{}``."""
    path = request.url.raw_path.partition(b"?")[0].decode("ascii")
    if path_values:  # a namespace call: its parameters are exactly the variable segments
        path = "/".join("{}" if part in path_values else part for part in path.split("/"))
        return f"{request.method} {path}"
    return f"{request.method} {_ID_SEGMENT.sub('/{}', path)}"


class _PolicyCore:
    """What both transports share: policy, limiter, bookkeeping and log lines."""

    def __init__(self, policy: RetryPolicy, limiter: RateLimiter | None, owns_inner: bool) -> None:
        self.policy = policy
        self.limiter = limiter
        self.owns_inner = owns_inner

    @staticmethod
    def _begin(request: httpx.Request) -> tuple[CallContext | None, str]:
        call = CURRENT_CALL.get()
        key = endpoint_key(request, call.path_values if call is not None else frozenset())
        if call is not None:
            call.request = request
        return call, key

    def _observe(self, key: str, response: httpx.Response) -> None:
        if self.limiter is None:
            return
        wait = exhausted_for(response.headers)
        if wait is None and response.status_code == 429:
            wait = rate_limit_wait(response.headers)
        if wait is not None:
            self.limiter.pause(key, min(wait, self.policy.max_rate_limit_wait))

    def _judge(
        self,
        call: CallContext | None,
        key: str,
        request: httpx.Request,
        response: httpx.Response,
        attempt: int,
        started: float,
    ) -> RetryDecision | None:
        """The policy's word on a response: a retry, or ``None`` when it is the final one."""
        self._observe(key, response)
        decision = self.policy.after_response(request.method, response, attempt, _clock() - started)
        if decision is None and call is not None:
            call.response = response
        return decision

    def _log_retry(self, request: httpx.Request, decision: RetryDecision, attempt: int) -> None:
        logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d): %s",
            request.method,
            redact_url(request.url),
            decision.wait,
            attempt + 1,
            self.policy.max_retries,
            redact_text(decision.reason),
        )


class PolicyTransport(httpx.BaseTransport, _PolicyCore):
    """Rate limiting and retries around a synchronous transport."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        limiter: RateLimiter | None,
        *,
        owns_inner: bool = True,
    ) -> None:
        _PolicyCore.__init__(self, policy, limiter, owns_inner)
        self.inner = inner

    def _throttle(self, key: str) -> None:
        if self.limiter is None:
            return
        while (wait := self.limiter.try_acquire(key)) > 0:
            _sleep(wait)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call, key = self._begin(request)
        started = _clock()
        attempt = 0
        while True:
            self._throttle(key)
            if call is not None:
                call.attempts = attempt + 1
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                decision = self.policy.after_error(request.method, exc, attempt, _clock() - started)
                if decision is None:
                    raise
            else:
                decision = self._judge(call, key, request, response, attempt, started)
                if decision is None:
                    return response
                response.close()
            self._log_retry(request, decision, attempt)
            _sleep(decision.wait)
            attempt += 1

    def close(self) -> None:
        if self.owns_inner:
            self.inner.close()


class AsyncPolicyTransport(httpx.AsyncBaseTransport, _PolicyCore):
    """Rate limiting and retries around an asynchronous transport."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        limiter: RateLimiter | None,
        *,
        owns_inner: bool = True,
    ) -> None:
        _PolicyCore.__init__(self, policy, limiter, owns_inner)
        self.inner = inner

    async def _throttle(self, key: str) -> None:
        if self.limiter is None:
            return
        while (wait := self.limiter.try_acquire(key)) > 0:
            await _async_sleep(wait)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call, key = self._begin(request)
        started = _clock()
        attempt = 0
        while True:
            await self._throttle(key)
            if call is not None:
                call.attempts = attempt + 1
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                decision = self.policy.after_error(request.method, exc, attempt, _clock() - started)
                if decision is None:
                    raise
            else:
                decision = self._judge(call, key, request, response, attempt, started)
                if decision is None:
                    return response
                await response.aclose()
            self._log_retry(request, decision, attempt)
            await _async_sleep(decision.wait)
            attempt += 1

    async def aclose(self) -> None:
        if self.owns_inner:
            await self.inner.aclose()
