"""Rate limits per credential and endpoint: headers, 429 with Retry-After, windows."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.http.ratelimit import RateLimiter, RateLimits
from configcat_mock.state.seed import DEFAULT_SEED, DEMO_ORGANIZATION_ID
from configcat_publicapi._headers import parse_reset

#: The wall time the fake clock's 1000.0 stands for (2026-12-01T12:00:00Z).
WALL = 1796126400.0


def reset_at(seconds_after_wall: float) -> str:
    """``X-Rate-Limit-Reset`` for a reset ``seconds_after_wall`` after ``WALL``."""
    moment = datetime.fromtimestamp(WALL + seconds_after_wall, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def mock(clock: Clock) -> Iterator[MockConfigCat]:
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["tables"]["users"].append(
        {"user_id": "u2", "email": "u2@x.y", "full_name": "U2", "username": "u2", "password": "pw"}
    )
    with MockConfigCat(rate_limits=RateLimits(per_second=3, per_minute=5), seed=seed) as m:
        m.app.limiter.clock = clock
        m.app.limiter.wall = lambda: WALL + clock.now - 1000.0
        yield m


def client(mock: MockConfigCat, user: str = "demo", password: str = "demo") -> httpx.Client:  # noqa: S107
    return httpx.Client(transport=mock.transport, base_url="http://m", auth=(user, password))


def test_headers_count_down_then_429(mock: MockConfigCat) -> None:
    http = client(mock)
    remaining = [http.get("/v1/products").headers["X-Rate-Limit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    refused = http.get("/v1/products")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    assert refused.headers["X-Rate-Limit-Reset"] == reset_at(1.0) == "2026-12-01T12:00:01.000Z"
    assert refused.headers["content-type"].startswith("text/plain")
    assert "Too many requests" in refused.text


def test_the_reset_is_the_time_the_window_ends_not_a_rounded_delay(
    mock: MockConfigCat, clock: Clock
) -> None:
    http = client(mock)
    clock.now = 1000.95
    last = [http.get("/v1/me") for _ in range(3)][-1]
    assert last.headers["X-Rate-Limit-Remaining"] == "0"
    assert last.headers["X-Rate-Limit-Reset"] == reset_at(1.0)
    # the client reads it as the 50 ms left, where a delay in whole seconds would say 1 s
    assert parse_reset(last.headers["X-Rate-Limit-Reset"], now=WALL + 0.95) == pytest.approx(0.05)
    refused = http.get("/v1/me")
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "1")
    clock.now = 1001.0
    assert http.get("/v1/me").status_code == 200


def test_limits_are_per_endpoint_and_per_credential(mock: MockConfigCat) -> None:
    demo, other = client(mock), client(mock, "u2", "pw")
    for _ in range(3):
        demo.get("/v1/products")
    assert demo.get("/v1/products").status_code == 429
    assert demo.get("/v1/organizations").status_code == 200
    assert other.get("/v1/products").status_code == 200


def test_second_window_then_minute_window(mock: MockConfigCat, clock: Clock) -> None:
    http = client(mock)
    for _ in range(3):
        assert http.get("/v1/me").status_code == 200
    assert http.get("/v1/me").status_code == 429
    clock.now += 1
    assert http.get("/v1/me").status_code == 200
    assert http.get("/v1/me").status_code == 200
    refused = http.get("/v1/me")  # 5 in this minute: the minute window binds
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    clock.now = (clock.now // 60 + 1) * 60
    assert http.get("/v1/me").status_code == 200


def test_refused_requests_do_not_count(clock: Clock) -> None:
    limiter = RateLimiter(RateLimits(per_second=1, per_minute=2), clock=clock)
    assert limiter.hit("a", "op") is not None
    for _ in range(10):
        verdict = limiter.hit("a", "op")
        assert verdict is not None
        assert not verdict.allowed
    clock.now += 1
    verdict = limiter.hit("a", "op")
    assert verdict is not None
    assert verdict.allowed


def test_off_means_no_headers() -> None:
    with MockConfigCat(rate_limits=False) as m:
        http = client(m)
        responses = [http.get("/v1/products") for _ in range(40)]
    assert {r.status_code for r in responses} == {200}
    assert "X-Rate-Limit-Remaining" not in responses[0].headers


def test_default_limits_are_the_services() -> None:
    with MockConfigCat() as m:
        assert (m.app.limiter.limits.per_second, m.app.limiter.limits.per_minute) == (20, 500)


def test_limits_set_over_the_control_api(mock: MockConfigCat) -> None:
    http = client(mock)
    answer = http.put("/_mock/rate-limits", json={"per_second": 1, "per_minute": 10})
    assert answer.json() == {"per_second": 1, "per_minute": 10, "enabled": True}
    assert http.get("/v1/me").status_code == 200
    assert http.get("/v1/me").status_code == 429
    assert http.put("/_mock/rate-limits", json={"per_second": 0}).status_code == 400
    assert http.put("/_mock/rate-limits", json={"enabled": False}).status_code == 200
    assert http.get("/v1/me").status_code == 200


def test_malformed_limits_are_refused(mock: MockConfigCat) -> None:
    http = client(mock)
    for bad in ({"per_second": "5"}, {"per_minute": 1.5}, {"enabled": "no"}, [1, 2], {"x": 1}):
        assert http.put("/_mock/rate-limits", json=bad).status_code == 400, bad
    assert http.get("/_mock/rate-limits").json() == {
        "per_second": 3,
        "per_minute": 5,
        "enabled": True,
    }
    assert mock.app.internal_errors == []


def test_every_kind_of_answer_carries_the_headers(mock: MockConfigCat) -> None:
    http = client(mock)
    org = DEMO_ORGANIZATION_ID
    answers = {
        "201": http.post(f"/v1/organizations/{org}/products", json={"name": "P"}),
        "400": http.post(f"/v1/organizations/{org}/products", json={"name": ""}),
        "404": http.get("/v1/configs/00000000-0000-4000-8000-000000000000"),
    }
    pid = answers["201"].json()["productId"]
    answers["204"] = http.delete(f"/v1/products/{pid}")
    remaining = {}
    for status, response in answers.items():
        assert str(response.status_code) == status, response.text
        remaining[status] = response.headers["X-Rate-Limit-Remaining"]
        assert response.headers["X-Rate-Limit-Reset"] == reset_at(1.0), status
    # create-product counted twice (201, then 400); get-config and delete-product once each
    assert remaining == {"201": "2", "400": "1", "404": "2", "204": "2"}
    # an answer before the caller is known (401) counts against no one and carries none
    anonymous = httpx.Client(transport=mock.transport, base_url="http://m").get("/v1/me")
    assert anonymous.status_code == 401
    assert "X-Rate-Limit-Remaining" not in anonymous.headers
