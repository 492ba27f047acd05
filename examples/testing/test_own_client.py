"""Testing code that builds its own ConfigCatClient (needs `[mock]`).

    pytest examples/testing/test_own_client.py

Had the patch been left out, the first test's ConfigCatClient() would have gone for
https://api.configcat.com: the plugin's leak guard refuses that connection and fails the test,
naming the host (``@pytest.mark.configcat_live`` is the way to let a test reach the service).
"""

from __future__ import annotations

import pytest

from configcat_mock import MockConfigCat, patch_configcat
from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client.models import CreateProductRequest


def archive_products(prefix: str) -> list[str]:
    """The code under test: it makes its client from the environment, on the default host."""
    with ConfigCatClient() as cc:
        renamed = []
        for product in cc.products.get_products():
            cc.products.delete_product(product.product_id)
            renamed.append(prefix + product.name)
        return renamed


@pytest.mark.configcat_mock(patch=True)
def test_archive_products(configcat_mock: MockConfigCat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGCAT_API_USER", configcat_mock.username)
    monkeypatch.setenv("CONFIGCAT_API_PASS", configcat_mock.password)
    with ConfigCatClient() as cc:  # reaches the fake too: https://api.configcat.com is patched
        org = cc.organizations.get_organizations()[0]
        cc.products.create_product(org.organization_id, body=CreateProductRequest(name="Shop"))
    assert archive_products("old-") == ["old-Shop"]
    assert configcat_mock.dump()["tables"]["products"] == []


def test_the_same_without_the_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGCAT_API_USER", "demo")
    monkeypatch.setenv("CONFIGCAT_API_PASS", "demo")
    with patch_configcat():  # a fresh fake for this block
        assert archive_products("old-") == []
