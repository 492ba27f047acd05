"""The ``configcat-publicapi`` command: export, plan, apply, diff, promote and bulk.

Credentials come from ``CONFIGCAT_API_USER`` / ``CONFIGCAT_API_PASS`` (and the host from
``CONFIGCAT_API_HOST``), as for the library. Exit codes a CI job can use: 0 done or nothing to
do, 1 an error (a bad document, an API error), 2 changes pending (``plan`` and ``diff`` with
``--detailed-exitcode``), 1 also when a ``bulk`` write failed (the others are made),
130 interrupted (Ctrl-C; running the same ``apply`` again resumes it).
``--json`` prints one JSON object; otherwise progress is a rich bar on a terminal (with the
``workflows`` extra) and plain lines elsewhere, so logs stay readable.

argparse, not click: the standard library is enough for three subcommands and keeps the core
install free of another dependency.

A target whose preferences require a reason for the planned value changes stops ``apply``,
``promote`` and ``bulk`` before their first write, asking for ``--reason`` (``plan`` says so
above its summary).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from configcat_publicapi._client import ConfigCatClient
from configcat_publicapi._exceptions import ConfigCatError
from configcat_publicapi.workflows import (
    TOGGLE,
    DocumentError,
    ReasonRequiredError,
    ValueDiff,
    apply,
    bulk_set,
    diff_environments,
    diff_products,
    dumps,
    export,
    load,
    plan,
    promote,
)
from configcat_publicapi.workflows.plan import Change, Plan, Progress

EXIT_OK, EXIT_ERROR, EXIT_PENDING = 0, 1, 2
EXIT_INTERRUPTED = 130  # the shell's code for a command ended by SIGINT


def _concurrency(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"a whole number of 1 or more, not {text!r}")
    return number


def _writes_in_flight(p: argparse.ArgumentParser) -> None:
    p.add_argument("--concurrency", type=_concurrency, default=1, metavar="N",
                   help="writes in flight at once, each waiting for what it needs; "
                        "more than 1 helps over a slow link (default: 1, in the plan's "
                        "order)")  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="configcat-publicapi",
        description="Export a ConfigCat product as a document, plan and apply documents.",
        epilog="Credentials: CONFIGCAT_API_USER, CONFIGCAT_API_PASS (CONFIGCAT_API_HOST).",
    )
    sub = top.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("export", help="write a product (or some configs) as a document")
    ex.add_argument("product_id", help="the product to export")
    ex.add_argument("--config", action="append", dest="configs", metavar="NAME",
                    help="export only this config (repeatable)")  # fmt: skip
    ex.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    ex.add_argument("--format", choices=["yaml", "json"],
                    help="default: from the output's suffix, else yaml")  # fmt: skip

    for name, text in (("plan", "show what apply would change"), ("apply", "apply a document")):
        p = sub.add_parser(name, help=text)
        p.add_argument("document", type=Path, help="a YAML or JSON product document")
        p.add_argument("product_id", help="the target product")
        p.add_argument("--prune", action="store_true",
                       help="also delete what the document does not hold")  # fmt: skip
        p.add_argument("--json", action="store_true", help="print JSON")
        if name == "plan":
            p.add_argument("--detailed-exitcode", action="store_true",
                           help="exit 2 when changes are pending, 0 when none")  # fmt: skip
        else:
            p.add_argument("--reason", help="the audit log's reason for each value change")
            _writes_in_flight(p)
    d = sub.add_parser("diff", help="compare two environments, or two products")
    d.add_argument("product_id", help="the product (the left side)")
    d.add_argument("--from", dest="source", metavar="ENV", help="the left environment")
    d.add_argument("--to", dest="target", metavar="ENV", help="the right environment")
    d.add_argument("--config", help="the config (needed when the product has several)")
    d.add_argument("--product", dest="other", metavar="PRODUCT_ID",
                   help="compare with this product instead of two environments")  # fmt: skip
    d.add_argument("--json", action="store_true", help="print JSON")
    d.add_argument("--detailed-exitcode", action="store_true",
                   help="exit 2 when the sides differ, 0 when they are equal")  # fmt: skip

    pr = sub.add_parser("promote", help="copy flag values from one environment to another")
    pr.add_argument("product_id", help="the product")
    pr.add_argument("--from", dest="source", metavar="ENV", required=True)
    pr.add_argument("--to", dest="target", metavar="ENV", required=True)
    pr.add_argument("--config", help="the config (needed when the product has several)")
    pr.add_argument("--to-config", help="promote into this config, flags paired by key")
    only = "only these flags (repeatable; shell patterns such as 'checkout_*')"
    pr.add_argument("--flag", action="append", dest="keys", metavar="KEY_OR_PATTERN", help=only)
    pr.add_argument("--dry-run", action="store_true", help="show the diff, change nothing")
    pr.add_argument("--reason", help="the audit log's reason for each value change")
    pr.add_argument("--json", action="store_true", help="print JSON")
    _writes_in_flight(pr)

    b = sub.add_parser("bulk", help="set or toggle many flags by key pattern or tag")
    b.add_argument("product_id", help="the product")
    b.add_argument("--env", action="append", dest="environments", required=True, metavar="ENV",
                   help="an environment to edit (repeatable)")  # fmt: skip
    b.add_argument("--flag", action="append", dest="keys", metavar="KEY_OR_PATTERN", help=only)
    b.add_argument("--tag", action="append", dest="tags", metavar="TAG",
                   help="only flags with one of these tags (repeatable)")  # fmt: skip
    b.add_argument("--config", action="append", dest="configs", metavar="NAME",
                   help="only flags of these configs (repeatable)")  # fmt: skip
    what = b.add_mutually_exclusive_group(required=True)
    what.add_argument("--toggle", action="store_true", help="invert boolean flags")
    what.add_argument("--value", type=json.loads, metavar="JSON",
                      help="the default value to serve: true, 42, 0.5, '\"text\"'")  # fmt: skip
    b.add_argument("--dry-run", action="store_true", help="show the changes, make none")
    b.add_argument("--reason", help="the audit log's reason for each value change")
    b.add_argument("--json", action="store_true", help="print JSON")
    _writes_in_flight(b)
    return top


def _client() -> ConfigCatClient:
    return ConfigCatClient()


def _export(args: argparse.Namespace, out: TextIO) -> int:
    fmt = args.format or ("json" if args.output and args.output.suffix == ".json" else "yaml")
    with _client() as cc:
        text = dumps(export(cc, args.product_id, configs=args.configs), fmt=fmt)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return EXIT_OK


def _print_plan(the_plan: Plan, out: TextIO) -> None:
    for change in the_plan.changes:
        out.write(change.describe() + "\n")
    for note in the_plan.notes:
        out.write(f"note: {note}\n")
    if the_plan.needs_reason:
        out.write(f"changes in {', '.join(the_plan.needs_reason)} need --reason\n")
    if the_plan.needs_approval:
        out.write(f"changes in {', '.join(the_plan.needs_approval)} need an approval\n")
    counts = the_plan.counts()
    out.write(
        f"{counts['create']} to create, {counts['update']} to change, "
        f"{counts['delete']} to delete\n"
    )


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    with _client() as cc:
        the_plan = plan(cc, load(args.document), args.product_id, prune=args.prune)
    if args.json:
        out.write(json.dumps(the_plan.to_json(), indent=2) + "\n")
    else:
        _print_plan(the_plan, out)
    return EXIT_PENDING if args.detailed_exitcode and the_plan else EXIT_OK


@contextmanager
def _progress(out: TextIO, quiet: bool) -> Iterator[Progress | None]:
    if quiet:
        yield None
        return
    if out.isatty():
        try:
            from rich.progress import Progress as Bar
        except ImportError:
            pass
        else:
            with Bar(transient=False) as bar:
                task = bar.add_task("applying", total=None)

                def show(n: int, total: int, change: Change) -> None:
                    bar.update(task, completed=n, total=total, description=change.describe())

                yield show
            return

    def line(n: int, total: int, change: Change) -> None:
        out.write(f"[{n}/{total}] {change.describe()}\n")
        out.flush()

    yield line


def _apply(args: argparse.Namespace, out: TextIO) -> int:
    document = load(args.document)
    with _client() as cc, _progress(out, args.json) as progress:
        result = apply(
            cc, document, args.product_id, reason=args.reason, prune=args.prune,
            progress=progress, concurrency=args.concurrency,
        )  # fmt: skip
    if args.json:
        out.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        out.write(f"{len(result.done)} changes applied\n")
    return EXIT_OK


def _short(value: Any) -> str:
    return "-" if value is None else json.dumps(value, separators=(",", ":"))


def _diff_table(diffs: list[ValueDiff], left: str, right: str, out: TextIO) -> None:
    if out.isatty():
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            pass
        else:
            table = Table("config", "flag", left, right)
            for d in diffs:
                table.add_row(d.config, d.key, _short(d.left), _short(d.right))
            Console(file=out).print(table)
            return
    for d in diffs:
        out.write(f"{d.config} {d.key}: {_short(d.left)} | {_short(d.right)}\n")
    out.write(f"{len(diffs)} flags differ\n")


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    with _client() as cc:
        if args.other:
            the_plan = diff_products(cc, args.product_id, args.other)
            if args.json:
                out.write(json.dumps(the_plan.to_json(), indent=2) + "\n")
            else:
                _print_plan(the_plan, out)
            differ = bool(the_plan)
        else:
            if not (args.source and args.target):
                raise DocumentError("", "give --from ENV and --to ENV, or --product PRODUCT_ID")
            doc = export(cc, args.product_id)
            diffs = diff_environments(doc, args.source, args.target, config=args.config)
            if args.json:
                out.write(json.dumps([d.to_json() for d in diffs], indent=2) + "\n")
            else:
                _diff_table(diffs, args.source, args.target, out)
            differ = bool(diffs)
    return EXIT_PENDING if args.detailed_exitcode and differ else EXIT_OK


def _promote(args: argparse.Namespace, out: TextIO) -> int:
    with _client() as cc:
        the_plan, _ = promote(
            cc, args.product_id, args.source, args.target, keys=args.keys, config=args.config,
            target_config=args.to_config, dry_run=True,
        )  # fmt: skip
        if not args.json:
            _print_plan(the_plan, out)
        if args.dry_run or not the_plan:
            if args.json:
                out.write(json.dumps(the_plan.to_json(), indent=2) + "\n")
            return EXIT_OK
        with _progress(out, args.json) as progress:
            _, result = promote(
                cc, args.product_id, args.source, args.target, keys=args.keys,
                config=args.config, target_config=args.to_config, reason=args.reason,
                progress=progress, concurrency=args.concurrency,
            )  # fmt: skip
    assert result is not None
    if args.json:
        out.write(json.dumps({"plan": the_plan.to_json()} | result.to_json(), indent=2) + "\n")
    else:
        out.write(f"{len(result.done)} changes applied\n")
    return EXIT_OK


def _bulk(args: argparse.Namespace, out: TextIO) -> int:
    value = TOGGLE if args.toggle else args.value
    with _client() as cc, _progress(out, args.json or args.dry_run) as progress:
        result = bulk_set(
            cc, args.product_id, value, environments=args.environments, keys=args.keys,
            tags=args.tags, configs=args.configs, reason=args.reason, dry_run=args.dry_run,
            progress=progress, concurrency=args.concurrency,
        )  # fmt: skip
    if args.json:
        out.write(json.dumps(result.to_json(), indent=2) + "\n")
    elif args.dry_run:
        _print_plan(result.plan, out)
    else:
        for change, error in result.failed:
            out.write(f"failed: {change.describe()}: {error}\n")
        out.write(f"{len(result.changed)} changed, {len(result.failed)} failed\n")
    return EXIT_ERROR if result.failed else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "bulk": _bulk,
    "export": _export,
    "plan": _plan,
    "apply": _apply,
    "diff": _diff,
    "promote": _promote,
}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command; returns the exit code (0 done, 1 error, 2 changes pending)."""
    args = _parser().parse_args(argv)
    stream = out or sys.stdout
    try:
        return COMMANDS[args.command](args, stream)
    except DocumentError as exc:
        _error(args, stream, {"error": "document", "path": exc.path, "message": exc.message})
    except ReasonRequiredError as exc:
        message = f"{exc}: give --reason TEXT"
        _error(args, stream, {"error": "reason", "environments": exc.environments,
                              "message": message})  # fmt: skip
    except (ConfigCatError, OSError, ImportError) as exc:
        _error(args, stream, {"error": type(exc).__name__, "message": str(exc)})
    except KeyboardInterrupt:
        message = "interrupted: run the same command again to resume"
        _error(args, stream, {"error": "interrupted", "message": message})
        return EXIT_INTERRUPTED
    return EXIT_ERROR


def _error(args: argparse.Namespace, out: TextIO, info: dict[str, Any]) -> None:
    if getattr(args, "json", False):
        out.write(json.dumps(info) + "\n")
    else:
        where = f"{info['path']}: " if info.get("path") else ""
        sys.stderr.write(f"configcat-publicapi: {where}{info['message']}\n")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
