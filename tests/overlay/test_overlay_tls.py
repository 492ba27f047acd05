"""The client's TLS setting: default verification for https, trust nothing for plain http."""

from __future__ import annotations

import ssl

from configcat_publicapi._tls import verify_for


def test_https_keeps_the_default_verification() -> None:
    assert verify_for("https://api.configcat.com") is True


def test_plain_http_gets_a_context_that_trusts_no_certificate() -> None:
    context = verify_for("http://127.0.0.1:8080")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] == 0
