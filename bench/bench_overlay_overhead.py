"""Per-call overhead of the overlay against raw httpx, on the same loopback server.

Starts a small starlette app under uvicorn on 127.0.0.1 (a child process that stops with
this script), then times, in alternating rounds, ``GET /v1/products/{id}``:

* baseline: ``httpx.Client.get(...).json()`` with the same Basic auth;
* overlay: ``ConfigCatClient.products.get_product(id)`` (rate limiter, retry transport,
  typed error check and the generated ``ProductModel`` included).

Prints the median per-call time of each and their ratio (targets: <= 1.05 without the
limiter, <= 1.08 with it), and the median of the per-round ratios (each round times all three
back to back).

    python bench/bench_overlay_overhead.py [--rounds 30] [--calls 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any
from uuid import UUID

from _loopback import exit_with_parent, free_port, start_child

PRODUCT_ID = "08d86d63-2726-47cd-8bfc-59608ecb91e2"
PRODUCT: dict[str, Any] = {
    "organization": {"organizationId": "3a8a4b8e-1111-4c4e-9d8f-000000000001", "name": "Org"},
    "productId": PRODUCT_ID,
    "name": "Checkout",
    "description": "The checkout service",
    "order": 0,
    "reasonRequired": False,
    "approveRequired": False,
}


def serve(port: int, ttl: float) -> None:
    """The child process: one JSON route, gone when the parent goes or after ``ttl`` s."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    exit_with_parent(ttl)

    async def product(request: Request) -> JSONResponse:
        return JSONResponse(PRODUCT)

    app = Starlette(routes=[Route("/v1/products/{product_id}", product)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, ttl=600)
        return

    import httpx

    from configcat_publicapi import ConfigCatClient

    port = free_port()
    server = start_child([sys.executable, __file__, "--serve", str(port)], port)
    base = f"http://127.0.0.1:{port}"
    try:
        raw = httpx.Client(base_url=base, auth=httpx.BasicAuth("bench", "bench-password"))
        cc = ConfigCatClient("bench", "bench-password", base_url=base, rate_limit=None)
        # the limiter's bookkeeping on every call, with windows this loop never fills
        limited = ConfigCatClient(
            "bench", "bench-password", base_url=base, rate_limit=[(10**9, 1.0), (10**9, 60.0)]
        )
        path = f"/v1/products/{PRODUCT_ID}"

        def baseline() -> None:
            response = raw.get(path)
            response.raise_for_status()
            response.json()

        def overlay() -> None:
            cc.products.get_product(UUID(PRODUCT_ID))

        def overlay_limited() -> None:
            limited.products.get_product(UUID(PRODUCT_ID))

        for fn in (baseline, overlay, overlay_limited):  # warm up connections and imports
            for _ in range(50):
                fn()
        timings: dict[str, list[float]] = {"httpx": [], "overlay": [], "overlay+limiter": []}
        for round_no in range(args.rounds):
            order = [
                ("httpx", baseline),
                ("overlay", overlay),
                ("overlay+limiter", overlay_limited),
            ]
            shift = round_no % len(order)
            order = order[shift:] + order[:shift]
            for name, fn in order:
                started = time.perf_counter()
                for _ in range(args.calls):
                    fn()
                timings[name].append((time.perf_counter() - started) / args.calls)
        raw.close()
        cc.close()
        limited.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    med = {name: statistics.median(values) for name, values in timings.items()}
    # each round times the three back to back: the median of the per-round ratios cancels
    # the load drifting between rounds on a shared machine
    paired = {
        name: statistics.median(o / h for o, h in zip(timings[name], timings["httpx"], strict=True))
        for name in ("overlay", "overlay+limiter")
    }
    print(f"GET one product over loopback, {args.rounds} rounds x {args.calls} calls")
    print(f"  raw httpx             median {med['httpx'] * 1e6:8.1f} us/call")
    print(f"  ConfigCatClient       median {med['overlay'] * 1e6:8.1f} us/call")
    print(f"  ConfigCatClient+limit median {med['overlay+limiter'] * 1e6:8.1f} us/call")
    print(f"  ratio overlay/httpx         {med['overlay'] / med['httpx']:.3f}  (target <= 1.05)")
    limiter_ratio = med["overlay+limiter"] / med["httpx"]
    print(f"  ratio overlay+limiter/httpx {limiter_ratio:.3f}  (target <= 1.08)")
    print(f"  median of per-round ratios: overlay {paired['overlay']:.3f}, ", end="")
    print(f"overlay+limiter {paired['overlay+limiter']:.3f}")


if __name__ == "__main__":
    main()
