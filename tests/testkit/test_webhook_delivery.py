"""The fake calls webhooks after value changes, signed so that the client's verifier accepts
them: a receiver on 127.0.0.1 gets each delivery, off the request path, with bounded retries."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from configcat_mock.cli import build_parser
from configcat_mock.http.webhook_sender import (
    ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookSender,
    render,
)
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_mock.testkit.mock import MockConfigCat
from configcat_publicapi.webhooks import (
    InvalidSignatureError,
    StaleTimestampError,
    sign,
    verify,
)
from tests.loopback_http import SHUTDOWN_POLL_S

TEMPLATE = (
    '{"config": "##ConfigName##", "configId": "##ConfigId##", "env": "##EnvironmentName##", '
    '"envId": "##EnvironmentId##", "url": "##URL##", "notes": "##ChangeNotes##", '
    '"by": "##ChangedBy##", "details": ##ChangeDetails##, '
    '"teams": "##ChangeDetailsTeams##", "slack": "##ChangeDetailsSlack##", "left": "##Nope##"}'
)


@dataclass
class Receiver:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    """Answers to give, in order (then 200)."""
    hold: threading.Event | None = None
    got: threading.Event = field(default_factory=threading.Event)
    want: int = 0
    """Set ``enough`` once this many requests came."""
    enough: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                }
            )
            state.got.set()
            if state.want and len(state.requests) >= state.want:
                state.enough.set()
            if state.hold is not None:
                state.hold.wait(10)
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        if state.hold is not None:
            state.hold.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def hung_url() -> Iterator[str]:
    """A receiver on 127.0.0.1 that accepts each connection and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        listener.close()


@pytest.fixture
def mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False, validate_responses=True) as m:
        m.app.webhooks.retry_delays = (0.01,)
        yield m
        assert not m.app.internal_errors
        assert not m.app.response_violations


@pytest.fixture
def api(mock: MockConfigCat) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url="http://configcat-mock",
        transport=mock.transport,
        auth=(mock.username, mock.password),
    ) as client:
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


@dataclass
class World:
    product_id: str
    config_id: str
    env_id: str
    other_env_id: str
    setting_id: int


def make_world(api: httpx.Client, version: str = "v2") -> World:
    pid = ok(api.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Shop"}))[
        "productId"
    ]
    eid = ok(api.post(f"/v1/products/{pid}/environments", json={"name": "Prod"}))["environmentId"]
    other = ok(api.post(f"/v1/products/{pid}/environments", json={"name": "Dev"}))["environmentId"]
    cid = ok(
        api.post(f"/v1/products/{pid}/configs", json={"name": "Main", "evaluationVersion": version})
    )["configId"]
    sid = ok(
        api.post(
            f"/v1/configs/{cid}/settings",
            json={"key": "isCheckoutEnabled", "name": "Checkout", "settingType": "boolean"},
        )
    )["settingId"]
    return World(pid, cid, eid, other, sid)


def add_hook(api: httpx.Client, w: World, url: str, **body: Any) -> dict[str, Any]:
    hook: dict[str, Any] = ok(
        api.post(
            f"/v1/configs/{w.config_id}/environments/{w.env_id}/webhooks",
            json={"url": url, **body},
        )
    )
    return hook


def set_v2(api: httpx.Client, w: World, value: bool, env_id: str | None = None, **q: str) -> None:
    ok(
        api.put(
            f"/v2/environments/{env_id or w.env_id}/settings/{w.setting_id}/value",
            params=q,
            json={"defaultValue": {"boolValue": value}, "targetingRules": []},
        )
    )


def keys_of(api: httpx.Client, hook: dict[str, Any]) -> list[str]:
    keys = ok(api.get(f"/v1/webhooks/{hook['webhookId']}/keys"))
    return [keys["key1"], keys["key2"]]


def test_a_value_change_reaches_the_receiver_signed_and_substituted(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver
) -> None:
    w = make_world(api)
    hook = add_hook(
        api,
        w,
        f"{receiver.url}/hook",
        httpMethod="post",
        content=TEMPLATE,
        webHookHeaders=[
            {"key": "X-Team", "value": "shop", "isSecure": False},
            {"key": "X-Secret", "value": "s3cret", "isSecure": True},
        ],
    )
    set_v2(api, w, True, reason="launch day")
    [delivery] = mock.wait_for_webhooks()
    assert delivery["status"] == "delivered", delivery
    [got] = receiver.requests
    assert got["method"] == "POST"
    assert got["path"] == "/hook"
    assert got["headers"]["X-Team"] == "shop"
    assert got["headers"]["X-Secret"] == "s3cret"  # sent as stored, masked in the record
    assert {"key": "X-Secret", "value": "******"} in delivery["headers"]

    keys = keys_of(api, hook)
    verified = verify(got["headers"], got["body"], keys)
    assert verified.webhook_id == got["headers"][ID_HEADER] == delivery["deliveryId"]
    # one signature per signing key, so either key alone verifies (rotation)
    assert len(got["headers"][SIGNATURE_HEADER].split(",")) == 2
    verify(got["headers"], got["body"], keys[1])

    payload = json.loads(got["body"])
    assert payload["config"] == "Main"
    assert payload["configId"] == w.config_id
    assert payload["env"] == "Prod"
    assert payload["envId"] == w.env_id
    assert payload["url"].endswith(f"/{w.config_id}/{w.env_id}")
    assert payload["notes"] == "launch day"
    assert payload["by"].endswith(")") and "@" in payload["by"]
    assert payload["details"] == [
        {
            "settingKey": "isCheckoutEnabled",
            "event": "changed",
            "details": "\r\nisCheckoutEnabled: false ➔ true",
        }
    ]
    assert payload["slack"] == "*isCheckoutEnabled*\r\nisCheckoutEnabled: false ➔ true"
    assert payload["teams"].startswith("**isCheckoutEnabled**")
    assert payload["left"] == "##Nope##"


def test_tampered_old_and_wrongly_keyed_deliveries_are_refused(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver
) -> None:
    w = make_world(api)
    hook = add_hook(api, w, f"{receiver.url}/hook", httpMethod="post", content=TEMPLATE)
    set_v2(api, w, True)
    mock.wait_for_webhooks()
    [got] = receiver.requests
    headers, body, keys = got["headers"], got["body"], keys_of(api, hook)
    stamp = int(headers[TIMESTAMP_HEADER])
    verify(headers, body, keys, now=stamp + 299)
    with pytest.raises(InvalidSignatureError):
        verify(headers, body.replace(b"Main", b"Evil"), keys)
    with pytest.raises(StaleTimestampError):
        verify(headers, body, keys, now=stamp + 301)
    with pytest.raises(InvalidSignatureError):
        verify(headers, body, ["configcat_whsk_not-the-key"])


def test_the_answer_does_not_wait_for_the_receiver(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.hold = threading.Event()
    w = make_world(api)
    add_hook(api, w, f"{receiver.url}/slow")
    set_v2(api, w, True)  # answered while the receiver still holds the delivery
    assert receiver.got.wait(10)
    assert [d["status"] for d in mock.webhook_deliveries] == ["pending"]
    receiver.hold.set()
    assert [d["status"] for d in mock.wait_for_webhooks()] == ["delivered"]
    assert receiver.requests[0]["method"] == "GET"  # the default method
    assert receiver.requests[0]["body"] == b""


def test_failures_are_retried_a_bounded_number_of_times(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver
) -> None:
    w = make_world(api)
    add_hook(api, w, f"{receiver.url}/flaky", httpMethod="post", content="{}")
    receiver.statuses = [503, 500]
    set_v2(api, w, True)
    [delivery] = mock.wait_for_webhooks()
    assert delivery["status"] == "delivered"
    assert [a["statusCode"] for a in delivery["attempts"]] == [503, 500, 200]
    ids = {r["headers"][ID_HEADER] for r in receiver.requests}
    assert len(ids) == 1  # the same delivery, signed again at each attempt

    receiver.statuses = [503, 503, 503, 503]
    set_v2(api, w, False)
    delivery = mock.wait_for_webhooks()[-1]
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 3  # DEFAULT_ATTEMPTS, not more
    assert delivery["reason"] == "The receiver answered 503."

    receiver.statuses = [404]
    set_v2(api, w, True)
    delivery = mock.wait_for_webhooks()[-1]
    assert (delivery["status"], len(delivery["attempts"])) == ("failed", 1)  # not retried


def test_a_connection_refused_is_retried_and_recorded(
    mock: MockConfigCat, api: httpx.Client
) -> None:
    w = make_world(api)
    add_hook(api, w, "http://127.0.0.1:9/nobody-listens")
    set_v2(api, w, True)
    [delivery] = mock.wait_for_webhooks()
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 3
    assert all("error" in a for a in delivery["attempts"])
    assert delivery["reason"].startswith("Could not connect to the receiver (")


def test_a_hung_receiver_delays_only_its_own_deliveries(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver, hung_url: str
) -> None:
    mock.app.webhooks.timeout = 600.0  # the hung receiver's deliveries stay pending throughout
    w = make_world(api)
    add_hook(api, w, f"{hung_url}/hangs")  # first, so a single queue would put it in front
    add_hook(api, w, f"{receiver.url}/healthy")
    receiver.want = 5
    for turn in range(5):
        set_v2(api, w, turn % 2 == 0)
    assert receiver.enough.wait(30), f"{len(receiver.requests)} of 5 arrived"
    hung = [d for d in mock.webhook_deliveries if d["url"].startswith(hung_url)]
    assert [d["status"] for d in hung] == ["pending"] * 5
    healthy = [d for d in mock.webhook_deliveries if d["url"].startswith(receiver.url)]
    # one receiver's deliveries arrive in the order they were made
    assert [r["headers"][ID_HEADER] for r in receiver.requests] == [
        d["deliveryId"] for d in healthy
    ]

    mock.app.webhooks.close()  # cancels the hung deliveries instead of waiting 600 s
    hung = [d for d in mock.webhook_deliveries if d["url"].startswith(hung_url)]
    assert {(d["status"], d["reason"]) for d in hung} == {
        ("failed", "Not sent: the fake stopped before the receiver answered.")
    }
    assert mock.app.webhooks.wait(0)


def test_a_full_queue_drops_with_a_sentence(
    mock: MockConfigCat, api: httpx.Client, hung_url: str
) -> None:
    mock.app.webhooks.timeout = 600.0
    mock.app.webhooks.queue_size = 2
    w = make_world(api)
    add_hook(api, w, f"{hung_url}/hangs")
    for turn in range(3):
        set_v2(api, w, turn % 2 == 0)
    statuses = [(d["status"], d["reason"]) for d in mock.webhook_deliveries]
    assert statuses[:2] == [("pending", None)] * 2
    assert statuses[2] == (
        "dropped",
        "Not sent: 2 deliveries were already waiting, the most the fake keeps.",
    )
    mock.app.webhooks.close()


def test_only_the_covered_config_and_environment_and_real_changes_send(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver
) -> None:
    w = make_world(api)
    add_hook(api, w, f"{receiver.url}/prod")
    set_v2(api, w, True, env_id=w.other_env_id)  # another environment: no webhook
    ok(  # a PATCH that changes nothing (204): no webhook
        api.patch(
            f"/v2/environments/{w.env_id}/settings/{w.setting_id}/value",
            json=[{"op": "replace", "path": "/defaultValue/boolValue", "value": False}],
        )
    )
    mock.wait_for_webhooks()
    assert receiver.requests == []
    set_v2(api, w, True)
    assert len(mock.wait_for_webhooks()) == 1


def test_v1_values_and_bulk_updates_send_one_delivery_per_request(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver
) -> None:
    w = make_world(api, version="v1")
    second = ok(
        api.post(
            f"/v1/configs/{w.config_id}/settings",
            json={"key": "discount", "name": "Discount", "settingType": "int"},
        )
    )["settingId"]
    add_hook(api, w, f"{receiver.url}/v1", httpMethod="post", content="##ChangeDetails##")
    ok(
        api.post(
            f"/v1/configs/{w.config_id}/environments/{w.env_id}/values",
            json={
                "settingValues": [
                    {"settingId": w.setting_id, "value": True},
                    {"settingId": second, "value": 10},
                ]
            },
        )
    )
    [delivery] = mock.wait_for_webhooks()
    details = json.loads(receiver.requests[0]["body"])
    assert [d["settingKey"] for d in details] == ["isCheckoutEnabled", "discount"]
    assert details[1]["details"] == "\r\ndiscount: 0 ➔ 10"
    assert delivery["status"] == "delivered"


def test_an_applied_change_request_sends(
    mock: MockConfigCat, api: httpx.Client, receiver: Receiver
) -> None:
    w = make_world(api)
    add_hook(api, w, f"{receiver.url}/cr", httpMethod="post", content="##ChangeNotes##")
    cr = ok(
        api.post(
            f"/v2/configs/{w.config_id}/environments/{w.env_id}/change-requests",
            json={
                "title": "turn it on",
                "bypassApproval": True,
                "proposedChanges": [
                    {
                        "proposedChange": {
                            "settingId": w.setting_id,
                            "defaultValue": {"boolValue": True},
                        }
                    }
                ],
            },
        )
    )
    mock.wait_for_webhooks()
    assert receiver.requests == []  # proposing is not changing
    ok(api.post(f"/v2/change-requests/{cr['changeRequestId']}/apply"))
    [delivery] = mock.wait_for_webhooks()
    assert delivery["status"] == "delivered"
    assert receiver.requests[0]["body"] == b"turn it on"


def test_non_loopback_urls_are_refused_unless_allowed(
    mock: MockConfigCat, api: httpx.Client
) -> None:
    w = make_world(api)
    add_hook(api, w, "https://hooks.example.com/x")
    set_v2(api, w, True)
    [delivery] = mock.wait_for_webhooks()
    assert delivery["status"] == "refused"
    assert "--webhook-allow-host hooks.example.com" in delivery["reason"]
    assert delivery["attempts"] == []
    assert delivery["reason"].endswith(".")

    add_hook(api, w, "file:///etc/passwd")
    set_v2(api, w, False)
    refused = mock.wait_for_webhooks()[-1]
    assert refused["status"] == "refused"
    assert (
        refused["reason"] == "file:///etc/passwd is not an http or https URL, so it is not called."
    )

    sender = WebhookSender()
    assert sender.allowed("http://localhost:1/x") is None
    assert sender.allowed("http://[::1]:1/x") is None
    assert sender.allowed("http://127.0.0.2/x") is None
    assert sender.allowed("ftp://127.0.0.1/x") is not None
    assert sender.allowed("http://10.0.0.1/x") is not None
    assert WebhookSender(allow_hosts=["Hooks.Example.com"]).allowed(delivery["url"]) is None
    assert WebhookSender(allow_hosts=["*"]).allowed("http://10.0.0.1/x") is None
    assert WebhookSender(allow_hosts=["other.example.com"]).allowed(delivery["url"]) is not None


def test_the_allow_option_reaches_the_server_and_the_mock() -> None:
    args = build_parser().parse_args(
        ["serve", "--webhook-allow-host", "a.example", "--webhook-allow-host", "b.example"]
    )
    assert args.webhook_allow_host == ["a.example", "b.example"]
    with MockConfigCat(webhook_allow_hosts=args.webhook_allow_host) as m:
        assert m.app.webhooks.allowed("https://b.example/hook") is None
        assert m.app.webhooks.allowed("https://c.example/hook") is not None


def test_the_control_api_lists_clears_and_guards_the_record(receiver: Receiver) -> None:
    with (
        MockConfigCat(rate_limits=False, control_token="t0ken") as m,
        httpx.Client(
            base_url="http://configcat-mock", transport=m.transport, auth=(m.username, m.password)
        ) as api,
    ):
        w = make_world(api)
        add_hook(api, w, f"{receiver.url}/c")
        set_v2(api, w, True)
        path = "/_mock/webhook-deliveries"
        assert api.get(path, auth=None).status_code == 401
        bearer = {"Authorization": "Bearer t0ken"}
        listed = api.get(path, params={"wait": 10}, headers=bearer, auth=None).json()
        assert [d["status"] for d in listed] == ["delivered"]
        bad = api.get(path, params={"wait": "x"}, headers=bearer, auth=None)
        assert bad.status_code == 400
        assert api.request("DELETE", path, headers=bearer, auth=None).status_code == 204
        assert m.webhook_deliveries == []


def test_the_signature_is_the_clients() -> None:
    from configcat_mock.http.webhook_sender import signature

    assert signature("id-1", 1700000000, b"{}", "k") == sign("id-1", 1700000000, b"{}", "k")


def test_render_substitutes_once() -> None:
    assert render("##A## ##B## ##A##", {"A": "##B##", "B": "b"}) == "##B## b ##B##"
    assert render("no variables", {}) == "no variables"
