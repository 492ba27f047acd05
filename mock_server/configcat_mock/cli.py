"""``configcat-mock``: run the mock ConfigCat Public Management API as an HTTP server."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from configcat_mock.audit_log import DEFAULT_AUDIT_LOG_LIMIT
from configcat_mock.faults import FaultInjector
from configcat_mock.ratelimit import RateLimits
from configcat_mock.seed import DEFAULT_SEED, DEMO_PASSWORD, DEMO_USERNAME
from configcat_mock.spec import SpecNotFoundError
from configcat_mock.state_file import StateFileError

EPILOG = f"""\
Default credentials (HTTP Basic): username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}.
A seed file is a state as returned by GET /_mock/state; `configcat-mock seed` prints the
default one. Control API (no credentials): /_mock/reset, /_mock/state, /_mock/faults,
/_mock/rate-limits, /_mock/journal, /_mock/health.
"""


def _json_arg(value: str) -> Any:
    """A JSON document given inline or as a file path."""
    text = value
    if not value.lstrip().startswith(("{", "[")):
        with open(value, encoding="utf-8") as fh:
            text = fh.read()
    return json.loads(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="configcat-mock",
        description="A stateful offline ConfigCat Public Management API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve over HTTP (uvicorn)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--seed", metavar="FILE", help="load this state at start")
    serve.add_argument(
        "--spec", metavar="FILE", help="OpenAPI document (default: spec/swagger.json)"
    )
    serve.add_argument(
        "--rate-limit",
        type=int,
        nargs=2,
        metavar=("PER_SECOND", "PER_MINUTE"),
        default=(20, 500),
        help="requests per credential and endpoint",
    )
    serve.add_argument("--no-rate-limit", action="store_true", help="turn rate limiting off")
    serve.add_argument(
        "--faults",
        metavar="JSON|FILE",
        help='fault rules, e.g. {"seed": 1, "rules": [{"route": "*", "rate_503": 0.1}]}',
    )
    serve.add_argument(
        "--validate-responses",
        action="store_true",
        help="check every answer against the spec (slower)",
    )
    serve.add_argument(
        "--enforce-permissions",
        action="store_true",
        help="members who are not organization admins act within their permission group (403)",
    )
    serve.add_argument(
        "--audit-log-limit",
        type=int,
        default=DEFAULT_AUDIT_LOG_LIMIT,
        metavar="N",
        help="audit-log entries kept; the oldest are dropped beyond (0: keep all; "
        "default %(default)s)",
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        help="keep the state in this SQLite file: loaded at start, every write saved before "
        "its answer (survives the process being killed)",
    )
    serve.add_argument("--log-level", default="warning")
    sub.add_parser("seed", help="print the default seed state")
    return parser


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from configcat_mock.mock import MockConfigCat

    seed = _json_arg(args.seed) if args.seed else None
    limits = RateLimits(args.rate_limit[0], args.rate_limit[1], enabled=not args.no_rate_limit)
    mock = MockConfigCat(
        spec_path=args.spec,
        seed=seed,
        rate_limits=limits,
        validate_responses=args.validate_responses,
        enforce_permissions=args.enforce_permissions,
        audit_log_limit=args.audit_log_limit or None,
        state_file=args.state_file,
    )
    if args.faults:
        injector: FaultInjector = mock.app.faults
        injector.configure_json(_json_arg(args.faults))
    print(
        f"configcat-mock: http://{args.host}:{args.port} "
        f"({len(mock.spec.operations)} operations from {mock.spec.source}); "
        f"user {DEMO_USERNAME!r} / {DEMO_PASSWORD!r} unless seeded otherwise",
        file=sys.stderr,
    )
    uvicorn.run(
        mock.app, host=args.host, port=args.port, log_level=args.log_level, access_log=False
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "seed":
            print(json.dumps(DEFAULT_SEED, indent=2))
            return 0
        return serve(args)
    except SpecNotFoundError as exc:
        print(f"configcat-mock: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, StateFileError) as exc:
        print(f"configcat-mock: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
