"""Start-up of the ``configcat-publicapi`` command against ``python -c "import httpx"``.

Every sample is a fresh process, timed by wall clock from the parent: the baseline
(``python -c "import httpx"``), ``configcat-publicapi --help``, and ``configcat-publicapi
export`` of a product holding three flags, read from the fake served by ``configcat-mock
serve`` on 127.0.0.1 (started here, stopped at the end). The three alternate, in rotating
order, so load from elsewhere on the machine falls on each alike. Medians and their ratios
to the baseline are printed; the targets are ``--help`` at most 1.3x and ``export`` at most
2.5x.

    python bench/bench_cli_startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TARGETS = {"--help": 1.3, "export": 2.5}

THREE_FLAGS = {
    "format": "configcat-product",
    "version": 1,
    "product": {"name": "Bench"},
    "environments": [{"name": "Production"}, {"name": "Staging"}],
    "configs": [
        {
            "name": "Main",
            "evaluationVersion": "v2",
            "settings": [
                {
                    "key": f"flag{number}",
                    "name": f"Flag {number}",
                    "settingType": "boolean",
                    "values": {
                        "Production": {"defaultValue": {"boolValue": number % 2 == 0}},
                        "Staging": {"defaultValue": {"boolValue": True}},
                    },
                }
                for number in range(3)
            ],
        }
    ],
}


def _command(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        raise SystemExit(f"{name} is not installed beside {sys.executable}")
    return on_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("configcat-mock serve stopped before it answered")
        try:
            httpx.get(url + "/v1/me", auth=("demo", "demo"), timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"the fake on {url} did not answer within 30 s")


def _seed(url: str, folder: Path, env: dict[str, str]) -> str:
    """A product made from THREE_FLAGS by the command itself; returns its id."""
    from uuid import UUID

    from configcat_publicapi import ConfigCatClient
    from configcat_publicapi_client.models import CreateProductRequest

    with ConfigCatClient("demo", "demo", base_url=url) as client:
        organization = client.organizations.get_organizations()[0].organization_id
        made = client.products.create_product(
            UUID(str(organization)), body=CreateProductRequest(name="Bench")
        )
    document = folder / "bench.json"
    document.write_text(json.dumps(THREE_FLAGS), encoding="utf-8")
    subprocess.run(
        [_command("configcat-publicapi"), "apply", str(document), str(made.product_id)],
        check=True,
        env=env,
        capture_output=True,
    )
    return str(made.product_id)


def _sample(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(CONFIGCAT_API_HOST=url, CONFIGCAT_API_USER="demo", CONFIGCAT_API_PASS="demo")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    server = subprocess.Popen(
        [_command("configcat-mock"), "serve", "--port", str(port), "--no-rate-limit",
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(url, server)
        with tempfile.TemporaryDirectory() as folder:
            product = _seed(url, Path(folder), env)
            command = _command("configcat-publicapi")
            cases = {
                "import httpx": [sys.executable, "-c", "import httpx"],
                "--help": [command, "--help"],
                "export": [command, "export", product],
            }
            for argv in cases.values():  # warm the bytecode caches and the server
                _sample(argv, env)
            times: dict[str, list[float]] = {name: [] for name in cases}
            names = list(cases)
            for run in range(args.runs):
                turn = names[run % len(names) :] + names[: run % len(names)]
                for name in turn:
                    times[name].append(_sample(cases[name], env))
    finally:
        server.terminate()
        server.wait(timeout=30)
    median = {name: statistics.median(values) for name, values in times.items()}
    baseline = median["import httpx"]
    print(f"wall clock of fresh processes, median of {args.runs} alternating runs")
    print(f"  {'import httpx':14s} {baseline * 1e3:7.1f} ms   (baseline)")
    for name, target in TARGETS.items():
        ratio = median[name] / baseline
        verdict = "ok" if ratio <= target else "over"
        print(
            f"  {name:14s} {median[name] * 1e3:7.1f} ms   {ratio:.2f}x  "
            f"(target <= {target}x: {verdict})"
        )


if __name__ == "__main__":
    main()
