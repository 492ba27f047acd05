"""A connection error says what to do where the failure itself does not."""

from __future__ import annotations

import pytest

from configcat_publicapi import APIConnectionError, ConfigCatClient
from tests.loopback_http import LoopbackFiles


@pytest.fixture
def plain_http_port(loopback_files: LoopbackFiles) -> int:
    loopback_files.files["/v1/me"] = b"{}"
    return int(loopback_files.url.rsplit(":", 1)[1])


def test_https_to_a_plain_http_host_says_write_http(
    plain_http_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFIGCAT_API_HOST", f"127.0.0.1:{plain_http_port}")
    cc = ConfigCatClient("user", "secret-password", max_retries=0)
    with cc, pytest.raises(APIConnectionError) as err:
        cc.me.get_me()
    text = str(err.value)
    assert f"write http://127.0.0.1:{plain_http_port}" in text
    assert "secret-password" not in text


def test_http_to_the_same_host_works_and_no_hint_elsewhere(plain_http_port: int) -> None:
    cc = ConfigCatClient("u", "p", base_url="https://127.0.0.1:9", max_retries=0)
    with cc, pytest.raises(APIConnectionError) as err:
        cc.me.get_me()
    assert "write http://" not in str(err.value)
    with ConfigCatClient("u", "p", base_url=f"http://127.0.0.1:{plain_http_port}") as cc:
        assert cc.me.get_me.raw().status_code == 200
