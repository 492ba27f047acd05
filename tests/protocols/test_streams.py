"""Event streams on the fake: the Proxy's /sse and OFREP's, read by httpx-sse."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from httpx_sse import EventSource, connect_sse

from configcat_mock import MockConfigCat
from configcat_mock.flags import Flag, FlagServer, FlagSet, user, when
from configcat_mock.http.faults import FaultRule

READ = httpx.Timeout(10.0)


@pytest.fixture
def server() -> Iterator[FlagServer]:
    with FlagServer() as flag_server:
        yield flag_server


def data(**fields: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")


def set_over_http(flags: FlagSet, key: str, value: str) -> None:
    """A write through the management API over HTTP, as any client makes it."""
    url = (
        f"{flags.base_url}/v2/environments/{flags.environment_id}/settings/"
        f"{flags.setting_ids[key]}/value"
    )
    body = {"defaultValue": {"stringValue": value}, "targetingRules": []}
    answer = httpx.put(url, json=body, auth=("demo", "demo"))
    assert answer.status_code == 200, answer.text


def test_a_proxy_stream_sends_on_connect_and_after_a_management_api_change(
    server: FlagServer,
) -> None:
    flags = server.flags(
        {
            "banner": "Hello",
            "plan": Flag("basic", rules=[when(user("Email").is_one_of("a@b.c")).then("pro")]),
        }
    )
    other = server.flags({"unrelated": "x"})
    url = (
        f"{flags.proxy_url}/sse/{flags.sdk_id}/eval/{data(key='banner', user={'Identifier': 'u'})}"
    )
    with httpx.Client(timeout=READ) as http, connect_sse(http, "GET", url) as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")
        events = source.iter_sse()
        first = next(events)
        assert json.loads(first.data)["value"] == "Hello"
        set_over_http(other, "unrelated", "y")  # another config: nothing to send
        flags.set("plan", "free")  # another flag of this config: same value, nothing sent
        set_over_http(flags, "banner", "Changed")
        second = next(events)
        assert json.loads(second.data) == {
            "value": "Changed",
            "variationId": json.loads(second.data)["variationId"],
        }


def test_an_eval_all_stream_follows_every_flag(server: FlagServer) -> None:
    flags = server.flags({"banner": "Hello", "limit": 3})
    url = f"{flags.proxy_url}/sse/{flags.sdk_id}/eval-all/{data(user={'Identifier': 'u'})}"
    with httpx.Client(timeout=READ) as http, connect_sse(http, "GET", url) as source:
        events = source.iter_sse()
        assert {k: v["value"] for k, v in json.loads(next(events).data).items()} == {
            "banner": "Hello",
            "limit": 3,
        }
        flags.set("limit", 4)
        assert json.loads(next(events).data)["limit"]["value"] == 4
    by_key = f"{flags.proxy_url}/sse/eval-all/k/{data(sdkKey=flags.sdk_key)}"
    with httpx.Client(timeout=READ) as http, connect_sse(http, "GET", by_key) as source:
        assert json.loads(next(source.iter_sse()).data)["banner"]["value"] == "Hello"


def test_ofrep_event_streams_when_enabled(server: FlagServer) -> None:
    flags = server.flags({"banner": "Hello"})
    headers = {"X-ConfigCat-SdkKey": flags.sdk_key}
    bulk_url = f"{flags.ofrep_url}/ofrep/v1/evaluate/flags"
    body = {"context": {"targetingKey": "u"}}
    assert "eventStreams" not in httpx.post(bulk_url, json=body, headers=headers).json()
    control = httpx.put(
        f"{server.base_url}/_mock/delivery/protocols", json={"ofrepEventStreams": True}
    )
    assert control.json()["ofrepEventStreams"] is True
    first = httpx.post(bulk_url, json=body, headers=headers)
    (stream,) = first.json()["eventStreams"]
    assert stream["type"] == "sse"
    with httpx.Client(timeout=READ) as http, connect_sse(http, "GET", stream["url"]) as source:
        flags.set("banner", "Changed")
        event = next(source.iter_sse())
        assert event.event == "message"
        sent = json.loads(event.data)
        assert sent["type"] == "refetchEvaluation"
        assert sent["etag"]
    refetch = httpx.post(
        bulk_url,
        params={"flagConfigEtag": sent["etag"]},
        json=body,
        headers={**headers, "If-None-Match": first.headers["ETag"]},
    )
    assert refetch.status_code == 200
    assert refetch.headers["ETag"] != first.headers["ETag"]
    assert refetch.json()["flags"][0]["value"] == "Changed"


def test_heartbeats_bounds_and_closing_every_stream(server: FlagServer) -> None:
    flags = server.flags({"banner": "Hello"})
    control = f"{server.base_url}/_mock/delivery"
    httpx.put(f"{control}/protocols", json={"maxStreams": 2, "heartbeatSeconds": 0.2})
    url = f"{flags.proxy_url}/sse/{flags.sdk_id}/eval/{data(key='banner')}"
    with httpx.Client(timeout=READ) as http:
        with http.stream("GET", url) as one, http.stream("GET", url) as two:
            lines = one.iter_lines()
            assert next(lines).startswith("data: ")
            assert next(lines) == ""
            assert next(lines) == ": heartbeat"  # an idle stream is kept open
            refused = httpx.get(url)
            assert (refused.status_code, refused.headers["retry-after"]) == (503, "1")
            assert httpx.get(f"{control}/streams").json() == {"open": 2, "maxStreams": 2}
            assert httpx.delete(f"{control}/streams").json() == {"closed": 2}
            second = two.iter_lines()
            assert next(second).startswith("data: ")
            assert set(second) <= {"", ": heartbeat"}  # it ends, cleanly
            rest = list(lines)
            assert all(line in ("", ": heartbeat") for line in rest)
        assert httpx.get(f"{control}/streams").json()["open"] == 0


def test_bad_stream_requests(server: FlagServer) -> None:
    flags = server.flags({"banner": "Hello"})
    base = f"{flags.proxy_url}/sse"
    cases = [
        (f"{base}/{flags.sdk_id}/eval/not*base64", 400, "failed to decode"),
        (
            f"{base}/{flags.sdk_id}/eval/{base64.urlsafe_b64encode(b'[1').decode()}",
            400,
            "deserialize",
        ),
        (f"{base}/{flags.sdk_id}/eval/{data(user={})}", 400, "'key' must be set"),
        (f"{base}/{flags.sdk_id}/eval/{data(key='nope')}", 400, "'nope' not found"),
        (f"{base}/nobody/eval/{data(key='banner')}", 404, "could not identify"),
        (f"{base}/eval/k/{data(key='banner')}", 400, "must be set"),
    ]
    for url, status, text in cases:
        answer = httpx.get(url)
        assert answer.status_code == status, url
        assert text in answer.text


def test_faults_drop_a_stream_and_refuse_with_429() -> None:
    rules = [
        FaultRule(route="proxy-sse-eval", rate_drop=1.0),
        FaultRule(route="proxy-sse-eval-all", rate_429=1.0),
    ]
    with FlagServer(MockConfigCat(rate_limits=False, faults=rules)) as server:
        flags = server.flags({"banner": "Hello"})
        url = f"{flags.proxy_url}/sse/{flags.sdk_id}/eval/{data(key='banner')}"
        with httpx.Client(timeout=READ) as http:
            events = []
            with (
                connect_sse(http, "GET", url) as source,
                pytest.raises(httpx.RemoteProtocolError),
            ):
                events.extend(source.iter_sse())
            assert len(events) == 1  # the first event came, then the connection was cut
            limited = http.get(f"{flags.proxy_url}/sse/{flags.sdk_id}/eval-all")
            assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")


def test_the_server_stops_with_streams_open(server: FlagServer) -> None:
    mock = MockConfigCat(rate_limits=False)
    stopped = threading.Event()
    with FlagServer(mock) as own:
        flags = own.flags({"banner": "Hello"})
        url = f"{flags.proxy_url}/sse/{flags.sdk_id}/eval/{data(key='banner')}"
        http = httpx.Client(timeout=READ)
        source: EventSource
        with connect_sse(http, "GET", url) as source:
            events = source.iter_sse()
            next(events)

            def stop() -> None:
                own.server.__exit__(None, None, None)
                stopped.set()

            stopper = threading.Thread(target=stop)
            stopper.start()
            assert list(events) == []  # the stream ended cleanly
            stopper.join(timeout=20)
        assert stopped.is_set()
        assert not own.server.thread.is_alive()
        http.close()


def test_delivery_names_the_connection_extension_as_the_server_does() -> None:
    from configcat_mock.delivery import protocol_http
    from configcat_mock.http import protocol

    assert protocol_http.CONNECTION_EXTENSION == protocol.CONNECTION_EXTENSION


def test_a_stream_preflight(server: FlagServer) -> None:
    flags = server.flags({"banner": "Hello"})
    url = f"{flags.proxy_url}/sse/{flags.sdk_id}/eval/{data(key='banner')}"
    answer = httpx.options(url, headers={"Origin": "http://app.example"})
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-methods"] == "GET,OPTIONS"
    assert answer.headers["access-control-allow-origin"] == "http://app.example"


def test_the_protocol_settings_refuse_bad_values(server: FlagServer) -> None:
    url = f"{server.base_url}/_mock/delivery/protocols"
    before = httpx.get(url).json()
    for bad in (
        {"maxStreams": -1},
        {"heartbeatSeconds": 0},
        {"ofrepEventStreams": "yes"},
        {"proxySdks": {"a/b": "key"}},
        {"proxySdks": ["web"]},
        [],
    ):
        answer = httpx.put(url, json=bad)
        assert answer.status_code == 400, bad
        assert "protocols" in answer.json()
    assert httpx.get(url).json() == before  # nothing changed by a refused one
