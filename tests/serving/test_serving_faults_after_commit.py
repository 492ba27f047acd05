"""Faults after commit: the write is applied, then the answer is a 500/503 or nothing at all."""

from __future__ import annotations

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.http.faults import FaultRule
from configcat_mock.http.server import LoopbackServer
from configcat_mock.http.transport import ConnectionDropped
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

PRODUCTS = f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products"


def names(mock: MockConfigCat) -> list[str]:
    return sorted(p.name for p in mock.backend.products)


@pytest.mark.parametrize(
    ("rate", "status", "kept"),
    [
        ("rate_500_after", 500, ["P"]),
        ("rate_503_after", 503, ["P"]),
        ("rate_500", 500, []),  # before the handler: nothing changes
        ("rate_503", 503, []),
    ],
)
def test_after_commit_the_write_is_kept_and_the_answer_is_an_error(
    rate: str, status: int, kept: list[str]
) -> None:
    with (
        MockConfigCat(rate_limits=False, faults=[FaultRule("create-product", **{rate: 1})]) as m,
        httpx.Client(transport=m.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        r = h.post(PRODUCTS, json={"name": "P"})
        assert r.status_code == status
        assert r.text == f"Injected fault: {status}."  # the same words before and after
        assert names(m) == kept


@pytest.mark.parametrize(("rate", "kept"), [("rate_drop", []), ("rate_drop_after", ["P"])])
def test_a_dropped_connection_in_process(rate: str, kept: list[str]) -> None:
    with (
        MockConfigCat(rate_limits=False, faults=[FaultRule("create-product", **{rate: 1})]) as m,
        httpx.Client(transport=m.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        with pytest.raises(httpx.RemoteProtocolError) as raised:
            h.post(PRODUCTS, json={"name": "P"})
        assert isinstance(raised.value, ConnectionDropped)
        assert names(m) == kept
        assert [e.status for e in m.journal.entries] == [0]  # no answer
        assert m.app.internal_errors == []


@pytest.mark.parametrize(("rate", "kept"), [("rate_drop", []), ("rate_drop_after", ["P"])])
def test_a_dropped_connection_over_http_writes_nothing(rate: str, kept: list[str]) -> None:
    rules = [FaultRule("create-product", **{rate: 1})]
    with (
        MockConfigCat(rate_limits=False, faults=rules) as mock,
        LoopbackServer(mock.app) as server,
        httpx.Client(base_url=server.url, auth=("demo", "demo")) as h,
    ):
        # the server closes the socket: a FIN ("disconnected without sending a response"), or
        # a reset when the request's body was still unread in its buffer; both are a dropped
        # connection to the client
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)) as raised:
            h.post(PRODUCTS, json={"name": "P"})
        assert "without sending" in str(raised.value) or "reset" in str(raised.value).lower()
        assert names(mock) == kept
        assert h.get("/v1/me").status_code == 200  # a new connection is served as usual
        assert mock.app.internal_errors == []


def test_after_commit_faults_are_set_over_the_control_api_and_follow_the_seed() -> None:
    rules = {
        "seed": 4,
        "rules": [{"route": "create-tag", "rate_500_after": 0.3, "rate_drop_after": 0.2}],
    }
    runs = []
    for _ in range(2):
        with (
            MockConfigCat(rate_limits=False) as mock,
            httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h,
        ):
            assert h.put("/_mock/faults", json=rules).json() == {
                "seed": 4,
                "rules": [
                    {
                        "route": "create-tag",
                        "rate_429": 0.0,
                        "rate_500": 0.0,
                        "rate_503": 0.0,
                        "rate_drop": 0.0,
                        "rate_500_after": 0.3,
                        "rate_503_after": 0.0,
                        "rate_drop_after": 0.2,
                        "latency_ms": 0.0,
                    }
                ],
            }
            pid = h.post(PRODUCTS, json={"name": "P"}).json()["productId"]
            outcomes: list[httpx.Response | None] = []
            for i in range(40):
                try:
                    outcomes.append(h.post(f"/v1/products/{pid}/tags", json={"name": f"t{i}"}))
                except ConnectionDropped:
                    outcomes.append(None)
            statuses = [r.status_code if r is not None else 0 for r in outcomes]
            assert len(mock.backend.tags) == 40  # every one applied, whatever the answer
            runs.append(statuses)
    assert runs[0] == runs[1]
    assert set(runs[0]) == {0, 201, 500}


@pytest.mark.parametrize(
    "rule",
    [
        {"route": "*", "rate_500_after": 0.6, "rate_drop": 0.6},  # over 1 in all
        {"route": "*", "rate_drop_after": -0.1},
        {"route": "*", "rate_503_after": "often"},
    ],
)
def test_bad_after_commit_rates_are_refused(rule: dict[str, object]) -> None:
    with MockConfigCat() as mock, httpx.Client(transport=mock.transport, base_url="http://m") as h:
        r = h.put("/_mock/faults", json={"rules": [rule]})
        assert r.status_code == 400
        assert h.get("/_mock/faults").json()["rules"] == []
