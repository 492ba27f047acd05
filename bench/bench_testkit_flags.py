"""Per-test cost of the ``configcat_flags`` fixture against a test with no fixture.

Two pytest runs in fresh processes over the same number of tests: one file whose tests do
nothing, one whose tests each make a flag set of three flags and read one value with
ConfigCat's SDK (manual polling, one download). The difference of the wall times over the
number of tests is the fixture's cost per test; the session's one-off server start is in
the first test of the second run. Runs alternate; medians are printed with their ratio.

    python bench/bench_testkit_flags.py [--tests 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAIN = """
import pytest

@pytest.mark.parametrize("i", range({n}))
def test_plain(i):
    assert i >= 0
"""

WITH_FLAGS = """
import configcatclient, pytest
from configcatclient.configcatoptions import ConfigCatOptions
from configcatclient.pollingmode import PollingMode

@pytest.mark.parametrize("i", range({n}))
def test_flags(i, configcat_flags):
    flags = configcat_flags({{"isCheckoutEnabled": True, "discountPercent": i, "banner": "x"}})
    options = ConfigCatOptions(base_url=flags.base_url, polling_mode=PollingMode.manual_poll())
    client = configcatclient.get(flags.sdk_key, options)
    try:
        client.force_refresh()
        assert client.get_value("discountPercent", -1) == i
    finally:
        client.close()
"""


def run(folder: Path, name: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", name],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_plain.py").write_text(PLAIN.format(n=args.tests))
        (folder / "test_flags.py").write_text(WITH_FLAGS.format(n=args.tests))
        plain, flags = [], []
        for _ in range(args.runs):
            plain.append(run(folder, "test_plain.py"))
            flags.append(run(folder, "test_flags.py"))
    p, f = statistics.median(plain), statistics.median(flags)
    print(f"{args.tests} tests, median of {args.runs} runs (wall, one pytest process each)")
    print(f"  no fixture          {p:7.2f} s   {p / args.tests * 1e3:7.2f} ms/test")
    print(f"  configcat_flags+SDK {f:7.2f} s   {f / args.tests * 1e3:7.2f} ms/test")
    print(f"  fixture cost        {(f - p) / args.tests * 1e3:7.2f} ms/test   ratio {f / p:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
