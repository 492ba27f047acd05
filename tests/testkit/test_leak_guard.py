"""The leak guard: nothing reaches ConfigCat's hosts while a test runs against the fake."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest
from loopback_http import LoopbackFiles

from configcat_mock.testkit import leak_guard
from configcat_mock.testkit.leak_guard import ConfigCatConnectionBlocked, guard, is_configcat_host


@pytest.mark.parametrize(
    ("host", "blocked"),
    [
        ("api.configcat.com", True),
        ("cdn-global.configcat.com", True),
        ("CDN-EU.ConfigCat.com.", True),
        ("configcat.com", True),
        (b"api.configcat.com", True),
        ("notconfigcat.com", False),
        ("configcat.com.example.org", False),
        ("127.0.0.1", False),
        (None, False),
    ],
)
def test_which_hosts_are_configcats(host: object, blocked: bool) -> None:
    assert is_configcat_host(host) is blocked


def test_httpx_raw_sockets_and_resolution_are_refused_and_recorded() -> None:
    with guard() as record:
        with pytest.raises(httpx.ConnectError, match=r"api\.configcat\.com blocked"):
            httpx.get("https://api.configcat.com/v1/me")
        with pytest.raises(ConfigCatConnectionBlocked, match=r"cdn-eu\.configcat\.com blocked"):
            socket.create_connection(("cdn-eu.configcat.com", 443), timeout=1)
        raw = socket.socket()
        try:
            with pytest.raises(ConfigCatConnectionBlocked, match="configcat_live"):
                raw.connect(("cdn-global.configcat.com", 443))
            with pytest.raises(ConfigCatConnectionBlocked):
                raw.connect_ex(("configcat.com", 80))
        finally:
            raw.close()
    assert record.blocked == [
        "api.configcat.com",
        "cdn-eu.configcat.com",
        "cdn-global.configcat.com",
        "configcat.com",
    ]
    assert not leak_guard.active()
    assert socket.getaddrinfo is leak_guard._originals.get("getaddrinfo", socket.getaddrinfo)


@pytest.fixture
def loopback_url(loopback_files: LoopbackFiles) -> str:
    loopback_files.files["/"] = b"hello"
    return loopback_files.url + "/"


def test_other_hosts_pass_and_everything_is_restored(loopback_url: str) -> None:
    before = (socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex)
    with guard(), guard() as inner:  # nested: one patch, two records
        assert httpx.get(loopback_url).text == "hello"
        assert socket.getaddrinfo("localhost", 80)
        with pytest.raises(ConfigCatConnectionBlocked):
            socket.getaddrinfo("api.configcat.com", 443)
    assert inner.blocked == ["api.configcat.com"]
    assert (socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex) == before


def test_the_guard_ends_after_an_exception_too() -> None:
    before = socket.getaddrinfo
    with pytest.raises(RuntimeError), guard():
        raise RuntimeError("boom")
    assert socket.getaddrinfo is before and not leak_guard.active()


def test_threads_are_guarded_and_the_block_recorded() -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            socket.getaddrinfo("api.configcat.com", 443)
        except ConfigCatConnectionBlocked as exc:
            errors.append(exc)

    with guard() as record:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert len(errors) == 1 and record.blocked == ["api.configcat.com"]


PLUGIN_TESTS = """
import httpx, pytest, socket

def _swallowed():
    # as ConfigCat's SDKs do: a failed fetch is logged, never raised
    try:
        httpx.get("https://cdn-global.configcat.com/configuration-files/k/config_v6.json")
    except Exception:
        pass

def test_with_fixture_swallowed(configcat_mock):
    _swallowed()

def test_with_client_fixture_raised(configcat_client):
    socket.create_connection(("api.configcat.com", 443))

@pytest.mark.configcat_live
def test_live_marker_lets_through(configcat_mock):
    assert socket.getaddrinfo.__module__ == "socket"

def test_without_fixture_not_guarded():
    assert socket.getaddrinfo.__module__ == "socket"

def test_sdk_on_its_default_host(configcat_mock):
    import configcatclient
    from configcatclient.configcatoptions import ConfigCatOptions
    from configcatclient.pollingmode import PollingMode

    key = "configcat-sdk-1/" + "a" * 22 + "/" + "b" * 22
    options = ConfigCatOptions(polling_mode=PollingMode.manual_poll())
    client = configcatclient.get(key, options)
    try:
        client.force_refresh()  # the SDK logs the failure and goes on
        assert client.get_value("flag", "default") == "default"
    finally:
        client.close()

def test_loopback_is_fine(configcat_mock):
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
"""


def test_plugin_fails_the_test_that_reached_configcat(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leaks=PLUGIN_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ test_with_fixture_swallowed _*",
            "connection to cdn-global.configcat.com blocked*",
            "*_ test_with_client_fixture_raised _*",
            "*ConfigCatConnectionBlocked: connection to api.configcat.com blocked*",
            "*_ test_sdk_on_its_default_host _*",
            "connection to cdn-global.configcat.com blocked*",
        ]
    )
    assert "@pytest.mark.configcat_live" in result.stdout.str()


def test_session_mode_guards_every_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_session="""
import socket
def test_plain():
    try:
        socket.getaddrinfo("api.configcat.com", 443)  # refused before any lookup
    except OSError:
        pass
""",
        test_off="""
import socket
def test_not_patched():
    assert socket.getaddrinfo.__module__ == "socket"
""",
    )
    args = ("-p", "no:cacheprovider", "-p", "no:asyncio")
    result = pytester.runpytest(*args, "--configcat-leak-guard=session", "test_session.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["connection to api.configcat.com blocked*"])
    off = pytester.runpytest(*args, "--configcat-leak-guard=off", "test_off.py")
    off.assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nconfigcat_leak_guard = session\n")
    assert pytester.runpytest(*args, "test_off.py").ret == 1
