"""A large document applied against the fake with ConfigCat's real rate limits on.

Applies a v2 config of ``--flags`` boolean flags (each with a targeting rule in one
environment) to an empty product of an in-process ``MockConfigCat`` that enforces 20
requests a second and 500 a minute per endpoint. Printed: the wall time, the 429s the fake
answered and the ones that reached the caller (target 0), and, side by side, the least time
the fake's windows allow for the same writes (each endpoint has its own windows, so the
busiest endpoint sets it): their ratio is the share of the allowed rate that apply reached
(target >= 95 %).

``--latency-ms`` adds that much to every answer of the fake (a link to the service is tens of
milliseconds away), and ``--concurrency`` is apply's writes in flight: one write at a time
cannot keep up with the limits over such a link.

    python bench/bench_workflows_apply.py [--flags 1000] [--latency-ms 50] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import time
from collections import Counter
from uuid import UUID

from configcat_mock import MockConfigCat
from configcat_mock.http.faults import FaultRule
from configcat_mock.http.server import LoopbackServer
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_publicapi import ConfigCatClient, RateLimitError
from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import CreateProductRequest

PER_SECOND, PER_MINUTE = 20, 500


def document(n: int) -> dict[str, object]:
    flags = [
        {
            "key": f"flag{i:04d}",
            "name": f"Flag {i}",
            "settingType": "boolean",
            "values": {
                "Production": {
                    "defaultValue": {"boolValue": False},
                    "targetingRules": [
                        {
                            "conditions": [
                                {
                                    "userCondition": {
                                        "comparisonAttribute": "Email",
                                        "comparator": "textEndsWithAnyOf",
                                        "comparisonValue": {"listValue": [{"value": f"@{i}.io"}]},
                                    }
                                }
                            ],
                            "value": {"boolValue": True},
                        }
                    ],
                }
            },
        }
        for i in range(n)
    ]
    return {
        "format": wf.FORMAT,
        "version": wf.VERSION,
        "product": {"name": "Big"},
        "environments": [{"name": "Production"}],
        "configs": [{"name": "Main", "evaluationVersion": "v2", "settings": flags}],
    }


def least_time(n: int) -> float:
    """Seconds the fake's fixed windows need for ``n`` calls to one endpoint, at the least."""
    full = math.ceil(n / PER_MINUTE) - 1
    return 60.0 * full + (n - PER_MINUTE * full) / PER_SECOND


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flags", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    doc = document(args.flags)
    with MockConfigCat(rate_limits=True) as mock, contextlib.ExitStack() as stack:
        if args.latency_ms:
            mock.app.faults.configure([FaultRule("*", latency_ms=args.latency_ms)], 0)
        # threads need the fake served on one loop: over loopback HTTP when writes overlap
        if args.concurrency > 1 or args.latency_ms:
            url = stack.enter_context(LoopbackServer(mock.app)).url
            cc = ConfigCatClient("demo", "demo", base_url=url)
        else:
            cc = ConfigCatClient("demo", "demo", base_url="http://mock", transport=mock.transport)
        product = cc.products.create_product(
            UUID(DEMO_ORGANIZATION_ID), body=CreateProductRequest(name="Big")
        ).product_id
        mock.journal.clear()
        reached = 0
        start = time.perf_counter()
        try:
            result = wf.apply(cc, doc, product, reason="bench", concurrency=args.concurrency)
        except RateLimitError:
            reached = 1  # a 429 the client's limiter and retries did not absorb
            raise
        took = time.perf_counter() - start
        entries = list(mock.journal.entries)
        answered_429 = sum(1 for e in entries if e.status == 429)
        writes = Counter(e.operation_id for e in entries if e.method != "GET" and e.status < 400)
        bound = max(least_time(n) for n in writes.values())
        total_least = sum(least_time(n) for n in writes.values())
        print(
            f"flags: {args.flags}, changes applied: {len(result.done)}, "
            f"latency {args.latency_ms:g} ms, concurrency {args.concurrency}"
        )
        print(f"writes per operation: {dict(writes)}")
        print(f"apply took {took:.1f} s")
        print(
            f"least time the windows allow, endpoints side by side: {bound:.1f} s -> "
            f"{100 * bound / took:.1f} % of the allowed rate"
        )
        print(
            f"least time, one endpoint after another: {total_least:.1f} s -> "
            f"{100 * total_least / took:.1f} %"
        )
        print(f"429 answered by the fake: {answered_429}; reaching the caller: {reached}")
        assert not wf.plan(cc, doc, product)


if __name__ == "__main__":
    main()
