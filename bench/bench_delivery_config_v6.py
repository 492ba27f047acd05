"""Serving ``config_v6.json`` for a config with 1,000 flags with targeting rules.

The mock (its real app, rate limits off) runs under uvicorn on 127.0.0.1 in a child process
that stops with this script; its backend is filled directly with one v2 config of N flags,
each with text, number, sensitive and segment rules and percentage options. In the same
server, a baseline route answers the same bytes (and a bare 304) with no logic at all.
Sequential keep-alive requests from one httpx client, alternating rounds, then:

* requests/s for 200 (no ``If-None-Match``) and for 304 (current ETag), against the baseline;
* rebuild after a change: a value PUT through the management API, then the first GET (which
  rebuilds and re-encodes the config) against a cached GET;
* in-process: building the document from state (pure builder), and the store's rebuild.

    python bench/bench_delivery_config_v6.py [--flags 1000] [--rounds 5] [--calls 400]
"""

from __future__ import annotations

import argparse
import base64
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

from _loopback import exit_with_parent, free_port

SEGMENTS = 5


def fill(backend: Any, flags: int) -> tuple[str, str, str]:
    """One product, environment and v2 config with ``flags`` flags; returns (sdk key, env id,
    config id)."""
    from configcat_mock.state import records as m
    from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

    product, env, config = (str(uuid.UUID(int=i, version=4)) for i in (1, 2, 3))
    backend.products.add(m.Product(product, DEMO_ORGANIZATION_ID, "Bench"))
    backend.environments.add(m.Environment(env, product, "Production"))
    backend.configs.add(m.Config(config, product, "Main", evaluation_version="v2"))
    for i in range(SEGMENTS):
        backend.segments.add(
            m.Segment(f"s-{i}", product, f"Segment {i}", "Email", "contains", f"@team{i}.io",
                      created_at=f"2024-01-0{i + 1}")
        )  # fmt: skip

    def cond(attribute: str, comparator: str, **value: Any) -> dict[str, Any]:
        cv = {"stringValue": None, "doubleValue": None, "listValue": None, **value}
        return {"userCondition": {"comparisonAttribute": attribute, "comparator": comparator,
                                  "comparisonValue": cv},
                "segmentCondition": None, "prerequisiteFlagCondition": None}  # fmt: skip

    for n in range(1, flags + 1):
        backend.settings.add(m.Setting(n, config, f"flag{n}", f"Flag {n}", "string"))
        items = [{"value": f"user{n}-{k}@corp.io", "hint": None} for k in range(3)]
        rules = [
            {"conditions": [cond("Email", "textEndsWithAnyOf", listValue=[
                {"value": "@example.com", "hint": None}])],
             "percentageOptions": [], "value": {"stringValue": "example"}},
            {"conditions": [cond("Age", "numberGreaterOrEquals", doubleValue=18.0),
                            cond("Country", "isOneOf", listValue=[
                                {"value": "HU", "hint": None}, {"value": "NL", "hint": None}])],
             "percentageOptions": [], "value": {"stringValue": "adult-eu"}},
            {"conditions": [cond("Email", "sensitiveIsOneOf", listValue=items)],
             "percentageOptions": [], "value": {"stringValue": "listed"}},
            {"conditions": [{"userCondition": None, "prerequisiteFlagCondition": None,
                             "segmentCondition": {"segmentId": f"s-{n % SEGMENTS}",
                                                  "comparator": "isIn"}}],
             "percentageOptions": [], "value": {"stringValue": "segment"}},
            {"conditions": [], "value": None, "percentageOptions": [
                {"percentage": 30, "value": {"stringValue": "a"}},
                {"percentage": 70, "value": {"stringValue": "b"}}]},
        ]  # fmt: skip
        formula = {"defaultValue": {"stringValue": f"off{n}"}, "targetingRules": rules,
                   "percentageEvaluationAttribute": None}  # fmt: skip
        backend.setting_values.add(m.SettingValue(n, env, formula, f"v-{n}"))
    key = backend.ensure_sdk_keys(config, env).primary
    return key, env, config


def change_one_value(backend: Any, config_id: str, env_id: str, text: str) -> None:
    """What a value PUT of flag 1 does to the state: new formula, new version, an entry."""
    from configcat_mock.api.formulas import touch
    from configcat_mock.state.seed import DEMO_ORGANIZATION_ID, DEMO_USER_ID

    value = backend.setting_values.get((1, env_id))
    formula = {**value.formula, "defaultValue": {"stringValue": text}}
    user = backend.users[DEMO_USER_ID]
    backend.set_formula(value, formula)
    touch(backend, value, user)
    product = backend.configs[config_id].product_id
    backend.audit(user, DEMO_ORGANIZATION_ID, product, "settingValueChanged", "flag1",
                  config_id=config_id, environment_id=env_id)  # fmt: skip


def serve(port: int, flags: int, ttl: float) -> None:
    """The child process: the mock plus a baseline route; gone with its parent or after ttl."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route

    from configcat_mock.delivery.store import store_for
    from configcat_mock.testkit.mock import MockConfigCat

    exit_with_parent(ttl)
    mock = MockConfigCat(rate_limits=False)
    key, env, _ = fill(mock.backend, flags)
    with mock.backend.lock:
        served = store_for(mock.backend).config_v6(key, f"http://127.0.0.1:{port}")
    assert served is not None
    body, etag = served.body, served.etag

    async def baseline(request: Request) -> Response:
        if request.headers.get("if-none-match") == etag:
            return Response(None, 304, {"ETag": etag})
        return Response(body, 200, {"ETag": etag}, media_type="application/json")

    app = Starlette(routes=[Route("/baseline", baseline), Mount("", app=mock.app)])
    sys.stdout.write(f"{key} {env}\n")
    sys.stdout.flush()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def rate(client: Any, url: str, calls: int, headers: dict[str, str], status: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        r = client.get(url, headers=headers)
        if r.status_code != status:
            raise SystemExit(f"{url}: {r.status_code}, expected {status}")
    return calls / (time.perf_counter() - started)


def in_process(flags: int, repeats: int) -> dict[str, float]:
    """Median seconds: the pure builder, and the store's rebuild after a change."""
    from configcat_mock.delivery.config_v6 import build_config_v6, encode
    from configcat_mock.delivery.snapshot import config_source
    from configcat_mock.delivery.store import DeliveryStore
    from configcat_mock.state.backend import Backend

    backend = Backend()
    key, env, config = fill(backend, flags)
    store = DeliveryStore(backend)
    pure, snap, rebuild, cached = [], [], [], []
    for i in range(repeats):
        t0 = time.perf_counter()
        source = config_source(backend, config, env)
        t1 = time.perf_counter()
        assert source is not None
        encode(build_config_v6(source, "http://x"))
        t2 = time.perf_counter()
        snap.append(t1 - t0)
        pure.append(t2 - t1)
        change_one_value(backend, config, env, f"x{i}")
        t3 = time.perf_counter()
        store.config_v6(key, "http://x")
        t4 = time.perf_counter()
        store.config_v6(key, "http://x")
        t5 = time.perf_counter()
        rebuild.append(t4 - t3)
        cached.append(t5 - t4)
    return {
        "read state": statistics.median(snap),
        "build + encode": statistics.median(pure),
        "store rebuild after change": statistics.median(rebuild),
        "store cached": statistics.median(cached),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flags", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args()

    import httpx

    port = free_port()
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), str(args.flags)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        key, env = child.stdout.readline().split()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    client.get("/baseline")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            url = f"/configuration-files/{key}/config_v6.json"
            first = client.get(url)
            etag, size = first.headers["etag"], len(first.content)
            results: dict[str, list[float]] = {k: [] for k in ("b200", "m200", "b304", "m304")}
            for _ in range(args.rounds):
                results["b200"].append(rate(client, "/baseline", args.calls, {}, 200))
                results["m200"].append(rate(client, url, args.calls, {}, 200))
                results["b304"].append(
                    rate(client, "/baseline", args.calls, {"If-None-Match": etag}, 304)
                )
                results["m304"].append(rate(client, url, args.calls, {"If-None-Match": etag}, 304))
            auth = base64.b64encode(b"demo:demo").decode()
            change_url = f"/v2/environments/{env}/settings/1/value"
            after_change, steady = [], []
            for i in range(args.changes):
                body = {"defaultValue": {"stringValue": f"changed-{i}"}, "targetingRules": []}
                r = client.put(change_url, json=body, headers={"Authorization": f"Basic {auth}"})
                if r.status_code != 200:
                    raise SystemExit(f"change: {r.status_code} {r.text[:200]}")
                t0 = time.perf_counter()
                fresh = client.get(url)
                t1 = time.perf_counter()
                client.get(url)
                t2 = time.perf_counter()
                assert f"changed-{i}" in fresh.text
                after_change.append(t1 - t0)
                steady.append(t2 - t1)
    finally:
        child.terminate()
        child.wait(timeout=10)

    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"config_v6.json: {args.flags} flags, 5 rules each, {size / 1024:.0f} KiB; "
          f"{args.rounds} rounds x {args.calls} sequential keep-alive GETs")  # fmt: skip
    print(f"{'':24}{'mock r/s':>10}{'baseline r/s':>14}{'ratio':>8}")
    for label, m_key, b_key in (
        ("200 (full body)", "m200", "b200"),
        ("304 (If-None-Match)", "m304", "b304"),
    ):
        print(f"{label:24}{med[m_key]:>10.0f}{med[b_key]:>14.0f}{med[m_key] / med[b_key]:>8.2f}")
    a, s = statistics.median(after_change) * 1000, statistics.median(steady) * 1000
    print(f"first GET after a change (rebuild): {a:.2f} ms median of {args.changes}; "
          f"cached GET: {s:.2f} ms; ratio {a / s:.1f}x")  # fmt: skip
    for label, seconds in in_process(args.flags, 15).items():
        print(f"in-process {label:28} {seconds * 1000:8.3f} ms")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]), ttl=600)
    else:
        sys.exit(main())
