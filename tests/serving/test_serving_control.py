"""The control API's guard: a bearer token, loopback only without one; hashed passwords."""

from __future__ import annotations

import copy
import json

import httpx
import pytest

from configcat_mock import MockConfigCat, cli
from configcat_mock.http.guards import CONTROL_TOKEN_ENV, is_loopback
from configcat_mock.http.server import LoopbackServer
from configcat_mock.http.serving import ServeError, control_token
from configcat_mock.state import passwords
from configcat_mock.state.seed import DEFAULT_SEED

TOKEN = "s3cret-control-token"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - only ever refused, never bound


def test_without_a_token_the_control_api_is_open_in_process() -> None:
    with MockConfigCat() as mock, httpx.Client(transport=mock.transport, base_url="http://m") as h:
        assert h.get("/_mock/health").status_code == 200
        assert h.get("/_mock/delivery/state").status_code == 200


@pytest.mark.parametrize("base_url", ["http://10.1.2.3", "http://[2001:db8::1]"])
def test_without_a_token_only_loopback_addresses_reach_the_control_api(base_url: str) -> None:
    # httpx's ASGI transport puts the URL's host in scope["server"], as a server would put the
    # address the request arrived on
    with MockConfigCat() as mock, httpx.Client(transport=mock.transport, base_url=base_url) as h:
        r = h.get("/_mock/state")
        assert r.status_code == 401
        assert "--control-token" in r.json()["message"]
        assert h.get("/_mock/delivery/client-keys").status_code == 401
        # the API itself is not the control API: Basic auth as usual
        assert h.get("/v1/me", auth=("demo", "demo")).status_code == 200
    with (
        MockConfigCat() as mock,
        httpx.Client(transport=mock.transport, base_url="http://127.0.0.1") as h,
    ):
        assert h.get("/_mock/state").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong", f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer", TOKEN, "Bearer  "],
)
def test_with_a_token_every_control_call_needs_it(authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with (
        MockConfigCat(control_token=TOKEN) as mock,
        httpx.Client(transport=mock.transport, base_url="http://m", headers=headers) as h,
    ):
        for method, path in [
            ("GET", "/_mock/state"),
            ("PUT", "/_mock/state"),
            ("POST", "/_mock/reset"),
            ("PUT", "/_mock/faults"),
            ("GET", "/_mock/journal"),
            ("GET", "/_mock/delivery/state"),
            ("GET", "/_mock/nothing-here"),
        ]:
            r = h.request(method, path, json={})
            assert r.status_code == 401, (method, path, r.text)
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert mock.app.internal_errors == []


def test_the_right_token_opens_the_control_api_and_the_api_keeps_basic_auth() -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with (
        MockConfigCat(control_token=TOKEN) as mock,
        httpx.Client(transport=mock.transport, base_url="http://10.1.2.3", headers=bearer) as h,
    ):
        state = h.get("/_mock/state")
        assert state.status_code == 200
        assert h.put("/_mock/state", json=state.json()).status_code == 204
        assert h.post("/_mock/reset").status_code == 204
        assert h.get("/v1/me").status_code == 401  # a bearer token is no API credential
        assert h.get("/v1/me", auth=("demo", "demo")).status_code == 200


def test_the_token_is_required_over_http_too() -> None:
    with MockConfigCat(control_token=TOKEN) as mock, LoopbackServer(mock.app) as server:
        assert httpx.get(server.url + "/_mock/health").status_code == 401
        ok = httpx.get(server.url + "/_mock/health", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    from configcat_mock.http import guards

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(guards.hmac, "compare_digest", spy)
    with (
        MockConfigCat(control_token=TOKEN) as mock,
        httpx.Client(transport=mock.transport, base_url="http://m") as h,
    ):
        h.get("/_mock/health", headers={"Authorization": "Bearer short"})
        h.get("/_mock/health", headers={"Authorization": f"Bearer {TOKEN}"})
    # digests of equal length: neither the token's length nor its content shows in the time
    assert len(calls) == 2
    assert all(len(a) == len(b) == 32 for a, b in calls)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        (ALL_INTERFACES, False),
        ("::", False),
        ("192.168.1.5", False),
        ("mock.example.org", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_refuses_a_non_loopback_host_without_a_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CONTROL_TOKEN_ENV, raising=False)
    assert cli.main(["serve", "--host", ALL_INTERFACES, "--port", "9"]) == 2
    err = capsys.readouterr().err
    assert "refusing to start" in err
    assert "--control-token" in err
    assert CONTROL_TOKEN_ENV in err


def test_the_token_comes_from_the_option_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(CONTROL_TOKEN_ENV, raising=False)
    assert control_token("127.0.0.1", None) is None
    assert control_token(ALL_INTERFACES, "given") == "given"
    monkeypatch.setenv(CONTROL_TOKEN_ENV, "from-env")
    assert control_token(ALL_INTERFACES, None) == "from-env"
    assert control_token("127.0.0.1", None) == "from-env"  # set, so required on loopback too
    assert control_token(ALL_INTERFACES, "given") == "given"
    with pytest.raises(ServeError, match="empty"):
        control_token(ALL_INTERFACES, " ")


@pytest.mark.parametrize("workers", ["2", "8", "0"])
def test_serve_runs_exactly_one_worker(workers: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--workers", workers, "--port", "9"]) == 2
    err = capsys.readouterr().err
    assert f"--workers {workers}" in err
    assert "one process" in err
    assert "20 requests a second" in err


# -- passwords -----------------------------------------------------------------------------


def seed_with(password: str) -> dict[str, object]:
    seed = copy.deepcopy(DEFAULT_SEED)
    seed["tables"]["users"].append(
        {"user_id": "u2", "email": "u@x", "full_name": "U", "username": "u2", "password": password}
    )
    return seed


def test_a_dump_holds_password_hashes_never_the_passwords() -> None:
    with MockConfigCat(seed=seed_with("correct horse battery")) as mock:
        text = json.dumps(mock.dump())
        users = mock.dump()["tables"]["users"]
    assert "correct horse battery" not in text
    assert '"demo"' not in text.replace('"username": "demo"', "")
    assert all(passwords.is_hash(u["password"]) for u in users)
    assert len({u["password"] for u in users}) == 2


def test_a_seed_may_give_a_password_or_its_hash() -> None:
    with MockConfigCat(seed=seed_with("pw-one")) as first:
        dumped = first.dump()
    hash_only = next(u for u in dumped["tables"]["users"] if u["user_id"] == "u2")["password"]
    assert passwords.is_hash(hash_only)
    for seed in (seed_with("pw-one"), seed_with(hash_only), dumped):
        with MockConfigCat(seed=seed) as mock:
            h = httpx.Client(transport=mock.transport, base_url="http://m")
            assert h.get("/v1/me", auth=("u2", "pw-one")).status_code == 200
            assert h.get("/v1/me", auth=("u2", "pw-two")).status_code == 401
            assert h.get("/v1/me", auth=("u2", hash_only)).status_code == 401  # not a password
            assert mock.dump() == dumped  # the same seed gives the same dump, run after run


def test_the_state_put_over_the_control_api_is_hashed_too() -> None:
    with MockConfigCat() as mock, httpx.Client(transport=mock.transport, base_url="http://m") as h:
        assert h.put("/_mock/state", json=seed_with("via-put")).status_code == 204
        assert "via-put" not in h.get("/_mock/state").text
        assert h.get("/v1/me", auth=("u2", "via-put")).status_code == 200


@pytest.mark.parametrize(
    "stored",
    [
        "plain",
        "scrypt$16384$8$1$c2FsdA==",  # no key
        "scrypt$3$8$1$c2FsdA==$a2V5",  # n not a power of two
        "scrypt$1073741824$8$1$c2FsdA==$a2V5",  # would take gigabytes
        "scrypt$16384$8$1$!!$a2V5",
    ],
)
def test_malformed_hashes_never_match(stored: str) -> None:
    assert passwords.verify(stored, "plain") is False


def test_a_password_is_hashed_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    threads: list[int | None] = []
    real = passwords._key

    def spy(*args: object) -> bytes:
        threads.append(threading.current_thread().ident)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(passwords, "_key", spy)
    with MockConfigCat(seed=seed_with("off-loop")) as mock, LoopbackServer(mock.app) as server:
        threads.clear()  # the seed's passwords were hashed when it loaded
        with httpx.Client(base_url=server.url) as h:
            for attempt in ("wrong-1", "wrong-2", "off-loop", "off-loop"):
                h.get("/v1/me", auth=("u2", attempt))
            assert h.get("/v1/me", auth=("u2", "off-loop")).status_code == 200
            assert h.get("/v1/me", auth=("u2", "wrong-3")).status_code == 401
    assert len(threads) == 4  # each new password once; what was checked before is remembered
    assert server.thread.ident not in threads  # the loop's thread never waited on scrypt
