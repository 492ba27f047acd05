"""Bulk update: set the default value of many flags in one environment, as fast as allowed.

    python examples/bulk_update_flags.py CONFIG_ID ENVIRONMENT_ID --prefix checkout_ --value true

Every update goes out concurrently; the client's limiter keeps each endpoint under 20
requests a second and 500 a minute, so the job runs at the allowed rate without a 429, and
any 429 or 5xx that still happens is retried. The `reason` lands in the audit log.

The config must be on evaluation v2 (Config V2, the default for new configs): the example
writes through the v2 value endpoints, and a v1 config refuses each write (reported per flag).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any

from configcat_publicapi import AsyncConfigCatClient, ConfigCatError
from configcat_publicapi.patch import SettingValueV2Patch

CONCURRENCY = 8


def parse_value(text: str) -> bool | int | float | str:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


async def run(
    acc: AsyncConfigCatClient,
    config_id: Any,
    environment_id: Any,
    prefix: str,
    value: bool | int | float | str,
) -> dict[str, str]:
    """Update every flag whose key starts with ``prefix``; return key -> "ok" or the error."""
    flags = [f for f in await acc.settings.get_settings(config_id) if f.key.startswith(prefix)]
    patch = SettingValueV2Patch().default_value(value)
    outcome: dict[str, str] = {}
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for flag in flags:
        queue.put_nowait(flag)

    async def worker() -> None:
        while not queue.empty():
            flag = queue.get_nowait()
            try:
                await acc.setting_values_v2.update_setting_value_v2(
                    environment_id, flag.setting_id, body=patch.build()
                )
                outcome[flag.key] = "ok"
            except ConfigCatError as exc:
                outcome[flag.key] = str(exc)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return outcome


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config_id")
    parser.add_argument("environment_id")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--value", default="true", help="true/false, a number or a text")
    parser.add_argument("--reason", default="bulk update from examples/bulk_update_flags.py")
    args = parser.parse_args(argv)
    try:
        async with AsyncConfigCatClient(reason=args.reason) as acc:
            outcome = await run(
                acc, args.config_id, args.environment_id, args.prefix, parse_value(args.value)
            )
    except ConfigCatError as exc:  # an unknown config, refused credentials, no connection
        print(f"failed: {exc}", file=sys.stderr)
        return 1
    for key, result in sorted(outcome.items()):
        print(f"{key}: {result}")
    failed = sum(1 for r in outcome.values() if r != "ok")
    print(f"{len(outcome) - failed} updated, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        code = asyncio.run(main())
        sys.stdout.flush()  # a reader gone early (`| head`) shows here, not at exit
    except BrokenPipeError:
        # as the Python docs advise: point stdout at devnull so the exit flush is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
