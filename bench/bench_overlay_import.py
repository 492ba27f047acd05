"""Import cost of ``configcat_publicapi`` against ``httpx``, same interpreter, same method.

Each sample is a fresh ``python -X importtime -c "import <module>"``; the figure taken is the
cumulative microseconds importtime reports for the module itself (for the overlay that
includes httpx, which it imports). Samples alternate between the two modules; the medians
and their ratio are printed (target <= 1.3). A wall-clock figure per process is printed too.
The children may write and read bytecode caches whatever ``PYTHONDONTWRITEBYTECODE`` says,
as an installed package has its modules compiled; ``--no-bytecode`` measures the other case.

    python bench/bench_overlay_import.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)\s*$")


ENV = dict(os.environ)


def sample(module: str) -> tuple[float, float]:
    """(importtime cumulative seconds of ``module``, process wall seconds)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    wall = time.perf_counter() - started
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match and match.group(2) == module:
            return int(match.group(1)) / 1e6, wall
    raise SystemExit(f"importtime printed no line for {module}")


def empty_interpreter() -> float:
    """Wall seconds of a Python process that imports nothing."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, env=ENV)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module in every child"
    )
    args = parser.parse_args()
    if args.no_bytecode:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        ENV["PYTHONPYCACHEPREFIX"] = os.devnull  # no cache to read either
    else:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    modules = ("httpx", "configcat_publicapi")
    for module in modules:  # warm the bytecode caches
        sample(module)
    results: dict[str, list[tuple[float, float]]] = {m: [] for m in modules}
    for run in range(args.runs):
        for module in modules if run % 2 == 0 else reversed(modules):
            results[module].append(sample(module))
    cumulative = {m: statistics.median(r[0] for r in results[m]) for m in modules}
    wall = {m: statistics.median(r[1] for r in results[m]) for m in modules}
    empty = statistics.median(empty_interpreter() for _ in range(args.runs))
    caches = "no bytecode caches" if args.no_bytecode else "bytecode caches"
    print(f"import cost, median of {args.runs} fresh interpreters, {caches} ({sys.executable})")
    for module in modules:
        print(
            f"  {module:20s} importtime {cumulative[module] * 1e3:6.1f} ms"
            f"   process wall {wall[module] * 1e3:6.1f} ms"
        )
    ratio = cumulative["configcat_publicapi"] / cumulative["httpx"]
    wall_ratio = (wall["configcat_publicapi"] - empty) / (wall["httpx"] - empty)
    print(f"  ratio (importtime)               {ratio:.3f}  (target <= 1.3)")
    print(f"  ratio (wall, minus empty python) {wall_ratio:.3f}")


if __name__ == "__main__":
    main()
