"""The ``configcat-publicapi`` command: flags as code, from a shell or a CI job.

``export`` a product as a document, ``plan`` what applying a document would change (and
save it with ``--out``), ``apply`` a document or a saved plan, ``show`` a saved plan,
``diff`` two environments or two products, ``promote`` values between environments, ``bulk``
set or toggle flags; ``products``, ``configs``, ``environments`` and ``flags`` list what there
is. Products, configs and environments are taken by name or by id everywhere.

Credentials come from ``CONFIGCAT_API_USER`` / ``CONFIGCAT_API_PASS`` (the host from
``CONFIGCAT_API_HOST``), as for the library. Exit codes (:data:`EXIT_CODES`): 0 done or
nothing to do; 1 an error (a bad document, an API error, a saved plan whose product moved,
a failed ``bulk`` write); 2 changes pending (``--detailed-exitcode``), a usage error, or
deletes that need ``--yes`` without a terminal; 3 a filter (``--flag``, ``--tag``,
``--config``) that matches no flag; 130 interrupted (Ctrl-C; the same ``apply`` again
resumes). Every error is one line on standard error (``configcat-publicapi: ...``), or one
JSON object with ``--json``; never a traceback.

argparse, not click: the standard library is enough and keeps the core install free of
another dependency. This module imports nothing of the client or the workflows: each
subcommand loads what it needs (:mod:`configcat_publicapi._cli`), so ``--help`` is quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from configcat_publicapi._version import __version__

EXIT_OK, EXIT_ERROR, EXIT_PENDING, EXIT_NO_MATCH = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's code for a command ended by SIGINT
EXIT_CODES = {
    EXIT_OK: "done, or nothing to do",
    EXIT_ERROR: "an error: a bad document, an API error, a saved plan whose product moved,"
    " a failed write",
    EXIT_PENDING: "changes pending (with --detailed-exitcode); a usage error; deletes that"
    " need --yes without a terminal",
    EXIT_NO_MATCH: "a filter (--flag, --tag, --config) matched no flag: nothing was done",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C): run the same command again to resume",
}
PROG = "configcat-publicapi"


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that point at ``--help``."""

    def error(self, message: str) -> NoReturn:
        """A usage error: the message on standard error, exit 2."""
        sys.stderr.write(f"{PROG}: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(EXIT_PENDING)


def _epilog(examples: Sequence[str], codes: Sequence[int], more: str = "") -> str:
    lines = ["examples:", *(f"  $ {e}" for e in examples), "", "exit codes:"]
    lines += [f"  {code:<4} {EXIT_CODES[code]}" for code in codes]
    lines += ["", "credentials: CONFIGCAT_API_USER, CONFIGCAT_API_PASS (and CONFIGCAT_API_HOST)"]
    return "\n".join(lines) + (f"\n\n{more}" if more else "")


def _concurrency(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"a whole number of 1 or more, not {text!r}")
    return number


def _json_value(text: str) -> Any:
    """A ``--value``: JSON, so that ``true`` and ``"true"`` differ."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    if text.lower() in ("true", "false"):
        hint = f"write it in lower case: --value {text.lower()}"
    else:
        hint = f"a text value needs JSON quotes: --value '\"{text}\"'"
    raise argparse.ArgumentTypeError(
        f'{text!r} is not a JSON value (true, false, 42, 0.5 or "text"); {hint}'
    )


def _writes_in_flight(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--concurrency",
        type=_concurrency,
        default=1,
        metavar="N",
        help="writes in flight at once, each waiting for what it needs; "
        "more than 1 helps over a slow link (default: 1, in the plan's "
        "order)",
    )


def _reason(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help="the audit log's reason for each value change (products may require one)",
    )


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _yes(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--yes",
        "--auto-approve",
        dest="yes",
        action="store_true",
        help="apply a plan that deletes without asking (needed without a terminal)",
    )


def _out(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-out",
        "--out",
        type=Path,
        metavar="FILE",
        help="save the plan to FILE (JSON) instead of applying it; apply it later"
        " with `apply FILE`, which refuses if the product changed since",
    )


PRODUCT = "the product, by name or id (`configcat-publicapi products` lists them)"
ENV = "by name or id"


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    top = Parser(
        prog=PROG,
        description="Flags as code for ConfigCat: export a product as a document, plan and"
        " apply documents, promote values, and list products, configs, environments and flags.",
        epilog=_epilog(
            [
                f"{PROG} products",
                f"{PROG} export Shop -o shop.yaml",
                f"{PROG} plan shop.yaml Shop --out shop.plan.json",
                f"{PROG} apply shop.plan.json",
            ],
            sorted(EXIT_CODES),
            f"`{PROG} COMMAND --help` shows each command's options and examples.",
        ),
        formatter_class=formatter,
    )
    top.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str, examples: list[str], codes: list[int]) -> Any:
        return sub.add_parser(
            name,
            help=text,
            description=text[:1].upper() + text[1:] + ".",
            epilog=_epilog(examples, codes),
            formatter_class=formatter,
        )

    for name, text in (
        ("products", "list the products the credentials can see"),
        ("configs", "list a product's configs"),
        ("environments", "list a product's environments"),
        ("flags", "list a product's flags (feature flags and settings)"),
    ):
        args = "" if name == "products" else " Shop"
        listing = command(
            name, text, [f"{PROG} {name}{args}", f"{PROG} {name}{args} --json"], [0, 1, 2]
        )
        if name != "products":
            listing.add_argument("product", metavar="PRODUCT", help=PRODUCT)
        if name == "flags":
            listing.add_argument(
                "--config",
                action="append",
                dest="configs",
                metavar="CONFIG",
                help="only this config's flags, by name or id (repeatable)",
            )
        _json_flag(listing)

    export_cmd = command(
        "export",
        "write a product (or some of its configs) as a document",
        [f"{PROG} export Shop -o shop.yaml", f"{PROG} export Shop --config Main --format json"],
        [0, 1, 2],
    )
    export_cmd.add_argument("product", metavar="PRODUCT", help=PRODUCT)
    export_cmd.add_argument(
        "--config",
        action="append",
        dest="configs",
        metavar="CONFIG",
        help="export only this config, by name or id (repeatable)",
    )
    export_cmd.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="file to write (default: standard output)"
    )
    export_cmd.add_argument(
        "--format", choices=["yaml", "json"], help="default: from the output's suffix, else yaml"
    )

    plan_cmd = command(
        "plan",
        "show what applying a document would change, and save it with --out",
        [
            f"{PROG} plan shop.yaml Shop",
            f"{PROG} plan shop.yaml Shop --prune --out shop.plan.json",
            f"{PROG} plan shop.yaml Shop --detailed-exitcode",
        ],
        [0, 1, 2],
    )
    plan_cmd.add_argument("document", type=Path, help="a YAML or JSON product document")
    plan_cmd.add_argument("product", metavar="PRODUCT", help=PRODUCT)
    plan_cmd.add_argument(
        "--prune", action="store_true", help="also delete what the document does not hold"
    )
    plan_cmd.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when changes are pending, 0 when none",
    )
    _out(plan_cmd)
    _json_flag(plan_cmd)

    apply_cmd = command(
        "apply",
        "apply a document, or a plan saved by plan/promote/bulk --out",
        [
            f"{PROG} apply shop.yaml Shop --reason 'release 42'",
            f"{PROG} apply shop.plan.json",
            f"{PROG} apply shop.yaml Shop --prune --yes",
        ],
        [0, 1, 2, 130],
    )
    apply_cmd.add_argument(
        "document",
        type=Path,
        metavar="FILE",
        help="a YAML or JSON product document, or a saved plan",
    )
    apply_cmd.add_argument(
        "product", metavar="PRODUCT", nargs="?", help=PRODUCT + "; a saved plan names its own"
    )
    apply_cmd.add_argument(
        "--prune",
        action="store_true",
        help="also delete what the document does not hold (asks first)",
    )
    _yes(apply_cmd)
    _reason(apply_cmd)
    _json_flag(apply_cmd)
    _writes_in_flight(apply_cmd)

    show_cmd = command("show", "show a saved plan", [f"{PROG} show shop.plan.json"], [0, 1, 2])
    show_cmd.add_argument("file", type=Path, metavar="FILE", help="a plan saved with --out")
    _json_flag(show_cmd)

    diff_cmd = command(
        "diff",
        "compare two environments of a product, or two products",
        [
            f"{PROG} diff Shop --from Production --to Staging",
            f"{PROG} diff Shop --product 'Shop copy' --detailed-exitcode",
        ],
        [0, 1, 2],
    )
    diff_cmd.add_argument("product", metavar="PRODUCT", help=PRODUCT + " (the left side)")
    diff_cmd.add_argument(
        "--from", dest="source", metavar="ENV", help="the left environment, " + ENV
    )
    diff_cmd.add_argument(
        "--to", dest="target", metavar="ENV", help="the right environment, " + ENV
    )
    diff_cmd.add_argument(
        "--config",
        metavar="CONFIG",
        help="the config, by name or id (needed when the product has several)",
    )
    diff_cmd.add_argument(
        "--product",
        dest="other",
        metavar="PRODUCT",
        help="compare with this product instead of two environments",
    )
    diff_cmd.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when the sides differ, 0 when they are equal",
    )
    _json_flag(diff_cmd)

    only = "only flags whose key matches (repeatable; shell patterns such as 'checkout_*')"
    promote_cmd = command(
        "promote",
        "copy flag values and rules from one environment to another",
        [
            f"{PROG} promote Shop --from Staging --to Production --flag 'checkout_*'",
            f"{PROG} promote Shop --from Staging --to Production --out promote.json",
        ],
        [0, 1, 2, 3, 130],
    )
    promote_cmd.add_argument("product", metavar="PRODUCT", help=PRODUCT)
    promote_cmd.add_argument(
        "--from",
        dest="source",
        metavar="ENV",
        required=True,
        help="the environment to copy from, " + ENV,
    )
    promote_cmd.add_argument(
        "--to",
        dest="target",
        metavar="ENV",
        required=True,
        help="the environment to copy to, " + ENV,
    )
    promote_cmd.add_argument(
        "--config",
        metavar="CONFIG",
        help="the config, by name or id (needed when the product has several)",
    )
    promote_cmd.add_argument(
        "--to-config", metavar="CONFIG", help="promote into this config, flags paired by key"
    )
    promote_cmd.add_argument("--flag", action="append", dest="keys", metavar="PATTERN", help=only)
    promote_cmd.add_argument("--dry-run", action="store_true", help="show the changes, make none")
    _out(promote_cmd)
    _reason(promote_cmd)
    _json_flag(promote_cmd)
    _writes_in_flight(promote_cmd)

    bulk_cmd = command(
        "bulk",
        "set or toggle the default value of many flags, by key pattern or tag",
        [
            f"{PROG} bulk Shop --env Staging --tag beta --toggle",
            f"{PROG} bulk Shop --env Production --flag 'checkout_*' --value false",
            f"{PROG} bulk Shop --env Staging --flag theme --value '\"dark\"' --dry-run",
        ],
        [0, 1, 2, 3, 130],
    )
    bulk_cmd.add_argument("product", metavar="PRODUCT", help=PRODUCT)
    bulk_cmd.add_argument(
        "--env",
        action="append",
        dest="environments",
        required=True,
        metavar="ENV",
        help="an environment to edit, " + ENV + " (repeatable)",
    )
    bulk_cmd.add_argument("--flag", action="append", dest="keys", metavar="PATTERN", help=only)
    bulk_cmd.add_argument(
        "--tag",
        action="append",
        dest="tags",
        metavar="TAG",
        help="only flags with one of these tags (repeatable)",
    )
    bulk_cmd.add_argument(
        "--config",
        action="append",
        dest="configs",
        metavar="CONFIG",
        help="only flags of these configs, by name or id (repeatable)",
    )
    what = bulk_cmd.add_mutually_exclusive_group(required=True)
    what.add_argument("--toggle", action="store_true", help="invert on/off (boolean) flags")
    what.add_argument(
        "--value",
        type=_json_value,
        metavar="JSON",
        help="the default value to serve, as JSON: true, 42, 0.5, '\"text\"'",
    )
    bulk_cmd.add_argument("--dry-run", action="store_true", help="show the changes, make none")
    _out(bulk_cmd)
    _reason(bulk_cmd)
    _json_flag(bulk_cmd)
    _writes_in_flight(bulk_cmd)
    return top


def _discovery(args: argparse.Namespace, out: TextIO) -> int:
    from configcat_publicapi._cli import discovery
    from configcat_publicapi._cli.commands import client

    with client() as cc:
        if args.command == "products":
            discovery.products(cc, args.json, out)
        elif args.command == "flags":
            discovery.flags(cc, args.product, args.configs, args.json, out)
        else:
            getattr(discovery, args.command)(cc, args.product, args.json, out)
    return EXIT_OK


def _command(name: str) -> Callable[[argparse.Namespace, TextIO], int]:
    if name in ("products", "configs", "environments", "flags"):
        return _discovery
    from configcat_publicapi._cli import commands

    handler: Callable[[argparse.Namespace, TextIO], int] = getattr(commands, name)
    return handler


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command; returns the exit code (see :data:`EXIT_CODES`)."""
    args = _parser().parse_args(argv)
    stream = out or sys.stdout
    try:
        return _command(args.command)(args, stream)
    except KeyboardInterrupt:
        message = "interrupted: run the same command again to resume"
        _error(args, stream, {"error": "interrupted", "message": message})
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader (head, less) went away: nothing more to say, and nowhere to say it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:
        code, info = _explain(args, exc)
        _error(args, stream, info)
        return code


def _explain(args: argparse.Namespace, exc: Exception) -> tuple[int, dict[str, Any]]:
    """The exit code and the one-line message (with fields for ``--json``) of an error."""
    from configcat_publicapi._exceptions import ConfigCatError

    name = type(exc).__name__
    if isinstance(exc, UnicodeDecodeError):
        where = getattr(args, "document", None) or getattr(args, "file", None) or "the file"
        return EXIT_ERROR, {
            "error": "document",
            "message": f"{where}: not UTF-8 text (byte {exc.object[exc.start]:#04x}"
            f" at offset {exc.start})",
        }
    if not isinstance(exc, (ConfigCatError, OSError, ImportError)):
        return EXIT_ERROR, {
            "error": "unexpected",
            "message": f"unexpected error ({name}: {exc}); please report it with the"
            " command you ran",
        }
    from configcat_publicapi._cli.output import ConfirmationNeededError, NotConfirmedError
    from configcat_publicapi.workflows import DocumentError, ReasonRequiredError
    from configcat_publicapi.workflows.guards import NothingMatchedError

    if isinstance(exc, NothingMatchedError):
        option = {"key": "--flag", "tag": "--tag", "config": "--config"}.get(exc.filter)
        given = f"{option} {exc.value!r}: " if option else "the filters: "
        return EXIT_NO_MATCH, {
            "error": "no-match",
            "filter": exc.filter,
            "value": exc.value,
            "message": f"{given}{exc}: nothing to do",
        }
    if isinstance(exc, ConfirmationNeededError):
        return EXIT_PENDING, {"error": "confirmation", "message": str(exc)}
    if isinstance(exc, NotConfirmedError):
        return EXIT_ERROR, {"error": "cancelled", "message": str(exc)}
    if isinstance(exc, DocumentError):
        where = getattr(args, "document", None) or getattr(args, "file", None)
        message = exc.message
        if where is not None:
            message = message.replace('"<unicode string>"', f'"{where}"')
        from configcat_publicapi.workflows.reading import SourceError

        # a SourceError names its file, line and column itself
        prefix = f"{where}: " if where is not None and not isinstance(exc, SourceError) else ""
        return EXIT_ERROR, {
            "error": "document",
            "path": exc.path,
            "message": f"{prefix}{exc.path + ': ' if exc.path else ''}{message}",
        }
    if isinstance(exc, ReasonRequiredError):
        return EXIT_ERROR, {
            "error": "reason",
            "environments": exc.environments,
            "message": f"{exc}: give --reason TEXT",
        }
    if isinstance(exc, OSError) and exc.filename is not None:
        return EXIT_ERROR, {
            "error": name,
            "message": f"cannot use {exc.filename}: {exc.strerror or exc}",
        }
    return EXIT_ERROR, {"error": name, "message": str(exc)}


def _error(args: argparse.Namespace, out: TextIO, info: dict[str, Any]) -> None:
    if getattr(args, "json", False):
        out.write(json.dumps(info) + "\n")
    else:
        sys.stderr.write(f"{PROG}: {info['message']}\n")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
