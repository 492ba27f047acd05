"""Cost of the dashboard's grid of a large config, beside the API's listing of the same config.

One product with three environments and one config of 1,000 boolean flags, made through the
management API on the in-process transport (rate limits off). Two requests, alternated call
by call so that noise from other work on the machine falls on both alike: the dashboard's
``GET /_dashboard/configs/{configId}`` (every flag in every environment, rendered to HTML) and
the API's ``GET /v1/configs/{configId}/settings`` (the flags without their values). The
figures are the server side: the ASGI app's answer in process, with no socket in between.
The target is a grid in at most 300 ms.

    python bench/bench_dashboard.py [--flags 1000] [--calls 40]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID

TARGET_MS = 300.0


def ok(response: httpx.Response) -> dict[str, object]:
    if response.status_code >= 300:
        raise SystemExit(f"{response.request.url}: {response.status_code} {response.text[:200]}")
    body: dict[str, object] = response.json()
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flags", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()

    mock = MockConfigCat(rate_limits=False)
    api = httpx.Client(
        transport=mock.transport, base_url="http://127.0.0.1", auth=(mock.username, mock.password)
    )
    browser = httpx.Client(transport=mock.transport, base_url="http://127.0.0.1")
    product = ok(
        api.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": "Large"})
    )["productId"]
    for name in ("Development", "Staging", "Production"):
        ok(api.post(f"/v1/products/{product}/environments", json={"name": name}))
    config = ok(
        api.post(
            f"/v1/products/{product}/configs", json={"name": "Main", "evaluationVersion": "v2"}
        )
    )["configId"]
    started = time.perf_counter()
    for number in range(args.flags):
        key = f"flag{number:04d}"
        body = {"key": key, "name": key, "settingType": "boolean"}
        ok(api.post(f"/v1/configs/{config}/settings", json=body))
    print(f"made {args.flags:,} flags x 3 environments in {time.perf_counter() - started:.1f} s")

    grid_path = f"/_dashboard/configs/{config}"
    settings_path = f"/v1/configs/{config}/settings"
    page = browser.get(grid_path)
    toggles = page.text.count('aria-label="Toggle ')
    if page.status_code != 200 or toggles != args.flags * 3:
        raise SystemExit(f"the grid shows {toggles} toggles, not {args.flags * 3}")
    print(f"grid page: {len(page.content) / 1024:,.0f} KiB, {toggles:,} toggles")

    times: dict[str, list[float]] = {"grid": [], "settings": []}
    for call in range(args.calls + 2):  # the first two warm up
        for name, client, path in (
            ("grid", browser, grid_path),
            ("settings", api, settings_path),
        ):
            started = time.perf_counter()
            response = client.get(path)
            spent = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            if call >= 2:
                times[name].append(spent * 1000)

    grid = statistics.median(times["grid"])
    settings = statistics.median(times["settings"])
    print(f"{'median of ' + str(args.calls) + ' calls':<44}{'ms':>9}{'p90 ms':>9}")
    for label, name in (
        (f"GET {grid_path[:24]}... (dashboard grid)", "grid"),
        (f"GET {settings_path[:24]}... (API)", "settings"),
    ):
        ordered = sorted(times[name])
        p90 = ordered[int(len(ordered) * 0.9) - 1]
        print(f"{label:<44}{statistics.median(ordered):>9.1f}{p90:>9.1f}")
    verdict = "within" if grid <= TARGET_MS else "OVER"
    print(f"grid / settings: {grid / settings:.2f}x; grid {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
