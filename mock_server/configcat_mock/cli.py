"""``configcat-mock``: run the mock ConfigCat Public Management API as an HTTP server."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from configcat_mock import INSTALL_HINT
from configcat_mock.api.spec_source import SPEC_ENV, SpecNotFoundError
from configcat_mock.delivery.sdk_registry import DEFAULT_HEARTBEAT_SECONDS, DEFAULT_MAX_STREAMS
from configcat_mock.http.deadlines import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_KEEP_ALIVE_TIMEOUT,
)
from configcat_mock.http.faults import FaultInjector
from configcat_mock.http.guards import (
    CONTROL_TOKEN_ENV,
    DEFAULT_BODY_LIMIT,
    DEFAULT_CONTROL_BODY_LIMIT,
    MIB,
)
from configcat_mock.http.ratelimit import RateLimits
from configcat_mock.http.serving import ServeError, Timeouts, check_workers, control_token
from configcat_mock.state.audit_log import DEFAULT_AUDIT_LOG_LIMIT
from configcat_mock.state.seed import DEFAULT_SEED, DEMO_PASSWORD, DEMO_USERNAME
from configcat_mock.state.state_file import StateFileError


class MissingExtraError(RuntimeError):
    """An extra the command needs is not installed; the message gives the install line."""


EPILOG = f"""\
Default credentials (HTTP Basic): username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}.
A seed file is a state as returned by GET /_mock/state; `configcat-mock seed` prints the
default one. Control API: /_mock/reset, /_mock/state, /_mock/faults, /_mock/rate-limits,
/_mock/journal, /_mock/webhook-deliveries, /_mock/health; without --control-token it needs no
credentials and answers on loopback only, with one every call needs 'Authorization: Bearer
<token>'. Webhooks are called on loopback addresses only, unless --webhook-allow-host.
"""


def _json_arg(value: str) -> Any:
    """A JSON document given inline or as a file path."""
    text = value
    if not value.lstrip().startswith(("{", "[")):
        with open(value, encoding="utf-8") as fh:
            text = fh.read()
    return json.loads(text)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Epilogs kept as written; an option's help ends with its default where it has one
    (unless the help already states it, in the option's own units)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if "(default" in text or default in (None, False, argparse.SUPPRESS):
            return text
        shown = " ".join(map(str, default)) if isinstance(default, tuple | list) else default
        return f"{text} (default: {shown})"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("configcat-publicapi")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
        return "unknown"


def _mebibytes(value: str) -> int:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError("must be a positive number of MiB")
    return int(number * MIB)


def _seconds(value: str) -> float:
    number = float(value)
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return number


def _whole_seconds(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be a positive whole number of seconds")
    return number


def _proxy_sdk(value: str) -> tuple[str, str]:
    sdk_id, sep, sdk_key = value.partition("=")
    if not sep or not sdk_id or not sdk_key or "/" in sdk_id:
        raise argparse.ArgumentTypeError("is ID=SDK_KEY (an id without '/', then the key)")
    return sdk_id, sdk_key


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be a whole number, 0 or more")
    return number


class _SdkKeyAction(argparse.Action):
    """``--sdk-key`` belongs to the ``--config-json`` given just before it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        files = getattr(namespace, "config_json", None) or []
        keys = dict(getattr(namespace, "sdk_keys", None) or {})
        if not files or len(files) - 1 in keys:
            parser.error("--sdk-key goes after the --config-json it names the key of")
        keys[len(files) - 1] = values
        namespace.sdk_keys = keys


def build_parser() -> argparse.ArgumentParser:
    """The command's parser: ``serve`` and ``seed`` with every option."""
    parser = argparse.ArgumentParser(
        prog="configcat-mock",
        description="A stateful offline ConfigCat Public Management API.",
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve over HTTP (uvicorn)",
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on")
    serve.add_argument(
        "--seed", metavar="FILE", default=None, help="load this state at start (JSON)"
    )
    serve.add_argument(
        "--spec",
        metavar="FILE",
        default=None,
        help=f"OpenAPI document to serve ({SPEC_ENV} too); none: the packaged pinned spec",
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
        default=None,
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
        help="audit-log entries kept; the oldest are dropped beyond (0: keep all)",
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        help="keep the state in this SQLite file: loaded at start, every write saved before "
        "its answer (survives the process being killed)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="must be 1: the state lives in one process (one serves far more than 20/s)",
    )
    serve.add_argument(
        "--control-token",
        metavar="TOKEN",
        help=f"/_mock/* then needs 'Authorization: Bearer TOKEN' (default ${CONTROL_TOKEN_ENV}); "
        "required unless --host is a loopback address",
    )
    serve.add_argument(
        "--body-limit",
        type=_mebibytes,
        default=DEFAULT_BODY_LIMIT,
        metavar="MIB",
        help=f"largest API request body, 413 above (default {DEFAULT_BODY_LIMIT // MIB})",
    )
    serve.add_argument(
        "--control-body-limit",
        type=_mebibytes,
        default=DEFAULT_CONTROL_BODY_LIMIT,
        metavar="MIB",
        help="largest /_mock/* body, e.g. PUT /_mock/state "
        f"(default {DEFAULT_CONTROL_BODY_LIMIT // MIB})",
    )
    serve.add_argument(
        "--header-timeout",
        type=_seconds,
        default=DEFAULT_HEADER_TIMEOUT,
        metavar="S",
        help="seconds to receive a request's headers, from connect or the previous answer "
        f"(default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    serve.add_argument(
        "--body-timeout",
        type=_seconds,
        default=DEFAULT_BODY_TIMEOUT,
        metavar="S",
        help=f"seconds to receive a request's body (default {DEFAULT_BODY_TIMEOUT:g})",
    )
    serve.add_argument(
        "--keep-alive-timeout",
        type=_whole_seconds,
        default=DEFAULT_KEEP_ALIVE_TIMEOUT,
        metavar="S",
        help=f"seconds an idle connection stays open (default {DEFAULT_KEEP_ALIVE_TIMEOUT})",
    )
    serve.add_argument(
        "--config-json",
        action="append",
        metavar="FILE",
        help="import a config_v6.json or flag-override file (repeat); --sdk-key after it "
        "names the key it is served under",
    )
    serve.add_argument(
        "--sdk-key",
        action=_SdkKeyAction,
        metavar="KEY",
        help="the SDK key of the --config-json before it (default: a new key, printed)",
    )
    serve.add_argument(
        "--proxy-sdk",
        action="append",
        type=_proxy_sdk,
        metavar="ID=SDK_KEY",
        help="serve SDK_KEY under the SDK id ID on the ConfigCat Proxy's routes (/api/ID/..., "
        "/sse/ID/..., X-ConfigCat-SdkId: ID); repeat. Without it an SDK key's last segment "
        "is its id",
    )
    serve.add_argument(
        "--ofrep-event-streams",
        action="store_true",
        help="offer OFREP eventStreams (server-sent refetchEvaluation events) in bulk answers",
    )
    serve.add_argument(
        "--max-streams",
        type=_count,
        default=DEFAULT_MAX_STREAMS,
        metavar="N",
        help=f"open event streams at most, 503 past it (default {DEFAULT_MAX_STREAMS})",
    )
    serve.add_argument(
        "--heartbeat",
        type=_seconds,
        default=DEFAULT_HEARTBEAT_SECONDS,
        metavar="S",
        help="seconds between heartbeat comments on an idle event stream "
        f"(default {DEFAULT_HEARTBEAT_SECONDS:g})",
    )
    serve.add_argument(
        "--webhook-allow-host",
        action="append",
        metavar="HOST",
        help="webhooks may call HOST besides loopback addresses (repeat; '*': any host)",
    )
    serve.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level",
    )
    sub.add_parser("seed", help="print the default seed state", formatter_class=_HelpFormatter)
    return parser


def serve(args: argparse.Namespace) -> int:
    """Run ``configcat-mock serve``: one process, until interrupted; returns the exit code."""
    try:
        import uvicorn

        from configcat_mock.testkit.mock import MockConfigCat
    except ModuleNotFoundError as exc:
        raise MissingExtraError(
            f"serving needs the mock's extras ({exc.name} is not installed): {INSTALL_HINT}"
        ) from None
    from configcat_mock.http.serving import listen_socket, uvicorn_config

    check_workers(args.workers)
    if args.config_json and args.state_file:
        # a state file already holds the imports of the last start: importing again would
        # make a second copy of each (and find its SDK key taken)
        raise ServeError(
            "--config-json and --state-file do not go together: the state file keeps the "
            "imported configs; start once with --config-json and without --state-file, "
            "save GET /_mock/state as a --seed, or drop --config-json"
        )
    token = control_token(args.host, args.control_token)
    seed = _json_arg(args.seed) if args.seed else None
    # bound before the state is built and the banner printed: a port in use fails at once
    sock = listen_socket(args.host, args.port)
    port = sock.getsockname()[1]
    limits = RateLimits(args.rate_limit[0], args.rate_limit[1], enabled=not args.no_rate_limit)
    mock = MockConfigCat(
        spec_path=args.spec,
        seed=seed,
        rate_limits=limits,
        validate_responses=args.validate_responses,
        enforce_permissions=args.enforce_permissions,
        control_token=token,
        body_limit=args.body_limit,
        control_body_limit=args.control_body_limit,
        audit_log_limit=args.audit_log_limit or None,
        state_file=args.state_file,
        webhook_allow_hosts=args.webhook_allow_host or (),
    )
    sdk_keys: dict[int, str] = getattr(args, "sdk_keys", None) or {}
    for i, path in enumerate(args.config_json or []):
        from configcat_mock.testkit.config_import import ConfigImportError

        try:
            done = mock.import_config_json(path, sdk_key=sdk_keys.get(i))
        except ConfigImportError as exc:
            raise ValueError(f"--config-json {path}: {exc}") from None
        print(
            f"configcat-mock: {path} served under SDK key {done.sdk_key} "
            f"(config {done.name!r}, {done.config_id})",
            file=sys.stderr,
        )
    if args.config_json:
        state = mock.backend.dump()  # reset goes back to the imported configs
        if seed and "delivery" in seed:
            state["delivery"] = seed["delivery"]
        mock.backend.reseed(state)
    protocols = mock.protocols
    for sdk_id, key in args.proxy_sdk or []:
        protocols.add_proxy_sdk(sdk_id, key)
    protocols.ofrep_event_streams = args.ofrep_event_streams
    protocols.max_streams = args.max_streams
    protocols.heartbeat_seconds = args.heartbeat
    if args.faults:
        injector: FaultInjector = mock.app.faults
        injector.configure_json(_json_arg(args.faults))
    print(
        f"configcat-mock: http://{args.host}:{port} "
        f"({len(mock.spec.operations)} operations from {mock.spec.source}); "
        f"user {DEMO_USERNAME!r} / {DEMO_PASSWORD!r} unless seeded otherwise",
        file=sys.stderr,
    )
    timeouts = Timeouts(args.header_timeout, args.body_timeout, args.keep_alive_timeout)
    config = uvicorn_config(
        mock.app, timeouts, host=args.host, port=args.port, log_level=args.log_level
    )
    # uvicorn stops on SIGTERM and SIGINT, then raises the signal again for the handler in
    # place before it: here one that unwinds (not the default, which ends the process at
    # once), so the state file is closed whole on its own
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except _Stopped:
        pass
    finally:
        sock.close()
        mock.close()
    return 0


class _Stopped(Exception):
    """SIGTERM or SIGINT after the server stopped."""


def _stop(*_: object) -> None:
    raise _Stopped


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns its exit code (2 for settings it refuses to start with)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "seed":
            print(json.dumps(DEFAULT_SEED, indent=2))
            sys.stdout.flush()  # a reader gone early (`| head`) shows here, not at exit
            return 0
        return serve(args)
    except BrokenPipeError:
        # as the Python docs advise: point stdout at devnull so the exit flush is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except SpecNotFoundError as exc:
        print(f"configcat-mock: {exc}", file=sys.stderr)
        return 2
    except ServeError as exc:
        print(f"configcat-mock: refusing to start: {exc}", file=sys.stderr)
        return 2
    except MissingExtraError as exc:
        print(f"configcat-mock: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, StateFileError) as exc:
        print(f"configcat-mock: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
