"""What the httpx transports that apply the client's policies share.

``PolicyTransport`` and ``AsyncPolicyTransport`` (``_sync/transport.py`` and
``_async/transport.py``) wrap the real transport and, for each request: wait for the rate
limiter, send, let the limiter learn from the rate-limit headers, and retry as the
:class:`RetryPolicy` says, logging each retry. Because they sit inside the
``httpx`` client, the policies also apply to the generated functions called with ``.api`` and
to raw requests made with ``.http``.

Each namespace call names its endpoint (method and path template, the rate limiter's key) in
the request's extensions, and the transport writes back how many attempts the request took;
both travel with the request itself, so nothing is shared between concurrent calls. Requests
made without a namespace (``.http``, ``.api``) get a key with their ids (numbers, UUIDs)
turned into ``{}``.
"""

from __future__ import annotations

import logging
import re
import time

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


#: Request extension a namespace call sets: its ``METHOD /path/{}`` (see ``_namespace``).
ENDPOINT_EXTENSION = "configcat_endpoint"
#: Request extension the transport sets: how many times the request was sent.
ATTEMPTS_EXTENSION = "configcat_attempts"


def endpoint_key(request: httpx.Request) -> str:
    """The limiter's key, method + path template: the one a namespace call names, else the
    request's path with its ids (numbers, UUIDs) turned into ``{}``."""
    named = request.extensions.get(ENDPOINT_EXTENSION)
    if named is not None:
        return str(named)
    path = request.url.raw_path.partition(b"?")[0].decode("ascii")
    return f"{request.method} {_ID_SEGMENT.sub('/{}', path)}"


class PolicyCore:
    """What both transports share: policy, limiter, bookkeeping and log lines."""

    def __init__(self, policy: RetryPolicy, limiter: RateLimiter | None, owns_inner: bool) -> None:
        self.policy = policy
        self.limiter = limiter
        self.owns_inner = owns_inner

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
        key: str,
        request: httpx.Request,
        response: httpx.Response,
        attempt: int,
        rate_limited: int,
        started: float,
    ) -> RetryDecision | None:
        """The policy's word on a response: a retry, or ``None`` when it is the final one."""
        self._observe(key, response)
        elapsed = _clock() - started
        return self.policy.after_response(request.method, response, attempt, elapsed, rate_limited)

    def _log_retry(
        self,
        request: httpx.Request,
        decision: RetryDecision,
        attempt: int,
        rate_limited: int,
        started: float,
    ) -> None:
        if decision.rate_limited:
            spent = _clock() - started
            budget = f", {spent:.1f} s of the {self.policy.total_time:g} s budget spent"
        else:
            budget = f" of {self.policy.max_retries}"
            attempt -= rate_limited
        logger.info(
            "Retrying %s %s in %.2f s (retry %d%s): %s",
            request.method,
            redact_url(request.url),
            decision.wait,
            attempt + 1,
            budget,
            redact_text(decision.reason),
        )
