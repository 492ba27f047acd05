"""The subcommands that read and write a product: export, plan, apply, show, diff, promote, bulk.

Each takes the parsed arguments and the output stream and returns the exit code; errors are
raised and turned into one line by :func:`configcat_publicapi.cli.main`. Products, configs
and environments may be given by name or id (:mod:`.names`). ``plan``, ``promote`` and
``bulk`` save their plan with ``--out FILE``; ``apply FILE`` applies a saved plan exactly,
or refuses when the product moved since (:mod:`configcat_publicapi.workflows.saved`).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from configcat_publicapi._cli.names import ProductNames, product_id
from configcat_publicapi._cli.output import Output, confirm_deletes
from configcat_publicapi._client import ConfigCatClient
from configcat_publicapi._exceptions import ConfigCatConfigurationError
from configcat_publicapi.workflows import (
    TOGGLE,
    ValueDiff,
    bulk_set,
    diff_environments,
    diff_products,
    dumps,
    load,
    promoted,
    run_plan,
    snapshot,
    with_values,
)
from configcat_publicapi.workflows import export as export_document
from configcat_publicapi.workflows.describe import (
    Described,
    FieldChange,
    compare,
    plural,
    value_fields,
)
from configcat_publicapi.workflows.plan import Change, Plan, Progress, plan_against
from configcat_publicapi.workflows.saved import SavedPlan, is_saved_plan, read_saved, write_saved

EXIT_OK, EXIT_ERROR, EXIT_PENDING = 0, 1, 2
CREDENTIALS_PAGE = "https://app.configcat.com/my-account/public-api-credentials"


class UsageError(ConfigCatConfigurationError):
    """Arguments that do not fit together (argparse cannot say it alone)."""


def client() -> ConfigCatClient:
    """A client from the environment, or a message a person at a shell can act on."""
    missing = [n for n in ("CONFIGCAT_API_USER", "CONFIGCAT_API_PASS") if not os.environ.get(n)]
    if missing:
        raise ConfigCatConfigurationError(
            f"no credentials: set {' and '.join(missing)} (create a pair at {CREDENTIALS_PAGE})"
        )
    try:
        return ConfigCatClient()
    except ConfigCatConfigurationError as exc:
        text = str(exc).replace("Set base_url= (or CONFIGCAT_API_HOST)", "Set CONFIGCAT_API_HOST")
        raise ConfigCatConfigurationError(text) from None


def _json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def export(args: argparse.Namespace, out: TextIO) -> int:
    """``export``: write the product as a document (YAML, or JSON by ``--format``/suffix)."""
    fmt = args.format or ("json" if args.output and args.output.suffix == ".json" else "yaml")
    with client() as cc:
        pid = product_id(cc, args.product)
        configs = ProductNames(cc, pid).configs(args.configs)
        text = dumps(export_document(cc, pid, configs=configs), fmt=fmt)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return EXIT_OK


def plan(args: argparse.Namespace, out: TextIO) -> int:
    """``plan``: print (and with ``--out`` save) what applying a document would change."""
    output = Output(out)
    document = load(args.document)
    with client() as cc:
        pid = product_id(cc, args.product)
        snap = snapshot(cc, pid)
        target = snap.document
        the_plan = plan_against(snap, document, prune=args.prune)
    if args.out:
        write_saved(SavedPlan.make("plan", target, the_plan, prune=args.prune), args.out)
    if args.json:
        _json(the_plan.to_json(), out)
    else:
        output.plan(the_plan)
        if args.out:
            _saved_line(args.out, output)
    return EXIT_PENDING if args.detailed_exitcode and the_plan else EXIT_OK


def show(args: argparse.Namespace, out: TextIO) -> int:
    """``show``: print a saved plan, as ``plan`` printed it."""
    saved = read_saved(args.file)
    if args.json:
        _json(saved.to_json(), out)
        return EXIT_OK
    output = Output(out)
    prune = ", pruning" if saved.prune else ""
    output.line(
        f"Saved plan ({saved.command}{prune}) for product {saved.product_id},"
        f" made {saved.created_at or 'at an unknown time'}",
        "bold",
    )
    output.plan(saved.plan)
    return EXIT_OK


@contextmanager
def progress(out: TextIO, quiet: bool) -> Iterator[Progress | None]:
    """A rich bar on a terminal (with the workflows extra), plain lines elsewhere."""
    if quiet:
        yield None
        return
    from configcat_publicapi.workflows.describe import SIGNS, title

    if out.isatty():
        try:
            from rich.progress import Progress as Bar
        except ImportError:
            pass
        else:
            with Bar(transient=False) as bar:
                task = bar.add_task("applying", total=None)

                def show(n: int, total: int, change: Change) -> None:
                    text = f"{SIGNS[change.action]} {title(change)}"
                    bar.update(task, completed=n, total=total, description=text)

                yield show
            return

    def line(n: int, total: int, change: Change) -> None:
        out.write(f"[{n}/{total}] {SIGNS[change.action]} {title(change)}\n")
        out.flush()

    yield line


def _applied(count: int, out: TextIO) -> None:
    Output(out).line(f"{plural(count, 'change')} applied", "bold")


def _run(
    cc: ConfigCatClient, snap: Any, the_plan: Plan, args: argparse.Namespace, out: TextIO
) -> int:
    with progress(out, args.json) as report:
        result = run_plan(
            cc, snap, the_plan, reason=args.reason, progress=report, concurrency=args.concurrency
        )
    if args.json:
        _json(result.to_json(), out)
    else:
        _applied(len(result.done), out)
    return EXIT_OK


def _looks_saved(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        try:
            start = path.read_text(encoding="utf-8")[:4096]
        except UnicodeDecodeError:
            return False
        if '"configcat-plan"' not in start:
            return False
    try:
        return is_saved_plan(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def apply(args: argparse.Namespace, out: TextIO) -> int:
    """``apply``: apply a document, or exactly the changes of a saved plan."""
    output = Output(out)
    if _looks_saved(args.document):
        return _apply_saved(args, output)
    if args.product is None:
        raise UsageError(
            f"apply {args.document} needs the target product: "
            f"configcat-publicapi apply {args.document} PRODUCT"
        )
    document = load(args.document)
    with client() as cc:
        pid = product_id(cc, args.product)
        snap = snapshot(cc, pid)
        the_plan = plan_against(snap, document, prune=args.prune)
        if not args.json:
            output.plan(the_plan, reason=args.reason)
        confirm_deletes(output, the_plan, yes=args.yes)
        return _run(cc, snap, the_plan, args, out)


def _apply_saved(args: argparse.Namespace, output: Output) -> int:
    if args.prune:
        raise UsageError("a saved plan holds its own --prune: give it to `plan`, not to `apply`")
    saved = read_saved(args.document)
    with client() as cc:
        if args.product is not None and product_id(cc, args.product) != saved.product_id:
            raise UsageError(
                f"{args.document} is a plan for product {saved.product_id}, not {args.product}"
            )
        snap = snapshot(cc, saved.product_id)
        saved.check_target(snap.document)
        saved.check_changes(plan_against(snap, saved.document, prune=saved.prune))
        if not args.json:
            output.plan(saved.plan, reason=args.reason)
        confirm_deletes(output, saved.plan, yes=args.yes)
        return _run(cc, snap, saved.plan, args, output.stream)


def _diff_lines(diffs: list[ValueDiff], left: str, right: str, output: Output) -> None:
    for diff in diffs:
        sign = (
            "~"
            if diff.left is not None and diff.right is not None
            else ("+" if diff.right is None else "-")
        )
        head = f"flag {diff.key} (config {diff.config}): {left} {output.arrow} {right}"
        lines: list[FieldChange] = compare(value_fields(diff.left), value_fields(diff.right))
        if diff.left is None:
            head += f" (no value in {left})"
        elif diff.right is None:
            head += f" (no value in {right})"
        output.described(Described(sign, head, lines))
    output.line(plural(len(diffs), "flag differs", "flags differ"), "bold")


def diff(args: argparse.Namespace, out: TextIO) -> int:
    """``diff``: the flag values that differ between two environments, or two products."""
    output = Output(out)
    with client() as cc:
        pid = product_id(cc, args.product)
        if args.other:
            other = product_id(cc, args.other)
            the_plan = diff_products(cc, pid, other)
            if args.json:
                _json(the_plan.to_json(), out)
            else:
                output.plan(the_plan)
            differ = bool(the_plan)
        else:
            if not (args.source and args.target):
                raise UsageError("give --from ENV and --to ENV, or --product PRODUCT")
            names = ProductNames(cc, pid)
            source, target = names.environment(args.source), names.environment(args.target)
            config = names.config(args.config) if args.config else None
            document = export_document(cc, pid)
            diffs = diff_environments(document, source, target, config=config)
            if args.json:
                _json([d.to_json() for d in diffs], out)
            else:
                _diff_lines(diffs, source, target, output)
            differ = bool(diffs)
    return EXIT_PENDING if args.detailed_exitcode and differ else EXIT_OK


def promote(args: argparse.Namespace, out: TextIO) -> int:
    """``promote``: copy flags' values and rules from one environment to another."""
    output = Output(out)
    with client() as cc:
        pid = product_id(cc, args.product)
        names = ProductNames(cc, pid)
        source, target = names.environment(args.source), names.environment(args.target)
        config = names.config(args.config) if args.config else None
        to_config = names.config(args.to_config) if args.to_config else None
        snap = snapshot(cc, pid)
        doc = promoted(
            snap.document, source, target, keys=args.keys, config=config, target_config=to_config
        )
        the_plan = plan_against(snap, doc)
        if not args.json:
            output.plan(the_plan, reason=args.reason)
        if args.out:
            saved = SavedPlan.make("promote", snap.document, the_plan)
            write_saved(saved, args.out)
            if not args.json:
                _saved_line(args.out, output)
        if args.dry_run or args.out or not the_plan:
            if args.json:
                _json(the_plan.to_json(), out)
            return EXIT_OK
        with progress(out, args.json) as report:
            result = run_plan(
                cc,
                snap,
                the_plan,
                reason=args.reason,
                progress=report,
                concurrency=args.concurrency,
            )
    if args.json:
        _json({"plan": the_plan.to_json()} | result.to_json(), out)
    else:
        _applied(len(result.done), out)
    return EXIT_OK


def _saved_line(path: Path, output: Output) -> None:
    output.line(
        f"Saved the plan to {path}: apply exactly these changes with"
        f" `configcat-publicapi apply {path}`"
    )


def bulk(args: argparse.Namespace, out: TextIO) -> int:
    """``bulk``: set or toggle the default value of the chosen flags."""
    output = Output(out)
    value = TOGGLE if args.toggle else args.value
    with client() as cc:
        pid = product_id(cc, args.product)
        names = ProductNames(cc, pid)
        environments = names.environments(args.environments) or []
        configs = names.configs(args.configs)
        if args.dry_run or args.out:
            snap = snapshot(cc, pid)
            doc = with_values(
                snap.document,
                value,
                environments=environments,
                keys=args.keys,
                tags=args.tags,
                configs=configs,
            )
            the_plan = plan_against(snap, doc)
            if args.out:
                write_saved(SavedPlan.make("bulk", snap.document, the_plan), args.out)
            if args.json:
                _json({"planned": len(the_plan.changes), "plan": the_plan.to_json()}, out)
            else:
                output.plan(the_plan, reason=args.reason)
                if args.out:
                    _saved_line(args.out, output)
            return EXIT_OK
        with progress(out, args.json) as report:
            result = bulk_set(
                cc,
                UUID(pid),
                value,
                environments=environments,
                keys=args.keys,
                tags=args.tags,
                configs=configs,
                reason=args.reason,
                progress=report,
                concurrency=args.concurrency,
            )
    if args.json:
        _json(result.to_json(), out)
    else:
        from configcat_publicapi.workflows.describe import title

        for change, error in result.failed:
            output.line(f"failed: {title(change)}: {error}", "red")
        output.line(
            f"{plural(len(result.changed), 'change')} applied, {len(result.failed)} failed",
            "bold",
        )
    return EXIT_ERROR if result.failed else EXIT_OK
