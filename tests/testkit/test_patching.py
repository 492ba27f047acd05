"""patch_configcat: clients built by the code under test reach the fake, nothing else does."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from loopback_http import LoopbackFiles

from configcat_mock import MockConfigCat, patch_configcat
from configcat_mock.testkit.leak_guard import guard
from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient


@pytest.fixture(autouse=True)
def _never_the_real_service() -> Iterator[None]:
    """Should a patch not hold, the request is refused instead of leaving the machine."""
    with guard():
        yield


@pytest.fixture
def demo_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGCAT_API_USER", "demo")
    monkeypatch.setenv("CONFIGCAT_API_PASS", "demo")


@pytest.fixture
def mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False) as m:
        yield m


def _originals() -> tuple[object, object]:
    return httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request


@pytest.fixture
def loopback_url(loopback_files: LoopbackFiles) -> str:
    loopback_files.files["/"] = b"hello"
    return loopback_files.url + "/"


@pytest.mark.usefixtures("demo_credentials")
def test_a_default_client_reaches_the_fake(mock: MockConfigCat) -> None:
    before = _originals()
    with patch_configcat(mock), ConfigCatClient() as cc:
        assert cc.me.get_me().email == "demo@example.com"
    assert mock.journal.to_json()[-1]["path"] == "/v1/me"
    assert _originals() == before


@pytest.mark.usefixtures("demo_credentials")
async def test_a_default_async_client_reaches_the_fake(mock: MockConfigCat) -> None:
    async with patch_configcat(mock), AsyncConfigCatClient() as acc:
        orgs = await acc.organizations.get_organizations()
    assert [o.name for o in orgs] == ["Demo Organization"]


def test_any_httpx_client_for_the_api_and_cdn_hosts(mock: MockConfigCat) -> None:
    with patch_configcat(mock):
        api = httpx.get("https://api.configcat.com/v1/me", auth=("demo", "demo"))
        cdn = httpx.get("https://cdn-eu.configcat.com/configuration-files/x/config_v6.json")
    assert api.status_code == 200 and api.json()["email"] == "demo@example.com"
    assert cdn.status_code in (400, 404)  # answered by the fake's delivery: no such key
    paths = [e["path"] for e in mock.journal.to_json()]
    assert "/v1/me" in paths


def test_other_hosts_are_not_intercepted(mock: MockConfigCat, loopback_url: str) -> None:
    with patch_configcat(mock):
        assert httpx.get(loopback_url).text == "hello"
    assert mock.journal.to_json() == []


def test_leaving_restores_also_after_an_exception(mock: MockConfigCat) -> None:
    before = _originals()
    with pytest.raises(RuntimeError), patch_configcat(mock):
        raise RuntimeError("boom")
    assert _originals() == before


def test_nested_blocks_the_innermost_serves(demo_credentials: None) -> None:
    with patch_configcat() as outer:
        with patch_configcat() as inner:
            httpx.get("https://api.configcat.com/v1/me", auth=("demo", "demo"))
        httpx.get("https://api.configcat.com/v1/organizations", auth=("demo", "demo"))
    assert [e["path"] for e in inner.journal.to_json()] == ["/v1/me"]
    assert [e["path"] for e in outer.journal.to_json()] == ["/v1/organizations"]


def test_a_worker_thread_is_served_by_the_block_that_started_it(mock: MockConfigCat) -> None:
    answers: list[int] = []
    with patch_configcat(mock):
        worker = threading.Thread(
            target=lambda: answers.append(
                httpx.get("https://api.configcat.com/v1/me", auth=("demo", "demo")).status_code
            )
        )
        worker.start()
        worker.join()
    assert answers == [200]


def test_as_a_decorator_of_sync_and_async_functions(mock: MockConfigCat) -> None:
    @patch_configcat(mock)
    def sync_call() -> int:
        return httpx.get("https://api.configcat.com/v1/me", auth=("demo", "demo")).status_code

    @patch_configcat(mock)
    async def async_call() -> int:
        async with httpx.AsyncClient() as client:
            response = await client.get("https://api.configcat.com/v1/me", auth=("demo", "demo"))
            return response.status_code

    import anyio

    assert sync_call() == 200
    assert anyio.run(async_call) == 200
    assert len(mock.journal.to_json()) == 2


def test_the_fixture_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_patched="""
import pytest
from configcat_publicapi import ConfigCatClient

@pytest.mark.configcat_mock(patch=True)
def test_code_that_builds_its_own_client(configcat_mock):
    with ConfigCatClient("demo", "demo") as cc:
        assert cc.me.get_me().full_name == "Demo User"
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=1)
