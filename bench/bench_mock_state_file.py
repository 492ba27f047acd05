"""The state file's cost: write throughput with it against in memory, and a restart.

* Writes: two mocks on the in-process transport, rate limits off, one with a state file; the
  same write mix on both (create a setting, PUT its value, rename it, PATCH the value, delete
  it), taking turns of 100 writes within each round; median writes per second and the median
  of the rounds' ratios file / memory (target at least 0.8). The rounds are long enough for
  the file's change log to be folded into its rows several times (a fold comes every few
  thousand writes; the count is printed), so its cost is in.
* Restart: a state of ``--settings`` settings in one config with three environments is put in
  a state file; then a fresh interpreter opens it (``MockConfigCat(state_file=...)``: checks,
  reads and indexes every row) and answers a first request; median seconds (target < 2 s).

    python bench/bench_mock_state_file.py [--settings 10000] [--rounds 6] [--writes 2000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

ENVS = 3


class Writer:
    def __init__(self, mock: MockConfigCat) -> None:
        self.h = httpx.Client(
            transport=mock.transport, base_url="http://m", auth=(mock.username, mock.password)
        )
        pid = self.h.post(
            f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "W"}
        ).json()["productId"]
        self.env = self.h.post(f"/v1/products/{pid}/environments", json={"name": "E"}).json()[
            "environmentId"
        ]
        self.cid = self.h.post(f"/v1/products/{pid}/configs", json={"name": "C"}).json()["configId"]
        self.n = 0

    def mix(self) -> int:
        """Five writes; returns 5."""
        h, self.n = self.h, self.n + 1
        key = f"k{self.n}"
        sid = h.post(
            f"/v1/configs/{self.cid}/settings",
            json={"key": key, "name": key, "settingType": "boolean"},
        ).json()["settingId"]
        value = f"/v1/environments/{self.env}/settings/{sid}/value"
        for response in (
            h.put(value, json={"value": True}),
            h.put(f"/v1/settings/{sid}", json={"name": f"{key} renamed"}),
            h.patch(value, json=[{"op": "replace", "path": "/value", "value": False}]),
            h.delete(f"/v1/settings/{sid}"),
        ):
            response.raise_for_status()
        return 5


CHUNK = 100
"""Writes each mock makes before the other takes its turn within a round: short turns spread
the interpreter's garbage collections (both mocks share its heap) evenly over the two, where
a turn of a whole round would take one collection's pause as a difference between them."""


def throughput(rounds: int, writes: int, folder: Path) -> tuple[float, float, float, int]:
    """Median writes per second in memory and with the file, the median of the rounds'
    file / memory ratios, and the folds measured."""
    memory = Writer(MockConfigCat(rate_limits=False))
    file_mock = MockConfigCat(rate_limits=False, state_file=folder / "writes.db")
    state_file = file_mock.backend.state_file
    assert state_file is not None
    on_file = Writer(file_mock)
    folds = 0
    rates: dict[str, list[float]] = {"memory": [], "file": []}
    for r in range(rounds + 1):
        seconds = {"memory": 0.0, "file": 0.0}
        done = {"memory": 0, "file": 0}
        before = state_file.folds
        while done["file"] < writes:
            for name, writer in (("memory", memory), ("file", on_file)):
                started, turn = time.perf_counter(), 0
                while turn < CHUNK:
                    turn += writer.mix()
                seconds[name] += time.perf_counter() - started
                done[name] += turn
        if r:  # round 0 warms up
            for name in rates:
                rates[name].append(done[name] / seconds[name])
            folds += state_file.folds - before
    ratios = [f / m for f, m in zip(rates["file"], rates["memory"], strict=True)]
    return (
        statistics.median(rates["memory"]),
        statistics.median(rates["file"]),
        statistics.median(ratios),
        folds,
    )


def big_state(settings: int) -> dict[str, Any]:
    """One product, ``ENVS`` environments and a v2 config of ``settings`` boolean flags."""
    with MockConfigCat(rate_limits=False) as mock:
        writer = Writer(mock)
        for i in range(1, ENVS):
            writer.h.post(
                f"/v1/products/{mock.backend.configs[writer.cid].product_id}/environments",
                json={"name": f"E{i}"},
            ).raise_for_status()
        state = mock.dump()
    envs = [e["environment_id"] for e in state["tables"]["environments"]]
    tables = state["tables"]
    tables["settings"] = [
        {"setting_id": i, "config_id": writer.cid, "key": f"flag{i}", "name": f"Flag {i}",
         "setting_type": "boolean", "created_at": "2024-01-01T00:00:00.000Z"}
        for i in range(1, settings + 1)
    ]  # fmt: skip
    tables["setting_values"] = [
        {"setting_id": i, "environment_id": env, "version_id": f"v-{i}-{j}",
         "formula": {"value": i % 2 == 0, "rolloutRules": [], "rolloutPercentageItems": []}}
        for i in range(1, settings + 1)
        for j, env in enumerate(envs)
    ]  # fmt: skip
    state["counters"]["setting"] = settings
    return state


RESTART = """
import sys, time
started = time.perf_counter()
from configcat_mock import MockConfigCat
import httpx
mock = MockConfigCat(state_file=sys.argv[1])
h = httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo"))
assert len(h.get("/v1/settings/" + sys.argv[2]).json()["key"]) > 0
print(time.perf_counter() - started)
"""


def restart(settings: int, folder: Path, runs: int) -> float:
    path = folder / "big.db"
    with MockConfigCat(rate_limits=False, state_file=path) as mock:
        mock.load(big_state(settings))
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", RESTART, str(path), str(settings // 2)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--restarts", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        memory, on_file, ratio, folds = throughput(args.rounds, args.writes, folder)
        print(f"{'writes per second':<34}{'memory':>9}{'file':>9}{'ratio':>8}")
        print(f"{'create/PUT/rename/PATCH/delete':<34}{memory:>9.0f}{on_file:>9.0f}"
              f"{ratio:>7.2f}x")  # fmt: skip
        print(f"(the file's change log was folded {folds} times while measured)")
        seconds = restart(args.settings, folder, args.restarts)
        print(f"restart with {args.settings:,} settings ({ENVS} environments), to a first "
              f"answer: {seconds:.2f} s (median of {args.restarts})")  # fmt: skip


if __name__ == "__main__":
    main()
