"""Start-up: from starting ``configcat-mock serve`` to its first answer, against a bare
Starlette + uvicorn app started the same way.

Each run starts a fresh interpreter and polls ``GET /v1/me`` on 127.0.0.1 until it answers
(200 from the mock with the demo credentials; the bare app answers every path); the time
until then is what a test session or a developer waits for. Runs alternate between the two;
medians and their ratio are printed (target at most 1.6x).

    python bench/bench_mock_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import httpx
from _loopback import free_port

BARE = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def me(request):
    return JSONResponse({"email": "demo@example.com"})

app = Starlette(routes=[Route("/{path:path}", me)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def time_to_answer(command: list[str], port: int) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(timeout=1.0) as client:
            while True:
                try:
                    r = client.get(f"http://127.0.0.1:{port}/v1/me", auth=("demo", "demo"))
                    if r.status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.perf_counter() - started > 30:
                    raise SystemExit(f"{command[:3]} did not answer")
                time.sleep(0.002)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    mock, bare = [], []
    for _ in range(args.runs):
        port = free_port()
        mock.append(
            time_to_answer(
                [sys.executable, "-m", "configcat_mock", "serve", "--port", str(port)], port
            )
        )
        port = free_port()
        bare.append(time_to_answer([sys.executable, "-c", BARE, str(port)], port))
    a, b = statistics.median(mock), statistics.median(bare)
    print(f"{'start to first answer (median ms)':<36}{'mock':>8}{'bare':>8}{'ratio':>8}")
    print(f"{'configcat-mock serve':<36}{a * 1e3:>8.0f}{b * 1e3:>8.0f}{a / b:>7.2f}x")


if __name__ == "__main__":
    main()
