"""Verify that a webhook request came from ConfigCat and was not changed or replayed.

ConfigCat signs each webhook request it sends. Three headers carry the signature:

``X-ConfigCat-Webhook-ID``             the delivery's id
``X-ConfigCat-Webhook-Timestamp``      when it was sent, in Unix seconds
``X-ConfigCat-Webhook-Signature-V1``   comma-separated base64 HMAC-SHA256 signatures of
                                       ``id + timestamp + body``, one per signing key (two while
                                       a key is being rotated)

The signing keys are shown in the dashboard and by ``GET /v1/webhooks/{webhookId}/keys``
(``cc.webhooks.get_webhook_signing_keys(...)``). Pass the raw body as received: a body parsed
and serialised again is not the signed one.

>>> from configcat_publicapi import webhooks
>>> webhooks.verify(request.headers, request.body, [key1, key2])  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from configcat_publicapi._exceptions import ConfigCatError

ID_HEADER = "X-ConfigCat-Webhook-ID"
TIMESTAMP_HEADER = "X-ConfigCat-Webhook-Timestamp"
SIGNATURE_HEADER = "X-ConfigCat-Webhook-Signature-V1"
DEFAULT_TOLERANCE_S = 300


class WebhookVerificationError(ConfigCatError):
    """The request is not a genuine, fresh ConfigCat webhook; refuse it (answer 400)."""


class MissingHeaderError(WebhookVerificationError):
    """A signature header is absent or empty."""


class StaleTimestampError(WebhookVerificationError):
    """The timestamp is not a number, or is further from now than the tolerance allows."""


class InvalidSignatureError(WebhookVerificationError):
    """No signature matches the body under any of the given keys."""


@dataclass(frozen=True)
class VerifiedWebhook:
    """What a verified request says about itself."""

    webhook_id: str
    timestamp: int


def sign(webhook_id: str, timestamp: int | str, body: bytes | str, key: str) -> str:
    """The base64 HMAC-SHA256 signature of one delivery under one signing key."""
    payload = webhook_id.encode() + str(timestamp).encode() + _bytes(body)
    digest = hmac.new(key.encode(), payload, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_headers(
    webhook_id: str, timestamp: int, body: bytes | str, keys: Iterable[str]
) -> dict[str, str]:
    """The three headers a signed delivery carries: one signature per key, comma-separated."""
    return {
        ID_HEADER: webhook_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: ",".join(sign(webhook_id, timestamp, body, k) for k in keys),
    }


def verify(
    headers: Mapping[str, str],
    body: bytes | str,
    signing_keys: str | Iterable[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> VerifiedWebhook:
    """Check a webhook request; return its id and timestamp, or raise why it is refused.

    ``headers`` is any mapping (httpx, Starlette, Django, Flask and plain dicts all work;
    names are matched ignoring case). ``signing_keys`` is one key or several: a request signed
    with any of them passes, so a rotation needs no coordination. ``tolerance`` is how many
    seconds the timestamp may be from ``now`` (default :data:`DEFAULT_TOLERANCE_S`).
    """
    keys = [signing_keys] if isinstance(signing_keys, str) else list(signing_keys)
    if not keys or not all(keys):
        raise ValueError("give at least one signing key, and no empty one")
    webhook_id = _header(headers, ID_HEADER)
    stamp = _header(headers, TIMESTAMP_HEADER)
    signatures = [s.strip() for s in _header(headers, SIGNATURE_HEADER).split(",") if s.strip()]
    try:
        timestamp = int(stamp)
    except ValueError:
        raise StaleTimestampError(f"{TIMESTAMP_HEADER} is not Unix seconds: {stamp!r}") from None
    age = (time.time() if now is None else now) - timestamp
    if abs(age) > tolerance:
        raise StaleTimestampError(
            f"the webhook was signed {age:.0f} s from now, more than the {tolerance:g} s allowed"
        )
    expected = [sign(webhook_id, stamp, body, key) for key in keys]
    matched = False
    for given in signatures:
        for want in expected:
            # every pair is compared, in constant time, whatever matched before
            matched |= hmac.compare_digest(given.encode(), want.encode())
    if not matched:
        raise InvalidSignatureError(
            "no signature of the webhook matches its body under the given signing keys"
        )
    return VerifiedWebhook(webhook_id=webhook_id, timestamp=timestamp)


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    if not value:
        raise MissingHeaderError(
            f"the request has no {name} header: not a signed ConfigCat webhook"
        )
    return str(value)
