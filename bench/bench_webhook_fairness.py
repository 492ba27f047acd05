"""How long a healthy webhook receiver waits when another receiver hangs.

One config, two webhooks: the first calls a receiver on 127.0.0.1 that accepts connections
and never answers, the second a receiver that answers 200 at once. Five value changes; the
figure is the time from the first write until the healthy receiver has all five deliveries
(capped at ``--cap`` seconds, with how many arrived by then), with the fake's default timeout
and retries; the first delivery also pays for starting the sender (its thread and HTTP client).

Each run is a fresh process. The baseline is the fake as of a git ref (``--baseline main``,
exported with ``git archive``) and runs alternate with the working tree's.

    python bench/bench_webhook_fairness.py [--runs 3] [--cap 30] [--baseline main]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(cap: float) -> dict[str, float]:
    """In this process: the seconds until five deliveries reached the healthy receiver."""
    import httpx

    from configcat_mock import MockConfigCat

    arrived: list[float] = []
    enough = threading.Event()

    class Healthy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            arrived.append(time.perf_counter())
            if len(arrived) >= 5:
                enough.set()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    healthy = ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
    threading.Thread(target=healthy.serve_forever, daemon=True).start()
    hung = socket.create_server(("127.0.0.1", 0), backlog=64)  # the kernel accepts; no answer
    with (
        MockConfigCat(rate_limits=False) as mock,
        httpx.Client(
            base_url="http://configcat-mock",
            transport=mock.transport,
            auth=(mock.username, mock.password),
        ) as api,
    ):
        org = api.get("/v1/organizations").json()[0]["organizationId"]
        product = api.post(f"/v1/organizations/{org}/products", json={"name": "P"}).json()
        pid = product["productId"]
        env = api.post(f"/v1/products/{pid}/environments", json={"name": "E"}).json()
        config = api.post(
            f"/v1/products/{pid}/configs", json={"name": "C", "evaluationVersion": "v2"}
        ).json()
        setting = api.post(
            f"/v1/configs/{config['configId']}/settings",
            json={"key": "flag", "name": "flag", "settingType": "boolean"},
        ).json()
        base = f"/v1/configs/{config['configId']}/environments/{env['environmentId']}/webhooks"
        for port in (hung.getsockname()[1], healthy.server_address[1]):
            api.post(base, json={"url": f"http://127.0.0.1:{port}/hook"}).raise_for_status()
        started = time.perf_counter()
        for turn in range(5):
            api.put(
                f"/v2/environments/{env['environmentId']}/settings/{setting['settingId']}/value",
                json={"defaultValue": {"boolValue": turn % 2 == 0}, "targetingRules": []},
            ).raise_for_status()
        written = time.perf_counter()
        enough.wait(cap)
        took = (arrived[-1] - started) if len(arrived) >= 5 else cap
        hung.close()
        healthy.shutdown()
    return {
        "seconds": took,
        "arrived": len(arrived),
        "writes": written - started,
        "first": arrived[0] - started if arrived else cap,
    }


def run(pythonpath: str, cap: float) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    out = subprocess.run(
        [sys.executable, __file__, "--one", "--cap", str(cap)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=cap + 120,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--baseline", default="main", help="git ref of the baseline (main)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.cap)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline, "mock_server"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        paths = {"baseline": f"{tmp}/mock_server", "current": str(ROOT / "mock_server")}
        results: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
        for _ in range(args.runs):
            for name, path in paths.items():  # alternating, so both see the same machine
                results[name].append(run(path, args.cap))
    medians = {}
    for name, runs in results.items():
        medians[name] = statistics.median(r["seconds"] for r in runs)
        counts = ", ".join(f"{r['arrived']:.0f}/5 in {r['seconds']:.2f} s" for r in runs)
        print(f"{name:9} healthy receiver: {counts}; median {medians[name]:.2f} s")
    print(f"baseline / current: {medians['baseline'] / max(medians['current'], 1e-9):.1f}x")


if __name__ == "__main__":
    main()
