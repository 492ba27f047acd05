"""A big ``PUT /_mock/state`` and the other clients meanwhile.

A ``configcat-mock serve`` child process; a state of ``--megabytes`` (58 by default: one
config of boolean flags in three environments) is built from the server's own dump, then
PUT while a second client asks ``GET /v1/me`` in a loop. Prints how long the load took, the
other client's slowest and median answers during it (target: slowest under 100 ms), and the
server's peak resident memory (``VmHWM``) before and after the load.

    python bench/bench_mock_state_load.py [--megabytes 58] [--rounds 3]

Run it with each tree's interpreter to compare (the child is ``sys.executable -m
configcat_mock``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _loopback import free_port, start_child

ORGANIZATION = "0f3c9a57-8a8e-4d4b-9a51-3e2f1b6c7d01"


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def big_body(h: httpx.Client, megabytes: float) -> bytes:
    pid = h.post(f"/v1/organizations/{ORGANIZATION}/products", json={"name": "Big"}).json()[
        "productId"
    ]
    for name in ("E0", "E1", "E2"):
        h.post(f"/v1/products/{pid}/environments", json={"name": name}).raise_for_status()
    cid = h.post(f"/v1/products/{pid}/configs", json={"name": "C"}).json()["configId"]
    state: dict[str, Any] = h.get("/_mock/state").json()
    tables = state["tables"]
    envs = [e["environment_id"] for e in tables["environments"]]
    settings, values = tables.setdefault("settings", []), tables.setdefault("setting_values", [])
    target, size, i = megabytes * 1024 * 1024, len(json.dumps(state)), 0
    while size < target:
        i += 1
        setting = {"setting_id": i, "config_id": cid, "key": f"flag{i}", "name": f"Flag {i}",
                   "setting_type": "boolean", "hint": "a flag of the big state",
                   "created_at": "2024-01-01T00:00:00.000Z"}  # fmt: skip
        settings.append(setting)
        size += len(json.dumps(setting)) + 2
        for j, env in enumerate(envs):
            value = {"setting_id": i, "environment_id": env, "version_id": f"v-{i}-{j}",
                     "formula": {"value": i % 2 == 0, "rolloutRules": [],
                                 "rolloutPercentageItems": []}}  # fmt: skip
            values.append(value)
            size += len(json.dumps(value)) + 2
    state.setdefault("counters", {})["setting"] = i
    return json.dumps(state).encode()


def one_round(base: str, body: bytes) -> tuple[float, list[float]]:
    latencies: list[float] = []
    moments: list[float] = []
    origin = time.perf_counter()
    loading = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=base, auth=("demo", "demo"), timeout=60) as h:
            while not loading.is_set():
                time.sleep(0.001)
            while loading.is_set():
                started = time.perf_counter()
                h.get("/v1/me").raise_for_status()
                latencies.append(time.perf_counter() - started)
                moments.append(started - origin)
                time.sleep(0.01)

    poller = threading.Thread(target=poll)
    poller.start()
    with httpx.Client(base_url=base, timeout=300) as h:
        loading.set()
        started = time.perf_counter()
        response = h.put("/_mock/state", content=body, headers={"Content-Type": "application/json"})
        took = time.perf_counter() - started
        loading.clear()
    poller.join()
    response.raise_for_status()
    worst = sorted(zip(latencies, moments, strict=True), reverse=True)[:3]
    shown = ", ".join(f"{lat * 1000:.0f} ms at {at:.1f} s" for lat, at in worst)
    print(f"  load took {took:.1f} s; slowest answers: {shown}")
    return took, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=58)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    limit = str(int(args.megabytes * 2) + 16)
    command = [sys.executable, "-m", "configcat_mock", "serve", "--port", str(port),
               "--no-rate-limit", "--control-body-limit", limit]  # fmt: skip
    proc = start_child(command, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, auth=("demo", "demo"), timeout=300) as h:
            body = big_body(h, args.megabytes)
        before = peak_rss_mib(proc.pid)
        took, slowest, median, answers = [], [], [], 0
        for _ in range(args.rounds):
            seconds, latencies = one_round(base, body)
            took.append(seconds)
            slowest.append(max(latencies, default=float("nan")))
            median.append(statistics.median(latencies) if latencies else float("nan"))
            answers += len(latencies)
        after = peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"PUT /_mock/state of {len(body) / 2**20:.1f} MiB: {statistics.median(took):.2f} s "
          f"(median of {args.rounds})")  # fmt: skip
    worst, typical = max(slowest) * 1000, statistics.median(median) * 1000
    print(f"GET /v1/me meanwhile ({answers} answers): slowest {worst:.0f} ms, "
          f"median {typical:.1f} ms (target: slowest < 100 ms)")  # fmt: skip
    print(f"server peak RSS: {before:.0f} MiB before the loads, {after:.0f} MiB after")


if __name__ == "__main__":
    main()
