"""Fault injection: shares of 429/500/503 and latency per route, deterministic by seed."""

from __future__ import annotations

import httpx

from configcat_mock import MockConfigCat
from configcat_mock.http.faults import FaultRule


def statuses(mock: MockConfigCat, path: str, n: int) -> list[int]:
    with httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h:
        return [h.get(path).status_code for _ in range(n)]


def test_fault_on_one_route_only() -> None:
    with MockConfigCat(rate_limits=False, faults=[FaultRule("get-products", rate_503=1.0)]) as m:
        assert set(statuses(m, "/v1/products", 5)) == {503}
        assert set(statuses(m, "/v1/organizations", 5)) == {200}


def test_path_patterns_match_too() -> None:
    with MockConfigCat(rate_limits=False, faults=[FaultRule("/v1/org*", rate_500=1.0)]) as m:
        assert set(statuses(m, "/v1/organizations", 3)) == {500}
        assert set(statuses(m, "/v1/products", 3)) == {200}


def test_same_seed_same_faults() -> None:
    rules = [FaultRule("*", rate_429=0.2, rate_500=0.2, rate_503=0.2)]
    runs = []
    for seed in (7, 7, 8):
        with MockConfigCat(rate_limits=False, faults=rules, fault_seed=seed) as m:
            runs.append(statuses(m, "/v1/me", 60))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert set(runs[0]) == {200, 429, 500, 503}
    share = sum(s != 200 for s in runs[0]) / 60
    assert 0.4 <= share <= 0.8


def test_injected_429_says_when_to_retry() -> None:
    with (
        MockConfigCat(rate_limits=False, faults=[FaultRule(rate_429=1.0)]) as m,
        httpx.Client(transport=m.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        response = h.get("/v1/me")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"


def test_latency_is_added() -> None:
    with MockConfigCat(rate_limits=False, faults=[FaultRule("get-me", latency_ms=40)]) as m:
        statuses(m, "/v1/me", 2)
        statuses(m, "/v1/products", 2)
        durations = {e.operation_id: e.duration_ms for e in m.journal.entries}
    assert durations["get-me"] >= 40
    assert durations["get-products"] < 40


def test_faults_set_at_run_time() -> None:
    with (
        MockConfigCat(rate_limits=False) as m,
        httpx.Client(transport=m.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        assert h.get("/v1/me").status_code == 200
        body = {"seed": 3, "rules": [{"route": "get-me", "rate_500": 1.0}]}
        assert h.put("/_mock/faults", json=body).status_code == 200
        assert h.get("/_mock/faults").json()["rules"][0]["rate_500"] == 1.0
        assert h.get("/v1/me").status_code == 500
        bad = {"rules": [{"route": "*", "rate_500": 2}]}
        assert h.put("/_mock/faults", json=bad).status_code == 400
        assert h.put("/_mock/faults", json={"rules": [{"nope": 1}]}).status_code == 400
        assert h.put("/_mock/faults", json={"rules": []}).status_code == 200
        assert h.get("/v1/me").status_code == 200


def test_malformed_fault_settings_are_refused() -> None:
    with (
        MockConfigCat(rate_limits=False) as m,
        httpx.Client(transport=m.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        for bad in (
            {"rules": 5},
            {"rules": [{"route": 5, "rate_500": 1}]},
            {"rules": [{"route": "*", "latency_ms": "inf"}]},
            {"rules": [], "seed": True},
            [],
        ):
            assert h.put("/_mock/faults", json=bad).status_code == 400, bad
        assert h.get("/_mock/faults").json() == {"seed": 0, "rules": []}
        assert h.get("/v1/me").status_code == 200
        assert m.app.internal_errors == []


def test_a_routes_faults_do_not_depend_on_other_routes_traffic() -> None:
    rules = [FaultRule("*", rate_503=0.5)]
    with MockConfigCat(rate_limits=False, faults=rules, fault_seed=5) as alone:
        expected = statuses(alone, "/v1/me", 30)
    with (
        MockConfigCat(rate_limits=False, faults=rules, fault_seed=5) as busy,
        httpx.Client(transport=busy.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        got = []
        for i in range(30):
            for _ in range(i % 3):
                h.get("/v1/products")
            got.append(h.get("/v1/me").status_code)
    assert got == expected
    assert set(expected) == {200, 503}


def test_reset_starts_the_faults_again_from_the_seed() -> None:
    rules = [FaultRule("get-me", rate_500=0.5)]
    with MockConfigCat(rate_limits=False, faults=rules, fault_seed=9) as m:
        first = statuses(m, "/v1/me", 20)
        with httpx.Client(transport=m.transport, base_url="http://m") as h:
            assert h.post("/_mock/reset").status_code == 204
        assert statuses(m, "/v1/me", 20) == first
        m.reset()
        assert statuses(m, "/v1/me", 20) == first
    assert set(first) == {200, 500}
