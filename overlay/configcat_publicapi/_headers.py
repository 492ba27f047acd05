"""Read the rate-limit headers: ``Retry-After``, ``X-Rate-Limit-Remaining``, ``X-Rate-Limit-Reset``.

``Retry-After`` is either whole seconds or an HTTP date (RFC 9110). The service documents
``X-Rate-Limit-Reset`` only as "the time when the current period resets", so it is read as
seconds to wait, a Unix timestamp (seconds or milliseconds), an HTTP date or an ISO 8601 time.
Every function answers "seconds from now", never negative, or ``None`` when unreadable.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from configcat_publicapi._constants import HEADER_REMAINING, HEADER_RESET, HEADER_RETRY_AFTER

#: A number above this is a Unix timestamp in seconds, not a delay.
_EPOCH_THRESHOLD = 1_000_000_000
_EPOCH_MS_THRESHOLD = 100_000_000_000


def _seconds_until(moment: datetime, now: float) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now)


def _http_date(value: str, now: float) -> float | None:
    try:
        return _seconds_until(parsedate_to_datetime(value), now)
    except (TypeError, ValueError, IndexError):
        return None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or HTTP date)."""
    if value is None or not value.strip():
        return None
    now = time.time() if now is None else now
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        return _http_date(text, now)


def parse_reset(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from an ``X-Rate-Limit-Reset`` value in any of the accepted forms."""
    if value is None or not value.strip():
        return None
    now = time.time() if now is None else now
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if number >= _EPOCH_MS_THRESHOLD:
            return max(0.0, number / 1000.0 - now)
        if number >= _EPOCH_THRESHOLD:
            return max(0.0, number - now)
        return max(0.0, number)
    delay = _http_date(text, now)
    if delay is not None:
        return delay
    try:
        return _seconds_until(datetime.fromisoformat(text.replace("Z", "+00:00")), now)
    except ValueError:
        return None


def rate_limit_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """What a 429 asks for: the time left until ``X-Rate-Limit-Reset`` or ``Retry-After``,
    whichever is sooner when both are there.

    ``Retry-After`` is whole seconds (RFC 9110), so it rounds the window's rest up; the reset
    names the moment itself. Waking at the reset instead of up to a second later is what lets
    callers sharing a credential use the whole of each window.
    """
    after = parse_retry_after(headers.get(HEADER_RETRY_AFTER), now)
    reset = parse_reset(headers.get(HEADER_RESET), now)
    if after is None or reset is None:
        return after if reset is None else reset
    return min(after, reset)


def exhausted_for(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until the period resets when ``X-Rate-Limit-Remaining`` says 0, else ``None``."""
    remaining = headers.get(HEADER_REMAINING)
    if remaining is None:
        return None
    try:
        if int(float(remaining.strip())) > 0:
            return None
    except ValueError:
        return None
    return parse_reset(headers.get(HEADER_RESET), now)
