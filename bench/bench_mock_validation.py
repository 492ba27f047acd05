"""What response validation (``validate_responses=True``, as the pytest fixture sets it) adds
to an answer.

Two mocks with the same state (a config of ``--settings`` settings, three environments, made
through the API), one validating its answers against the spec and one not, on the in-process
transport with rate limits off. Each request is timed on both in alternating rounds; the
ratio validating / not validating is the cost of validation (target ≤ 1.5x on every row).

    python bench/bench_mock_validation.py [--settings 1000] [--calls 60]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID


def build(mock: MockConfigCat, settings: int) -> tuple[httpx.Client, dict[str, Any]]:
    h = httpx.Client(
        transport=mock.transport, base_url="http://m", auth=(mock.username, mock.password)
    )
    pid = h.post(
        f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Bench"}
    ).json()["productId"]
    envs = [
        h.post(f"/v1/products/{pid}/environments", json={"name": f"Env {i}"}).json()[
            "environmentId"
        ]
        for i in range(3)
    ]
    cid = h.post(
        f"/v1/products/{pid}/configs", json={"name": "Main", "evaluationVersion": "v2"}
    ).json()["configId"]
    ids = [
        h.post(
            f"/v1/configs/{cid}/settings",
            json={"key": f"flag{i}", "name": f"Flag {i}", "settingType": "boolean"},
        ).json()["settingId"]
        for i in range(settings)
    ]
    return h, {"pid": pid, "env": envs[0], "cid": cid, "sid": ids[len(ids) // 2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    sides: dict[str, tuple[MockConfigCat, httpx.Client, dict[str, Any]]] = {}
    for name, validate in (("plain", False), ("validating", True)):
        mock = MockConfigCat(rate_limits=False, validate_responses=validate)
        h, ids = build(mock, args.settings)
        sides[name] = (mock, h, ids)
    requests = {
        f"GET settings ({args.settings} items)": lambda h, i: h.get(
            f"/v1/configs/{i['cid']}/settings"
        ),
        f"GET v2 values ({args.settings} items)": lambda h, i: h.get(
            f"/v2/configs/{i['cid']}/environments/{i['env']}/values"
        ),
        "GET a setting": lambda h, i: h.get(f"/v1/settings/{i['sid']}"),
        "GET a v2 value": lambda h, i: h.get(
            f"/v2/environments/{i['env']}/settings/{i['sid']}/value"
        ),
        "GET products": lambda h, i: h.get("/v1/products"),
    }
    print(f"{'request (median ms)':<30}{'plain':>10}{'validating':>12}{'ratio':>8}")
    for label, send in requests.items():
        times: dict[str, list[float]] = {name: [] for name in sides}
        per_round = max(1, args.calls // args.rounds)
        for r in range(args.rounds + 1):
            for name, (_, h, ids) in sides.items():
                for _ in range(per_round):
                    started = time.perf_counter()
                    response = send(h, ids)
                    spent = time.perf_counter() - started
                    response.raise_for_status()
                    if r:  # round 0 warms up (and compiles the validators)
                        times[name].append(spent)
        plain, checked = (statistics.median(times[n]) for n in ("plain", "validating"))
        print(f"{label:<30}{plain * 1e3:>10.2f}{checked * 1e3:>12.2f}{checked / plain:>7.2f}x")
    mock = sides["validating"][0]
    print(
        f"validated {mock.app.responses_checked} answers, "
        f"{len(mock.app.response_violations)} violations"
    )


if __name__ == "__main__":
    main()
