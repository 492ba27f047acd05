"""Per-resource cost of the mock as its state grows: the same requests at N settings and at
a hundred times N, and their growth.

One product with three environments; a v1 config and a v2 config with N settings each, and a
small config (10 settings) whose listing must not grow with the others. Everything is created
through the API on the in-process transport (``mock.transport``), rate limits off, response
validation off. For each N the script prints the median of ``--calls`` requests of each kind,
and at the end the growth (median at the largest N / median at the smallest); the target is
≤ 1.2x for every row. "POST a setting (fill)" is the median create while filling, taken over
the last 200 creates of each size: flat means creating N settings costs linear time. All
sizes live in one process and are measured in alternating rounds.

    python bench/bench_mock_scaling.py [--sizes 100,10000] [--calls 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

SMALL = 10


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise SystemExit(f"{response.request.method} {response.request.url}: {response.text}")
    return response.json() if response.content else None


class World:
    """A filled mock and the ids the measured requests use."""

    def __init__(self, n: int) -> None:
        self.mock = MockConfigCat(rate_limits=False)
        self.http = httpx.Client(
            transport=self.mock.transport,
            base_url="http://mock",
            auth=(self.mock.username, self.mock.password),
        )
        post = self.post
        product = post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", {"name": "Bench"})
        pid = product["productId"]
        self.envs = [
            post(f"/v1/products/{pid}/environments", {"name": f"Env {i}"})["environmentId"]
            for i in range(3)
        ]
        self.v1 = post(f"/v1/products/{pid}/configs", {"name": "V1", "evaluationVersion": "v1"})[
            "configId"
        ]
        self.v2 = post(f"/v1/products/{pid}/configs", {"name": "V2", "evaluationVersion": "v2"})[
            "configId"
        ]
        self.small = post(f"/v1/products/{pid}/configs", {"name": "Small"})["configId"]
        self.sink = post(f"/v1/products/{pid}/configs", {"name": "Sink"})["configId"]
        self.create_times: list[float] = []
        for i in range(SMALL):
            self.create(self.small, f"small{i}")
        self.v1_ids = [self.create(self.v1, f"one{i}") for i in range(n)]
        self.v2_ids = [self.create(self.v2, f"two{i}") for i in range(n)]
        env = self.envs[1]
        self.v1_sdk = _ok(self.http.get(f"/v1/configs/{self.v1}/environments/{env}"))["primary"]
        self.v2_sdk = _ok(self.http.get(f"/v1/configs/{self.v2}/environments/{env}"))["primary"]
        self.extra = 0

    def post(self, path: str, body: Any) -> Any:
        return _ok(self.http.post(path, json=body))

    def create(self, config_id: str, key: str) -> int:
        started = time.perf_counter()
        body = {"key": key, "name": key, "settingType": "boolean"}
        setting = self.post(f"/v1/configs/{config_id}/settings", body)
        self.create_times.append(time.perf_counter() - started)
        return int(setting["settingId"])

    def requests(self) -> dict[str, Callable[[int], httpx.Response]]:
        h = self.http
        env = self.envs[1]
        mid1 = self.v1_ids[len(self.v1_ids) // 2]
        mid2 = self.v2_ids[len(self.v2_ids) // 2]
        key1, key2 = f"one{len(self.v1_ids) // 2}", f"two{len(self.v2_ids) // 2}"
        sdk1 = {"X-CONFIGCAT-SDKKEY": self.v1_sdk}
        sdk2 = {"X-CONFIGCAT-SDKKEY": self.v2_sdk}
        v1_by_ids = f"/v1/environments/{env}/settings/{mid1}/value"
        v2_by_ids = f"/v2/environments/{env}/settings/{mid2}/value"

        def v1_body(i: int) -> dict[str, Any]:
            return {"value": i % 2 == 0}

        def v1_patch(i: int) -> list[dict[str, Any]]:
            return [{"op": "replace", "path": "/value", "value": i % 2 == 1}]

        def v2_body(i: int) -> dict[str, Any]:
            return {"defaultValue": {"boolValue": i % 2 == 0}, "targetingRules": []}

        def v2_patch(i: int) -> list[dict[str, Any]]:
            return [{"op": "replace", "path": "/defaultValue/boolValue", "value": i % 2 == 1}]

        def create(i: int) -> httpx.Response:
            self.extra += 1
            key = f"extra{self.extra}"
            body = {"key": key, "name": key, "settingType": "boolean"}
            return h.post(f"/v1/configs/{self.sink}/settings", json=body)

        return {
            "GET v1 value (ids)": lambda i: h.get(v1_by_ids),
            "PUT v1 value (ids)": lambda i: h.put(v1_by_ids, json=v1_body(i)),
            "PATCH v1 value (ids)": lambda i: h.patch(v1_by_ids, json=v1_patch(i)),
            "GET v1 value (SDK key)": lambda i: h.get(f"/v1/settings/{key1}/value", headers=sdk1),
            "PUT v1 value (SDK key)": lambda i: h.put(
                f"/v1/settings/{key1}/value", json=v1_body(i), headers=sdk1
            ),
            "PATCH v1 value (SDK key)": lambda i: h.patch(
                f"/v1/settings/{key1}/value", json=v1_patch(i), headers=sdk1
            ),
            "GET v2 value (ids)": lambda i: h.get(v2_by_ids),
            "PUT v2 value (ids)": lambda i: h.put(v2_by_ids, json=v2_body(i)),
            "PATCH v2 value (ids)": lambda i: h.patch(v2_by_ids, json=v2_patch(i)),
            "GET v2 value (SDK key)": lambda i: h.get(f"/v2/settings/{key2}/value", headers=sdk2),
            "PUT v2 value (SDK key)": lambda i: h.put(
                f"/v2/settings/{key2}/value", json=v2_body(i), headers=sdk2
            ),
            "PATCH v2 value (SDK key)": lambda i: h.patch(
                f"/v2/settings/{key2}/value", json=v2_patch(i), headers=sdk2
            ),
            "GET a setting": lambda i: h.get(f"/v1/settings/{mid1}"),
            "GET a config": lambda i: h.get(f"/v1/configs/{self.v1}"),
            "POST a setting": create,
            f"GET settings of a {SMALL}-setting config": lambda i: h.get(
                f"/v1/configs/{self.small}/settings"
            ),
            f"GET v2 values of a {SMALL}-setting config": lambda i: h.get(
                f"/v2/configs/{self.small}/environments/{env}/values"
            ),
        }


def measure(worlds: dict[int, World], calls: int, rounds: int) -> dict[int, dict[str, float]]:
    """Median per request of each kind, the sizes interleaved round by round so that load
    from elsewhere on the machine falls on all of them alike."""
    plans = {n: world.requests() for n, world in worlds.items()}
    names = list(next(iter(plans.values())))
    samples: dict[int, dict[str, list[float]]] = {n: {k: [] for k in names} for n in worlds}
    for name in names:
        for plan in plans.values():
            for i in range(10):  # warm-up
                _ok(plan[name](i))
        for r in range(rounds):
            for n, plan in plans.items():
                send = plan[name]
                for i in range(calls // rounds):
                    started = time.perf_counter()
                    response = send(r * calls + i)
                    samples[n][name].append(time.perf_counter() - started)
                    _ok(response)
    out = {
        n: {k: statistics.median(v) for k, v in by_name.items()} for n, by_name in samples.items()
    }
    for n, world in worlds.items():
        out[n]["POST a setting (fill)"] = statistics.median(world.create_times[-200:])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    worlds: dict[int, World] = {}
    for n in sizes:
        started = time.perf_counter()
        worlds[n] = World(n)
        fill = time.perf_counter() - started
        print(f"N = {n}: filled {2 * n + SMALL} settings in {fill:.2f} s", flush=True)
    results = measure(worlds, args.calls, args.rounds)
    names = list(results[sizes[0]])
    width = max(len(n) for n in names)
    head = "".join(f"{f'N={n}':>12}" for n in sizes)
    print(f"\n{'request (median µs)':<{width}}{head}{'growth':>9}")
    worst = 0.0
    for name in names:
        row = [results[n][name] for n in sizes]
        growth = row[-1] / row[0]
        worst = max(worst, growth)
        cells = "".join(f"{t * 1e6:>12.0f}" for t in row)
        print(f"{name:<{width}}{cells}{growth:>8.2f}x")
    print(f"\nworst growth N={sizes[0]} → N={sizes[-1]}: {worst:.2f}x (target ≤ 1.20x)")
    for world in worlds.values():
        world.http.close()
        world.mock.close()


if __name__ == "__main__":
    main()
