"""Sixteen processes on one credential against the fake's real rate limits.

The fake (``configcat-mock serve`` on 127.0.0.1, default limits: 20 requests a second and 500 a
minute per credential and endpoint, in fixed windows) serves one endpoint, ``POST
/v1/products/{productId}/tags``, to 16 child processes that share the credential. Each child
is an ordinary ``ConfigCatClient`` with the default retry policy and its own limiter (so
together they ask for 16 times what the windows allow) and creates tags with names of its own.

Printed: the 429s that reached a caller (expected 0), duplicates and missing writes found by
listing the tags afterwards (expected 0), and the tags created against what the fake's windows
allow over the run. The server's windows are aligned to the machine's monotonic clock, which
this process reads too, so the allowance is exact: for each minute window the run touches,
the lesser of 500 and 20 for each second window of it the run touches.

    python bench/bench_shared_credential.py [--processes 16] [--calls 60]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from uuid import UUID

from _loopback import free_port, start_child

PER_SECOND, PER_MINUTE = 20, 500
#: The children start together at this many seconds after launch (imports take a while).
START_DELAY_S = 15.0
#: Nothing in this bench may run longer than this (the server is stopped in any case).
RUN_TIMEOUT_S = 600.0


def worker(base_url: str, product_id: str, index: int, calls: int, start_at: float) -> None:
    """A child process: wait for the common start, create ``calls`` tags, print a JSON line."""
    from configcat_publicapi import ConfigCatClient, RateLimitError
    from configcat_publicapi_client.models import CreateTagModel

    outcome: dict[str, Any] = {"ok": 0, "rate_limited": 0, "other": [], "failed": []}
    with ConfigCatClient("demo", "demo", base_url=base_url) as cc:
        cc.tags.get_tags(
            UUID(product_id)
        )  # imports and connects before the start, on another endpoint
        time.sleep(max(0.0, start_at - time.monotonic()))
        outcome["began"] = time.monotonic()
        for number in range(calls):
            name = f"w{index}-{number}"
            try:
                cc.tags.create_tag(UUID(product_id), body=CreateTagModel(name=name))
                outcome["ok"] += 1
                continue
            except RateLimitError:
                outcome["rate_limited"] += 1
            except Exception as exc:  # the bench reports every failure
                outcome["other"].append(f"{type(exc).__name__}: {exc}")
            outcome["failed"].append(name)
        outcome["ended"] = time.monotonic()
    print(json.dumps(outcome), flush=True)


def allowed(start: float, end: float) -> int:
    """What fixed windows of 20 a second and 500 a minute (on the monotonic clock) let through
    between ``start`` and ``end``."""
    total = 0
    minute = math.floor(start / 60) * 60
    while minute < end:
        first = max(start, minute)
        last = min(end, minute + 60)
        seconds = math.floor(last - 1e-9) - math.floor(first) + 1 if last > first else 0
        total += min(PER_MINUTE, PER_SECOND * seconds)
        minute += 60
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=16)
    parser.add_argument("--calls", type=int, default=60, help="tags each process creates")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        base_url, product_id, index, calls, start_at = args.worker
        worker(base_url, product_id, int(index), int(calls), float(start_at))
        return

    from configcat_publicapi import ConfigCatClient
    from configcat_publicapi_client.models import CreateProductRequest

    port = free_port()
    command = [sys.executable, "-m", "configcat_mock", "serve", "--port", str(port)]
    command += ["--host", "127.0.0.1"]
    server = start_child(command, port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        with ConfigCatClient("demo", "demo", base_url=base_url) as cc:
            organization = cc.organizations.get_organizations()[0].organization_id
            product = cc.products.create_product(organization, body=CreateProductRequest("Bench"))
            product_id = str(product.product_id)
        start_at = time.monotonic() + START_DELAY_S
        worker_args = [str(args.calls), repr(start_at)]
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    base_url,
                    product_id,
                    str(index),
                    *worker_args,
                ],
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                cwd=Path(__file__).parent,
            )
            for index in range(args.processes)
        ]
        outcomes = []
        for child in children:
            out, _ = child.communicate(timeout=RUN_TIMEOUT_S)
            outcomes.append(json.loads(out.decode().strip().splitlines()[-1]))
        with ConfigCatClient("demo", "demo", base_url=base_url) as cc:
            names = [tag.name for tag in cc.tags.get_tags(UUID(product_id))]
    finally:
        server.terminate()
        server.wait(10)

    began = min(outcome["began"] for outcome in outcomes)
    end = max(outcome["ended"] for outcome in outcomes)
    ok = sum(outcome["ok"] for outcome in outcomes)
    limited = sum(outcome["rate_limited"] for outcome in outcomes)
    other = [line for outcome in outcomes for line in outcome["other"]]
    counts = Counter(names)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    expected = {f"w{i}-{n}" for i in range(args.processes) for n in range(args.calls)}
    acknowledged = expected - {name for outcome in outcomes for name in outcome["failed"]}
    missing = len(acknowledged - set(counts))
    unacknowledged = len(set(counts) - acknowledged)
    window = allowed(began, end)
    print(f"processes x calls      {args.processes} x {args.calls} = {len(expected)}")
    print(f"429s reaching callers  {limited}")
    print(f"other errors           {len(other)}{(': ' + other[0]) if other else ''}")
    print(f"created / acknowledged {len(names)} / {ok}")
    print(f"duplicates             {duplicates}")
    print(f"acknowledged, missing  {missing}")
    print(f"created, not acknowl.  {unacknowledged}")
    late = max(outcome["began"] for outcome in outcomes) - start_at
    print(f"run                    {end - began:.1f} s (the last process began {late:.2f} s late)")
    print(f"windows allow          {window} (20/s, 500/min, fixed windows)")
    print(f"used of the allowance  {ok / window:.1%}")


if __name__ == "__main__":
    main()
