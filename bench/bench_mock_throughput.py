"""Throughput of the mock server over loopback, side by side with Prism and WireMock.

Two workloads, each run sequentially on one keep-alive ``httpx.Client`` against each server
on 127.0.0.1: ``GET /v1/products``, and a write-heavy mix (create a tag, rename it, patch a
setting value, delete the tag: four writes). The servers take turns in alternating rounds.
Printed: requests/s, p50 and p99 latency, and our requests/s as a ratio of each peer's in
the same run.

Ours runs with state and request validation on and rate limiting off (the service's 20/s
would refuse a benchmark), once in memory and once with a state file (``--state-file``).
Prism (``npm i @stoplight/prism-cli`` into .tool-cache/) serves the spec's examples; WireMock
(the standalone jar shipped in the ``wiremock`` PyPI package, installed into .tool-cache/)
serves catch-all stubs. A peer that cannot be installed or
started is skipped with the reason. Every server is stopped by this script.

    python bench/bench_mock_throughput.py [--requests 3000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from _loopback import free_port, mock_command

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".tool-cache"
SPEC = REPO / "spec" / "swagger.json"
AUTH = ("demo", "demo")
ORG = "0f3c9a57-8a8e-4d4b-9a51-3e2f1b6c7d01"
_PROCS: list[subprocess.Popen[bytes]] = []


class Skip(Exception):
    """A peer that cannot run here; the message says why."""


def _stop_all() -> None:
    for proc in _PROCS:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


atexit.register(_stop_all)


def _start(
    cmd: list[str], ready: Callable[[], bool], timeout: float = 60
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _PROCS.append(proc)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace")[-400:] if proc.stderr else ""
            raise Skip(f"exited with {proc.returncode}: {err.strip()}")
        try:
            if ready():
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise Skip("did not become ready in time")


class Server:
    name = ""
    proc: subprocess.Popen[bytes] | None = None
    base = ""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Ours(Server):
    name = "configcat-mock"

    def start(self) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        cmd = mock_command(port, *self.extra())
        self.proc = _start(cmd, lambda: httpx.get(self.base + "/_mock/health").status_code == 200)

    def extra(self) -> list[str]:
        return []


class OursWithStateFile(Ours):
    """The same server keeping its state in a state file (every write saved before its
    answer)."""

    name = "mock+state-file"

    def extra(self) -> list[str]:
        self.folder = tempfile.TemporaryDirectory()
        return ["--state-file", str(Path(self.folder.name) / "state.db")]

    def stop(self) -> None:
        super().stop()
        self.folder.cleanup()


class Prism(Server):
    name = "prism"

    def start(self) -> None:
        prism = CACHE / "prism" / "node_modules" / ".bin" / "prism"
        if not prism.exists():
            if shutil.which("npm") is None:
                raise Skip("npm is not installed")
            result = subprocess.run(
                ["npm", "i", "--prefix", str(CACHE / "prism"), "@stoplight/prism-cli"],
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            if result.returncode != 0 or not prism.exists():
                raise Skip(f"npm i @stoplight/prism-cli failed: {result.stderr[-300:]}")
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        cmd = [str(prism), "mock", str(SPEC), "-h", "127.0.0.1", "-p", str(port)]
        self.proc = _start(
            cmd, lambda: httpx.get(self.base + "/v1/me", auth=AUTH).status_code < 500
        )


class WireMock(Server):
    name = "wiremock"

    def _jar(self) -> Path:
        found = sorted((CACHE / "wiremock-py").glob("**/wiremock-standalone*.jar"))
        if not found:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--target",
                    str(CACHE / "wiremock-py"),
                    "wiremock",
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            found = sorted((CACHE / "wiremock-py").glob("**/wiremock-standalone*.jar"))
            if not found:
                raise Skip(f"pip install wiremock gave no jar: {result.stderr[-300:]}")
        return found[-1]

    def start(self) -> None:
        if shutil.which("java") is None:
            raise Skip("java is not installed")
        jar = self._jar()
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        cmd = [
            "java",
            "-jar",
            str(jar),
            "--port",
            str(port),
            "--bind-address",
            "127.0.0.1",
            "--disable-banner",
            "--no-request-journal",
        ]
        self.proc = _start(
            cmd, lambda: httpx.get(self.base + "/__admin/mappings").status_code == 200
        )
        product = {
            "organization": {"organizationId": ORG, "name": "Demo"},
            "productId": ORG,
            "name": "P",
            "description": None,
            "order": 0,
            "reasonRequired": False,
            "approveRequired": False,
        }
        stubs = [
            ("GET", "/v1/products", 200, [product] * 5),
            ("POST", "/v1/products/.*/tags", 201, {"tagId": 1, "name": "t", "color": None}),
            ("PUT", "/v1/tags/.*", 200, {"tagId": 1, "name": "t", "color": None}),
            ("PATCH", "/v1/environments/.*/value", 200, {"value": True}),
            ("DELETE", "/v1/tags/.*", 204, None),
        ]
        for method, pattern, status, body in stubs:
            response: dict[str, Any] = {"status": status}
            if body is not None:
                response["jsonBody"] = body
            mapping = {"request": {"method": method, "urlPattern": pattern}, "response": response}
            httpx.post(self.base + "/__admin/mappings", json=mapping).raise_for_status()


# -- workloads --------------------------------------------------------------------------------


def _ids(http: httpx.Client, server: Server) -> dict[str, Any]:
    """Ids the write mix works on: real ones from our mock, placeholders for stateless peers."""
    if not isinstance(server, Ours):  # (a state-file mock is one of ours)
        return {"pid": ORG, "eid": ORG, "sid": 1}
    for i in range(5):
        pid = http.post(f"/v1/organizations/{ORG}/products", json={"name": f"P{i}"}).json()[
            "productId"
        ]
    eid = http.post(f"/v1/products/{pid}/environments", json={"name": "E"}).json()["environmentId"]
    cid = http.post(f"/v1/products/{pid}/configs", json={"name": "C"}).json()["configId"]
    sid = http.post(
        f"/v1/configs/{cid}/settings", json={"key": "f", "name": "F", "settingType": "boolean"}
    ).json()["settingId"]
    return {"pid": pid, "eid": eid, "sid": sid}


def read_products(http: httpx.Client, ids: dict[str, Any], i: int, times: list[float]) -> None:
    t = time.perf_counter()
    response = http.get("/v1/products")
    times.append(time.perf_counter() - t)
    assert response.status_code == 200, response.text[:200]


def write_mix(http: httpx.Client, ids: dict[str, Any], i: int, times: list[float]) -> None:
    t = time.perf_counter()
    created = http.post(f"/v1/products/{ids['pid']}/tags", json={"name": f"tag{i}"})
    times.append(time.perf_counter() - t)
    assert created.status_code == 201, created.text[:200]
    tag_id = created.json().get("tagId", 1)
    t = time.perf_counter()
    renamed = http.put(f"/v1/tags/{tag_id}", json={"name": f"tag{i}b"})
    times.append(time.perf_counter() - t)
    t = time.perf_counter()
    patched = http.patch(
        f"/v1/environments/{ids['eid']}/settings/{ids['sid']}/value",
        json=[{"op": "replace", "path": "/value", "value": i % 2 == 0}],
    )
    times.append(time.perf_counter() - t)
    t = time.perf_counter()
    deleted = http.delete(f"/v1/tags/{tag_id}")
    times.append(time.perf_counter() - t)
    assert renamed.status_code == 200, renamed.text[:200]
    assert patched.status_code in (200, 204), patched.text[:200]
    assert deleted.status_code == 204, deleted.text[:200]


WORKLOADS = {"GET /v1/products": (read_products, 1), "write-heavy mix": (write_mix, 4)}


def measure(
    server: Server, http: httpx.Client, ids: dict[str, Any], requests: int, offset: int
) -> dict[str, tuple[list[float], float]]:
    """One round: per workload, the request times and the wall time they took."""
    out = {}
    for name, (fn, per_round) in WORKLOADS.items():
        times: list[float] = []
        started = time.perf_counter()
        for i in range(requests // per_round):
            fn(http, ids, offset + i, times)
        out[name] = (times, time.perf_counter() - started)
    return out


def summarise(times: list[float], elapsed: float) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100)
    return {"rps": len(times) / elapsed, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="per workload and server")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    args = parser.parse_args()
    if not SPEC.exists():
        print("spec/swagger.json is missing: run `make spec` first")
        return 2
    started: list[tuple[Server, httpx.Client, dict[str, Any]]] = []
    candidates: tuple[Server, ...] = (Ours(), OursWithStateFile(), Prism(), WireMock())
    for server in candidates:
        try:
            server.start()
            http = httpx.Client(base_url=server.base, auth=AUTH, timeout=30)
            ids = _ids(http, server)
            for fn, _ in WORKLOADS.values():  # warm up
                for i in range(100):
                    fn(http, ids, i, [])
            started.append((server, http, ids))
        except Skip as exc:
            print(f"{server.name}: skipped ({exc})")
        except (AssertionError, httpx.HTTPError) as exc:
            print(f"{server.name}: skipped, it failed the warm-up ({exc!s:.300})")
            server.stop()
    # Rounds alternate between the servers so a busy moment on the machine hits all alike.
    collected: dict[str, dict[str, tuple[list[float], float]]] = {}
    try:
        for round_no in range(args.rounds):
            for server, http, ids in started:
                got = measure(
                    server, http, ids, args.requests // args.rounds, 1000 * (round_no + 1)
                )
                per_server = collected.setdefault(server.name, {})
                for name, (times, elapsed) in got.items():
                    old_times, old_elapsed = per_server.get(name, ([], 0.0))
                    per_server[name] = (old_times + times, old_elapsed + elapsed)
    finally:
        for server, http, _ in started:
            http.close()
            server.stop()
    results = {
        server: {name: summarise(*pair) for name, pair in per.items()}
        for server, per in collected.items()
    }
    print()
    header = ("workload", "server", "req/s", "p50 ms", "p99 ms", "ours/peer")
    print("{:<20} {:<16} {:>9} {:>8} {:>8} {:>10}".format(*header))
    for workload in WORKLOADS:
        ours = results.get("configcat-mock", {}).get(workload)
        for name, per_workload in results.items():
            row = per_workload[workload]
            ratio = f"{ours['rps'] / row['rps']:.2f}x" if ours and name != "configcat-mock" else ""
            print(
                f"{workload:<20} {name:<16} {row['rps']:>9.0f} {row['p50']:>8.2f} "
                f"{row['p99']:>8.2f} {ratio:>10}"
            )
    if "configcat-mock" in results:
        print()
        for workload in WORKLOADS:
            ours = results["configcat-mock"][workload]
            goals = [f"p99 {ours['p99']:.2f} ms (goal <= 3 ms)"]
            if "prism" in results:
                goals.append(
                    f"{ours['rps'] / results['prism'][workload]['rps']:.2f}x Prism (goal >= 2x)"
                )
            if "wiremock" in results:
                goals.append(
                    f"{ours['rps'] / results['wiremock'][workload]['rps']:.2f}x WireMock "
                    "(goal >= 1x)"
                )
            print(f"{workload}: " + "; ".join(goals))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
