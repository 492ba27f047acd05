"""Read and switch a flag in the config and environment an SDK key names.

python examples/toggle_by_sdk_key.py 'configcat-sdk-1/.../...' myFeatureFlag on|off
"""

from __future__ import annotations

import sys

from configcat_publicapi import ConfigCatClient, SdkKeyFormatError
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
    print(f"{flag}: {'on' if old else 'off'} -> {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
