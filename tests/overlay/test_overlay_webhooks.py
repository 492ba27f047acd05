"""Webhook verification: genuine and fresh passes, anything else is refused with the reason."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx
import pytest

from configcat_publicapi import webhooks
from configcat_publicapi.webhooks import (
    InvalidSignatureError,
    MissingHeaderError,
    StaleTimestampError,
    VerifiedWebhook,
    signature_headers,
    verify,
)

NOW = 1_780_000_000
BODY = b'{"settingKey":"isCheckoutEnabled","event":"changed"}'
KEY, NEXT_KEY, OTHER = "configcat_whsk_1", "configcat_whsk_2", "not-the-key"


def test_the_signature_is_base64_hmac_sha256_of_id_timestamp_and_body() -> None:
    raw = hmac.new(KEY.encode(), b"wh-1" + str(NOW).encode() + BODY, hashlib.sha256).digest()
    assert webhooks.sign("wh-1", NOW, BODY, KEY) == base64.b64encode(raw).decode()


def test_a_genuine_request_passes_with_either_key_during_rotation() -> None:
    headers = signature_headers("wh-1", NOW, BODY, [KEY, NEXT_KEY])
    assert "," in headers[webhooks.SIGNATURE_HEADER]
    want = VerifiedWebhook(webhook_id="wh-1", timestamp=NOW)
    assert verify(headers, BODY, KEY, now=NOW) == want
    assert verify(headers, BODY, [OTHER, NEXT_KEY], now=NOW + 299) == want
    # a str body and header mappings of other libraries, names in any case
    lowered = {k.lower(): v for k, v in headers.items()}
    assert verify(httpx.Headers(lowered), BODY.decode(), KEY, now=NOW) == want


@pytest.mark.parametrize(
    ("change", "error", "text"),
    [
        (lambda h, b: (h, b + b" "), InvalidSignatureError, "no signature"),
        (lambda h, b: ({**h, webhooks.ID_HEADER: "wh-2"}, b), InvalidSignatureError, "no sig"),
        (
            lambda h, b: ({**h, webhooks.TIMESTAMP_HEADER: str(NOW - 301)}, b),
            StaleTimestampError,
            "301 s",
        ),
        (
            lambda h, b: ({**h, webhooks.TIMESTAMP_HEADER: "yesterday"}, b),
            StaleTimestampError,
            "Unix",
        ),
        (
            lambda h, b: ({k: v for k, v in h.items() if k != webhooks.SIGNATURE_HEADER}, b),
            MissingHeaderError,
            "Signature-V1",
        ),
        (lambda h, b: ({**h, webhooks.ID_HEADER: ""}, b), MissingHeaderError, "Webhook-ID"),
    ],
    ids=["tampered-body", "other-id", "old-timestamp", "bad-timestamp", "no-signature", "empty-id"],
)
def test_anything_else_is_refused_saying_why(change, error, text) -> None:  # type: ignore[no-untyped-def]
    headers, body = change(signature_headers("wh-1", NOW, BODY, [KEY]), BODY)
    with pytest.raises(error, match=text):
        verify(headers, body, KEY, now=NOW)


def test_a_wrong_key_and_a_future_timestamp_are_refused() -> None:
    headers = signature_headers("wh-1", NOW, BODY, [KEY])
    with pytest.raises(InvalidSignatureError):
        verify(headers, BODY, OTHER, now=NOW)
    with pytest.raises(StaleTimestampError):
        verify(headers, BODY, KEY, now=NOW - 400)
    assert verify(headers, BODY, KEY, now=NOW + 1000, tolerance=1000).timestamp == NOW
    with pytest.raises(ValueError, match="signing key"):
        verify(headers, BODY, [], now=NOW)
