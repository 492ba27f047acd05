"""A bulk flag update against a server that enforces ConfigCat's rate limits.

Starts a starlette app under uvicorn on 127.0.0.1 (a child process that stops with this
script) that enforces, per endpoint, sliding windows of 20 requests a second and 500 a
minute, answers 429 with ``Retry-After`` when a window is full and sends
``X-Rate-Limit-Remaining`` / ``X-Rate-Limit-Reset`` on every response. ``--scale 6`` (the
default) runs the clock six times faster: 20 per 1/6 s and 500 per 10 s.

The job updates ``--windows`` x 500 flag values with ``update_setting_value_v2`` from 8
asyncio tasks (``AsyncConfigCatClient``) and then from 8 threads (``ConfigCatClient``), both
with the client's limiter set to the same windows. Printed: the share of the allowed
requests the job sent over whole minute windows (target >= 95 %) and the number of 429
responses (target 0).

    python bench/bench_overlay_bulk.py [--scale 6] [--windows 3] [--mode both|async|sync]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

from _loopback import exit_with_parent, free_port, start_child

ENVIRONMENT = "66666666-7777-8888-9999-000000000000"
WORKERS = 8
PER_SECOND, PER_MINUTE = 20, 500
_ID = re.compile(r"/(?:[0-9a-f-]{36}|\d+)(?=/|$)")


def limits_for(scale: float) -> list[tuple[int, float]]:
    return [(PER_SECOND, 1.0 / scale), (PER_MINUTE, 60.0 / scale)]


def serve(port: int, scale: float, ttl: float) -> None:
    """The child process: enforce the windows per method + path template, count outcomes."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    exit_with_parent(ttl)
    windows = limits_for(scale)
    seen: dict[str, list[deque[float]]] = {}
    accepted: list[float] = []
    refused = [0]

    async def endpoint(request: Request) -> Response:
        now = time.monotonic()
        key = f"{request.method} {_ID.sub('/{}', request.url.path)}"
        stamps = seen.setdefault(key, [deque() for _ in windows])
        waits = []
        for (count, period), window in zip(windows, stamps, strict=True):
            while window and window[0] <= now - period:
                window.popleft()
            if len(window) >= count:
                waits.append(window[0] + period - now)
        if waits:
            refused[0] += 1
            wait = f"{max(waits):.3f}"
            headers = {
                "Retry-After": wait,
                "X-Rate-Limit-Remaining": "0",
                "X-Rate-Limit-Reset": wait,
            }
            return Response(status_code=429, headers=headers)
        for window in stamps:
            window.append(now)
        accepted.append(now)
        left = [
            (count - len(w), w[0] + period - now)
            for (count, period), w in zip(windows, stamps, strict=True)
        ]
        remaining, reset = min(left)
        headers = {"X-Rate-Limit-Remaining": str(remaining), "X-Rate-Limit-Reset": f"{reset:.3f}"}
        return Response(status_code=204, headers=headers)

    async def stats(request: Request) -> JSONResponse:
        body = {"accepted": list(accepted), "refused": refused[0]}
        accepted.clear()
        refused[0] = 0
        seen.clear()
        return JSONResponse(body)

    app = Starlette(
        routes=[
            Route("/_stats", stats, methods=["POST"]),
            Route("/v2/environments/{env}/settings/{setting}/value", endpoint, methods=["PATCH"]),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def patch_body() -> Any:
    from configcat_publicapi.patch import SettingValueV2Patch

    return SettingValueV2Patch().default_value(True).build()


async def run_async(base: str, limits: list[tuple[int, float]] | None, total: int) -> int:
    """Run the job; the number of updates that still failed with 429 after their retries."""
    from configcat_publicapi import AsyncConfigCatClient, RateLimitError

    failed = [0]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for setting_id in range(total):
        queue.put_nowait(setting_id)
    body = patch_body()
    async with AsyncConfigCatClient(
        "bench", "bench-password", base_url=base, rate_limit=limits, reason="bulk"
    ) as acc:

        async def worker() -> None:
            while not queue.empty():
                setting_id = queue.get_nowait()
                try:
                    await acc.setting_values_v2.update_setting_value_v2(
                        UUID(ENVIRONMENT), setting_id, body=body
                    )
                except RateLimitError:
                    failed[0] += 1

        await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return failed[0]


def run_sync(base: str, limits: list[tuple[int, float]], total: int) -> int:
    """Run the job from threads; the number of updates that failed with 429 after retries."""
    from configcat_publicapi import ConfigCatClient, RateLimitError

    body = patch_body()
    with ConfigCatClient(
        "bench", "bench-password", base_url=base, rate_limit=limits, reason="bulk"
    ) as cc:

        def update(setting_id: int) -> int:
            try:
                cc.setting_values_v2.update_setting_value_v2(
                    UUID(ENVIRONMENT), setting_id, body=body
                )
            except RateLimitError:
                return 1
            return 0

        with ThreadPoolExecutor(WORKERS) as pool:
            return sum(pool.map(update, range(total)))


def report(name: str, stats: dict[str, Any], limits: list[tuple[int, float]], took: float) -> None:
    accepted = sorted(stats["accepted"])
    start = accepted[0]
    (_, _), (per_window, window) = limits
    whole = int((accepted[-1] - start) // window)  # whole minute windows the job spanned
    in_whole = sum(1 for t in accepted if t - start < whole * window)
    allowed = whole * per_window
    span = accepted[-1] - start
    bound = min(count * (int(span // period) + 1) for count, period in limits)
    print(f"  {name}: {len(accepted)} updates in {took:.1f} s, {stats['refused']} x 429")
    if whole:
        print(
            f"    over {whole} whole minute windows: {in_whole} of {allowed} allowed "
            f"= {100 * in_whole / allowed:.1f} % of the allowed rate ({per_window / window:.1f}/s)"
        )
    print(
        f"    over the whole run: {len(accepted)} of at most {bound} allowed in {span:.2f} s "
        f"= {100 * len(accepted) / bound:.1f} %"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=6.0)
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--mode", choices=["both", "async", "sync"], default="both")
    parser.add_argument(
        "--no-contrast",
        action="store_true",
        help="skip the run without the client-side limiter",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.scale, ttl=1800)
        return

    import httpx

    limits = limits_for(args.scale)
    total = args.windows * PER_MINUTE
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_child(
        [sys.executable, __file__, "--serve", str(port), "--scale", str(args.scale)], port
    )
    print(
        f"bulk update of {total} flag values, server windows "
        + ", ".join(f"{c} per {p:.3g} s" for c, p in limits)
        + f" (ConfigCat's limits, clock x{args.scale:g})"
    )
    try:
        modes = ["async", "sync"] if args.mode == "both" else [args.mode]
        for mode in modes:
            httpx.post(f"{base}/_stats")  # reset the server's windows and counters
            started = time.monotonic()
            if mode == "async":
                failed = asyncio.run(run_async(base, limits, total))
            else:
                failed = run_sync(base, limits, total)
            took = time.monotonic() - started
            stats = json.loads(httpx.post(f"{base}/_stats").content)
            label = (
                "AsyncConfigCatClient, 8 tasks" if mode == "async" else "ConfigCatClient, 8 threads"
            )
            report(label, stats, limits, took)
            print(f"    {failed} updates failed with 429 after their retries")
        if not args.no_contrast:
            httpx.post(f"{base}/_stats")
            started = time.monotonic()
            failed = asyncio.run(run_async(base, None, PER_MINUTE))
            took = time.monotonic() - started
            stats = json.loads(httpx.post(f"{base}/_stats").content)
            print(
                f"  contrast, rate_limit=None (retries only), {PER_MINUTE} updates: "
                f"{len(stats['accepted'])} accepted, {stats['refused']} x 429 in {took:.1f} s, "
                f"{failed} failed with 429 after their retries"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
