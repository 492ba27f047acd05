"""Cost of one audit-log page (100 entries) as the log grows.

For each size, one product whose log holds that many entries (loaded as a state, one entry a
minute), no cap, rate limits off, on the in-process transport. Three requests, each the
median of ``--calls`` in interleaved rounds: the first page, a page in the middle, and the
first page of a one-day date window. The growth column is the largest size over the
smallest; the target is a flat cost (O(page), not O(log)).

    python bench/bench_mock_audit_log.py [--sizes 1000,10000,50000] [--calls 60]
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEFAULT_SEED, DEMO_ORGANIZATION_ID

PRODUCT = "00000000-0000-4000-8000-00000000000a"
START = datetime(2024, 1, 1, tzinfo=UTC)


def state(entries: int) -> dict[str, Any]:
    tables = {k: list(v) for k, v in DEFAULT_SEED["tables"].items()}
    tables["products"] = [
        {"product_id": PRODUCT, "organization_id": DEMO_ORGANIZATION_ID, "name": "Logged"}
    ]
    tables["audit_logs"] = [
        {
            "audit_log_id": i,
            "organization_id": DEMO_ORGANIZATION_ID,
            "product_id": PRODUCT,
            "type": "productChanged",
            "created_at": (START + timedelta(minutes=i)).isoformat().replace("+00:00", "Z"),
            "user_email": "demo@example.com",
            "user_name": "Demo User",
            "action_target": f"Logged {i}",
        }
        for i in range(1, entries + 1)
    ]
    return {"version": 1, "tables": tables}


def mock_for(entries: int) -> MockConfigCat:
    options: dict[str, Any] = {"rate_limits": False}
    if "audit_log_limit" in inspect.signature(MockConfigCat).parameters:
        options["audit_log_limit"] = None
    mock = MockConfigCat(**options)
    mock.load(state(entries))
    return mock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    clients = {}
    for n in sizes:
        mock = mock_for(n)
        clients[n] = httpx.Client(
            transport=mock.transport, base_url="http://m", auth=(mock.username, mock.password)
        )
    path = f"/v2/products/{PRODUCT}/auditlogs"

    def queries(n: int) -> dict[str, dict[str, Any]]:
        day = START + timedelta(minutes=n // 2)
        return {
            "first page": {"pageSize": 100},
            "middle page": {"pageSize": 100, "pageNumber": max(1, n // 200)},
            "one-day window": {
                "pageSize": 100,
                "fromUtcDateTime": day.isoformat().replace("+00:00", "Z"),
                "toUtcDateTime": (day + timedelta(days=1)).isoformat().replace("+00:00", "Z"),
            },
        }

    names = list(queries(sizes[0]))
    times: dict[int, dict[str, list[float]]] = {n: {k: [] for k in names} for n in sizes}
    for name in names:
        for r in range(args.rounds + 1):
            for n in sizes:
                params = queries(n)[name]
                for _ in range(args.calls // args.rounds):
                    started = time.perf_counter()
                    response = clients[n].get(path, params=params)
                    spent = time.perf_counter() - started
                    if response.status_code != 200 or len(response.json()["data"]) != 100:
                        raise SystemExit(f"{name} at {n}: {response.status_code}")
                    if r:  # round 0 warms up
                        times[n][name].append(spent)
    head = "".join(f"{f'{n:,} rows':>13}" for n in sizes)
    print(f"{'page of 100 (median ms)':<24}{head}{'growth':>9}")
    for name in names:
        row = [statistics.median(times[n][name]) for n in sizes]
        cells = "".join(f"{t * 1e3:>13.2f}" for t in row)
        print(f"{name:<24}{cells}{row[-1] / row[0]:>8.2f}x")


if __name__ == "__main__":
    main()
