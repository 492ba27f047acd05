"""The in-process transports against loopback TCP, for the same GET.

``GET /v1/me`` and ``GET /v1/products`` on the default state, rate limits off: through
``mock.transport`` (sync) and ``mock.async_transport`` (async) in this process, and over
127.0.0.1 to ``configcat-mock serve`` in a child process with keep-alive httpx clients. Rounds
alternate between the two; the ratio in-process / TCP is printed (target at most 0.4x).

    python bench/bench_mock_transport.py [--calls 2000] [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from _loopback import free_port, mock_command, start_child

from configcat_mock import MockConfigCat

PATHS = ("/v1/me", "/v1/products")


def sync_round(client: httpx.Client, path: str, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        client.get(path).raise_for_status()
    return (time.perf_counter() - started) / calls


async def async_round(client: httpx.AsyncClient, path: str, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        (await client.get(path)).raise_for_status()
    return (time.perf_counter() - started) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    per_round = max(1, args.calls // args.rounds)
    port = free_port()
    server = start_child(mock_command(port), port)
    auth = ("demo", "demo")
    mock = MockConfigCat(rate_limits=False)
    try:
        tcp = httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=auth)
        local = httpx.Client(transport=mock.transport, base_url="http://mock", auth=auth)
        print(f"{'GET (median µs per request)':<34}{'in-process':>11}{'TCP':>9}{'ratio':>8}")
        for path in PATHS:
            sync_round(tcp, path, 50), sync_round(local, path, 50)  # warm-up
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(sync_round(local, path, per_round))
                theirs.append(sync_round(tcp, path, per_round))
            a, b = statistics.median(ours), statistics.median(theirs)
            print(f"{'sync  ' + path:<34}{a * 1e6:>11.0f}{b * 1e6:>9.0f}{a / b:>7.2f}x")

        async def run_async() -> None:
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", auth=auth) as atcp,
                httpx.AsyncClient(
                    transport=mock.async_transport, base_url="http://mock", auth=auth
                ) as alocal,
            ):
                for path in PATHS:
                    await async_round(atcp, path, 50), await async_round(alocal, path, 50)
                    ours, theirs = [], []
                    for _ in range(args.rounds):
                        ours.append(await async_round(alocal, path, per_round))
                        theirs.append(await async_round(atcp, path, per_round))
                    a, b = statistics.median(ours), statistics.median(theirs)
                    print(f"{'async ' + path:<34}{a * 1e6:>11.0f}{b * 1e6:>9.0f}{a / b:>7.2f}x")

        asyncio.run(run_async())
        tcp.close()
        local.close()
    finally:
        mock.close()
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
