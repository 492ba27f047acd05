"""List the products, configs and environments your credentials can see.

    export CONFIGCAT_API_USER=... CONFIGCAT_API_PASS=...
    python examples/list_products.py

Set CONFIGCAT_API_HOST to point it at another host, e.g. a local mock server.
"""

from __future__ import annotations

import os
import sys

from configcat_publicapi import AuthenticationError, ConfigCatClient, ConfigCatError


def run(cc: ConfigCatClient) -> list[str]:
    """One line per product, config and environment (none when there are no products)."""
    lines: list[str] = []
    for product in cc.products.get_products():
        lines.append(f"{product.name} ({product.product_id})")
        for config in cc.configs.get_configs(product.product_id):
            lines.append(f"  config      {config.name} ({config.config_id})")
        for env in cc.environments.get_environments(product.product_id):
            lines.append(f"  environment {env.name} ({env.environment_id})")
    return lines


def main() -> int:
    try:
        with ConfigCatClient() as cc:
            lines = run(cc)
        print("\n".join(lines) if lines else "no products")
    except AuthenticationError:
        print("the credentials were refused (401)", file=sys.stderr)
        return 1
    except ConfigCatError as exc:  # configuration, status, connection: all one base class
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
