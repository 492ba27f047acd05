"""Read and switch a flag in the config and environment an SDK key names.

python examples/toggle_by_sdk_key.py 'configcat-sdk-1/.../...' myFeatureFlag on|off

The flag is a feature flag (on/off) of a config on evaluation v2 (Config V2, the default for
new configs): the example reads and writes through the v2 value endpoints, which a v1 config
refuses. Errors (a bad key, an unknown flag, a v1 config) are one line and exit 1 or 2.
"""

from __future__ import annotations

import os
import sys

from configcat_publicapi import (
    BadRequestError,
    ConfigCatClient,
    ConfigCatError,
    NotFoundError,
    SdkKeyFormatError,
)
from configcat_publicapi.patch import SettingValueV2Patch


def run(cc: ConfigCatClient, sdk_key: str, flag: str, on: bool) -> bool:
    """Set the flag's default value to ``on`` unless it already is; return the old value."""
    scope = cc.for_sdk_key(sdk_key)  # raises SdkKeyFormatError before any request
    current = scope.get_value_v2(flag).default_value.bool_value
    if current != on:
        scope.update_value_v2(
            flag, SettingValueV2Patch().default_value(on), reason="examples/toggle_by_sdk_key.py"
        )
    return bool(current)


def main() -> int:
    if len(sys.argv) != 4 or sys.argv[3] not in ("on", "off"):
        print(__doc__, file=sys.stderr)
        return 2
    sdk_key, flag, state = sys.argv[1:]
    try:
        with ConfigCatClient() as cc:
            old = run(cc, sdk_key, flag, state == "on")
    except SdkKeyFormatError as exc:
        print(exc, file=sys.stderr)
        return 2
    except NotFoundError:
        print(f"no flag {flag!r} in the config this SDK key names", file=sys.stderr)
        return 1
    except BadRequestError as exc:  # a v1 config, or a flag that is not on/off
        print(
            f"{flag} was not changed (the example needs a v2 on/off flag): {exc}", file=sys.stderr
        )
        return 1
    except ConfigCatError as exc:  # refused credentials, no connection, ...
        print(f"failed: {exc}", file=sys.stderr)
        return 1
    print(f"{flag}: {'on' if old else 'off'} -> {state}")
    return 0


if __name__ == "__main__":
    try:
        code = main()
        sys.stdout.flush()  # a reader gone early (`| head`) shows here, not at exit
    except BrokenPipeError:
        # as the Python docs advise: point stdout at devnull so the exit flush is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
