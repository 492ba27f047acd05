"""Export a product's audit log as JSON lines, page by page, without holding it in memory.

python examples/export_audit_log.py PRODUCT_ID > audit.jsonl
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from configcat_publicapi import ConfigCatClient, ConfigCatError


def run(cc: ConfigCatClient, product_id: Any) -> Iterator[str]:
    """One JSON line per audit log item; pages (100 items each) are fetched as needed."""
    for item in cc.paginate(cc.audit_logs.get_auditlogs_v2, product_id):
        yield json.dumps(item.to_dict(), sort_keys=True)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with ConfigCatClient() as cc:
            for line in run(cc, sys.argv[1]):
                print(line)
    except ConfigCatError as exc:  # an unknown product, refused credentials, no connection
        print(f"failed: {exc}", file=sys.stderr)
        return 1
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
