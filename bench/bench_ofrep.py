"""OFREP bulk evaluation against serving the config JSON, and 1,000 open event streams.

The mock (its real app, rate limits off) runs under uvicorn on 127.0.0.1 in a child process
that stops with this script, configured as ``configcat-mock serve`` configures it; its backend
holds one v2 config of 100 flags, each with text, number, sensitive and segment rules and
percentage options (the config of ``bench_delivery_config_v6.py``).

1. Side by side on the same server, alternating rounds of sequential keep-alive requests:
   ``GET config_v6.json`` (200, full body) against ``POST /ofrep/v1/evaluate/flags`` for one
   context (what a polling client sends: the answer computed for the config's version and the
   context is reused), and, for scale, a bulk request whose context is new every time (all 100
   flags evaluated by the SDK's evaluator). Target: one context at most 3x the config JSON.
2. ``STREAMS`` Proxy streams (``/sse/{sdkId}/eval/{data}``, one flag, a different user each, so
   each stream evaluates for itself) held open at once: the server's resident memory before and
   after (target: at most 100 MB more), then one value change through the management API and
   the time from its answer until every stream has its event (target: within 1 s); then, with
   one stream left open, the time from each of 20 writes' answers to its event (target: 100 ms).

    python bench/bench_ofrep.py [--rounds 5] [--calls 200] [--streams 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import subprocess
import sys
import time
from typing import Any

from _loopback import exit_with_parent, free_port
from bench_delivery_config_v6 import fill

FLAGS = 100
CHANGES = 20
CONTEXT = {"targetingKey": "user-1", "email": "someone@corp.io", "country": "HU", "Age": 30}


def serve(port: int, streams: int, ttl: float) -> None:
    """The child process: the mock with the bench config; gone with its parent or after ttl."""
    import uvicorn

    from configcat_mock import MockConfigCat
    from configcat_mock.delivery.sdk_registry import implicit_sdk_id
    from configcat_mock.http.serving import uvicorn_config

    exit_with_parent(ttl)
    mock = MockConfigCat(rate_limits=False)
    key, env, _ = fill(mock.backend, FLAGS)
    mock.protocols.max_streams = streams + 10
    mock.protocols.heartbeat_seconds = 60
    sys.stdout.write(f"{key} {env} {implicit_sdk_id(key)}\n")
    sys.stdout.flush()
    config = uvicorn_config(mock.app, host="127.0.0.1", port=port, log_level="warning")
    config.backlog = 4096
    uvicorn.Server(config).run()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS")


def timed(client: Any, calls: int, request: Any) -> float:
    """Median seconds per call of ``request(client, i)``."""
    seconds = []
    for i in range(calls):
        started = time.perf_counter()
        request(client, i)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def side_by_side(base: str, key: str, rounds: int, calls: int) -> dict[str, float]:
    import httpx

    config_url = f"/configuration-files/{key}/config_v6.json"
    bulk_url = "/ofrep/v1/evaluate/flags"
    headers = {"X-ConfigCat-SdkKey": key}

    def config_json(client: Any, i: int) -> None:
        answer = client.get(config_url)
        assert answer.status_code == 200

    def bulk(client: Any, i: int) -> None:
        answer = client.post(bulk_url, json={"context": CONTEXT}, headers=headers)
        assert answer.status_code == 200
        assert len(answer.json()["flags"]) == FLAGS

    def bulk_new_context(client: Any, i: int) -> None:
        context = {**CONTEXT, "targetingKey": f"user-{time.perf_counter_ns()}-{i}"}
        answer = client.post(bulk_url, json={"context": context}, headers=headers)
        assert answer.status_code == 200

    results: dict[str, list[float]] = {"config": [], "bulk": [], "cold": []}
    with httpx.Client(base_url=base, timeout=60) as client:
        bulk(client, 0)
        for _ in range(rounds):
            results["config"].append(timed(client, calls, config_json))
            results["bulk"].append(timed(client, calls, bulk))
            results["cold"].append(timed(client, max(calls // 10, 5), bulk_new_context))
    return {name: statistics.median(values) for name, values in results.items()}


async def open_stream(port: int, path: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"stream refused: {head[:80]!r}")
    return reader, writer


async def next_event(reader: asyncio.StreamReader) -> bytes:
    """The next ``data:`` line (chunked framing and heartbeats skipped)."""
    while True:
        line = await reader.readline()
        if not line:
            raise SystemExit("a stream ended")
        if line.startswith(b"data: "):
            return line


async def streams(port: int, pid: int, sdk_id: str, env: str, count: int) -> dict[str, float]:
    import httpx

    def path(i: int) -> str:
        data = json.dumps({"key": "flag1", "user": {"Identifier": f"user-{i}"}}).encode()
        return f"/sse/{sdk_id}/eval/{base64.urlsafe_b64encode(data).decode().rstrip('=')}"

    before = rss_mb(pid)
    opened = []
    for start in range(0, count, 100):  # in batches, as clients arrive
        batch = await asyncio.gather(
            *(open_stream(port, path(i)) for i in range(start, min(start + 100, count)))
        )
        opened.extend(batch)
    await asyncio.gather(*(next_event(reader) for reader, _ in opened))
    await asyncio.sleep(1.0)
    after = rss_mb(pid)
    received: list[float] = []

    async def wait(reader: asyncio.StreamReader) -> None:
        line = await next_event(reader)
        received.append(time.perf_counter())
        assert b"changed" in line, line

    waiters = [asyncio.create_task(wait(reader)) for reader, _ in opened]
    auth = base64.b64encode(b"demo:demo").decode()
    body = {"defaultValue": {"stringValue": "changed"}, "targetingRules": []}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        answer = await client.put(
            f"/v2/environments/{env}/settings/1/value",
            json=body,
            headers={"Authorization": f"Basic {auth}"},
        )
        answered = time.perf_counter()
        assert answer.status_code == 200, answer.text
        await asyncio.wait_for(asyncio.gather(*waiters), timeout=30)
        for _, writer in opened[1:]:
            writer.close()
        await asyncio.sleep(2.0)  # the server lets go of the 999 closed streams first
        # one stream, one change at a time: from each write's answer to its event
        reader, writer = opened[0]
        single: list[float] = []
        for i in range(CHANGES):
            body = {"defaultValue": {"stringValue": f"changed-{i}"}, "targetingRules": []}
            answer = await client.put(
                f"/v2/environments/{env}/settings/1/value",
                json=body,
                headers={"Authorization": f"Basic {auth}"},
            )
            assert answer.status_code == 200, answer.text
            sent = time.perf_counter()
            line = await asyncio.wait_for(next_event(reader), timeout=30)
            single.append(time.perf_counter() - sent)
            assert f"changed-{i}".encode() in line, line
        writer.close()
    return {
        "single_median": statistics.median(single),
        "single_max": max(single),
        "rss_before": before,
        "rss_after": after,
        "fan_out_last": max(received) - answered,
        "fan_out_median": statistics.median(received) - answered,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--streams", type=int, default=1000)
    args = parser.parse_args()

    port = free_port()
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), str(args.streams)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        key, env, sdk_id = child.stdout.readline().split()
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(200):
            try:
                httpx.get(f"{base}/_mock/health")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        timing = side_by_side(base, key, args.rounds, args.calls)
        held = asyncio.run(streams(port, child.pid, sdk_id, env, args.streams))
    finally:
        child.terminate()
        child.wait(timeout=10)

    config_ms, bulk_ms, cold_ms = (timing[k] * 1000 for k in ("config", "bulk", "cold"))
    print(f"{FLAGS} flags with 5 rules each; {args.rounds} alternating rounds x {args.calls} "
          "sequential keep-alive requests, medians")  # fmt: skip
    print(f"GET config_v6.json (200)               {config_ms:8.3f} ms")
    print(f"POST bulk, one context                 {bulk_ms:8.3f} ms  "
          f"ratio {bulk_ms / config_ms:5.2f}x (target <= 3x)")  # fmt: skip
    print(f"POST bulk, a new context each time     {cold_ms:8.3f} ms  "
          f"ratio {cold_ms / config_ms:5.2f}x (every flag evaluated)")  # fmt: skip
    extra = held["rss_after"] - held["rss_before"]
    print(f"{args.streams} open streams: server RSS {held['rss_before']:.0f} -> "
          f"{held['rss_after']:.0f} MB, {extra:+.0f} MB (target <= 100 MB)")  # fmt: skip
    print(f"one change fanned out to {args.streams} streams: last event "
          f"{held['fan_out_last'] * 1000:.0f} ms after the write's answer, median "
          f"{held['fan_out_median'] * 1000:.0f} ms (target <= 1000 ms)")  # fmt: skip
    print(f"one open stream, {CHANGES} changes one at a time: its event "
          f"{held['single_median'] * 1000:.1f} ms after the write's answer (median), "
          f"{held['single_max'] * 1000:.1f} ms at most (target <= 100 ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]), ttl=600)
        raise SystemExit(0)
    raise SystemExit(main())
