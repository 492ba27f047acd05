"""What one abusive client costs the others: a 100 MB body, and 1,000 idle sockets.

Side by side, each in a child process on 127.0.0.1: the mock (``configcat-mock serve``) and a
bare Starlette app on plain uvicorn that parses the body as JSON, as any small service would.
For each: how long the big request takes to be answered, how much the server's peak memory
grows, and the worst answer time of a second client calling ``GET /v1/me`` meanwhile; then how
many of 1,000 idle sockets are still open after 15 s. Ratios are ours / the bare app's.

    python bench/bench_serving_limits.py [--megabytes 100] [--idle 1000]
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _loopback import free_port, start_child

REPO = Path(__file__).resolve().parents[1]
ORG = "0f3c9a57-8a8e-4d4b-9a51-3e2f1b6c7d01"
AUTH = ("demo", "demo")


def serve_bare(port: int) -> None:
    """The child process: the baseline, with no body limit and no read deadlines."""
    import json

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def create(request: Request) -> JSONResponse:
        try:
            json.loads(await request.body())
        except ValueError:
            return JSONResponse({"body": ["Not JSON."]}, 400)
        return JSONResponse({"name": "x"}, 201)

    async def me(request: Request) -> JSONResponse:
        return JSONResponse({"email": "demo@example.com"})

    app = Starlette(
        routes=[
            Route(f"/v1/organizations/{ORG}/products", create, methods=["POST"]),
            Route("/v1/me", me),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def big_body(base: str, pid: int, megabytes: int) -> dict[str, Any]:
    body = b'{"name": "' + b"x" * (megabytes * 1024 * 1024) + b'"}'
    worst = 0.0
    stop = threading.Event()

    def probe() -> None:
        nonlocal worst
        with httpx.Client(base_url=base, auth=AUTH, timeout=120) as h:
            while not stop.is_set():
                started = time.perf_counter()
                h.get("/v1/me")
                worst = max(worst, time.perf_counter() - started)
                stop.wait(0.01)

    prober = threading.Thread(target=probe)
    prober.start()
    time.sleep(0.3)
    before = peak_mib(pid)
    started = time.perf_counter()
    try:
        status: Any = httpx.post(
            f"{base}/v1/organizations/{ORG}/products",
            content=body,
            auth=AUTH,
            headers={"Content-Type": "application/json"},
            timeout=120,
        ).status_code
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    elapsed = time.perf_counter() - started
    time.sleep(0.3)
    stop.set()
    prober.join()
    return {
        "status": status,
        "answer_s": elapsed,
        "peak_growth_mib": peak_mib(pid) - before,
        "worst_probe_ms": worst * 1000,
    }


def idle_sockets(port: int, count: int, wait_s: float) -> int:
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    time.sleep(wait_s)
    still_open = 0
    for sock in socks:
        sock.setblocking(False)
        try:
            still_open += sock.recv(1) != b""
        except BlockingIOError:
            still_open += 1  # nothing to read and not closed
        except OSError:
            pass
        sock.close()
    return still_open


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0

    results: dict[str, dict[str, Any]] = {}
    for name in ("configcat-mock", "bare starlette"):
        port = free_port()
        if name == "configcat-mock":
            cmd = [sys.executable, "-m", "configcat_mock", "serve", "--port", str(port)]
            cmd.append("--no-rate-limit")
        else:
            cmd = [sys.executable, __file__, "--serve-bare", str(port)]
        proc = start_child(cmd, port)
        try:
            results[name] = big_body(f"http://127.0.0.1:{port}", proc.pid, args.megabytes)
            results[name]["idle_open_after_15s"] = idle_sockets(port, args.idle, 15.0)
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    print(f"{args.megabytes} MB body, then {args.idle} idle sockets ({os.cpu_count()} cores)")
    head = ("server", "status", "answer s", "peak +MiB", "probe max ms", "idle open")
    print(f"{head[0]:<16} {head[1]:>8} {head[2]:>9} {head[3]:>10} {head[4]:>13} {head[5]:>10}")
    for name, r in results.items():
        print(
            f"{name:<16} {r['status']!s:>8} {r['answer_s']:>9.2f} {r['peak_growth_mib']:>10.1f}"
            f" {r['worst_probe_ms']:>13.0f} {r['idle_open_after_15s']:>10}"
        )
    ours, bare = results["configcat-mock"], results["bare starlette"]
    for key in ("answer_s", "peak_growth_mib", "worst_probe_ms"):
        ratio = ours[key] / bare[key] if bare[key] else float("nan")
        print(f"{key}: ours / bare = {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
