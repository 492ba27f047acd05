"""Every tunable number and fixed name of the overlay, in one place."""

from __future__ import annotations

import httpx

DEFAULT_BASE_URL = "https://api.configcat.com"

#: Environment variables, named as ConfigCat's own CLI names them.
ENV_USER = "CONFIGCAT_API_USER"
ENV_PASS = "CONFIGCAT_API_PASS"  # noqa: S105 - a variable name, not a secret
ENV_HOST = "CONFIGCAT_API_HOST"

#: Seconds: 5 to connect, 30 for each read, write and pool wait.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

#: Headers whose values never reach a log line, a repr or an exception message.
SENSITIVE_HEADERS = frozenset({"authorization", "x-configcat-sdkkey", "proxy-authorization"})

# --- retries -------------------------------------------------------------------------------

#: Retries after the first attempt; 0 disables retrying.
DEFAULT_MAX_RETRIES = 3
#: Exponential backoff: base * 2**attempt seconds, capped, with full jitter.
DEFAULT_BACKOFF_BASE = 0.5
DEFAULT_BACKOFF_MAX = 8.0
#: The longest single wait a 429 may ask for (Retry-After or X-Rate-Limit-Reset).
DEFAULT_MAX_RATE_LIMIT_WAIT = 60.0
#: No retry starts once the call has spent this long (seconds) waiting and retrying.
DEFAULT_TOTAL_RETRY_TIME = 120.0
#: Methods that are safe to send twice.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: Statuses retried for idempotent methods (429 is retried for every method): 408 and every
#: 5xx but 501 Not Implemented and 505 HTTP Version Not Supported, which no retry can change.
RETRY_STATUSES = frozenset({408, *range(500, 600)} - {501, 505})

# --- client-side rate limiting -------------------------------------------------------------

#: (requests, seconds) windows enforced per endpoint: 20 a second and 500 a minute.
DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((20, 1.0), (500, 60.0))
#: Extra seconds added to each window so that network jitter cannot push a burst over the limit.
RATE_LIMIT_MARGIN = 0.025
#: Response headers that drive the adaptive part of the limiter.
HEADER_REMAINING = "X-Rate-Limit-Remaining"
HEADER_RESET = "X-Rate-Limit-Reset"
HEADER_RETRY_AFTER = "Retry-After"

# --- pagination ----------------------------------------------------------------------------

#: The largest page the paged list operations accept.
MAX_PAGE_SIZE = 100

#: Logger every overlay message goes to.
LOGGER_NAME = "configcat_publicapi"
