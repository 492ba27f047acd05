"""Spec drift: what changed between the pinned spec and another document.

``python -m spec.drift --base spec/swagger.json --other URL-or-file`` lists operations added
and removed, and for operations in both the parameters, request bodies and responses that
changed, each classified ``breaking`` or ``non-breaking`` for a client generated from the
pinned spec. It writes markdown and JSON: a summary first, then one row per changed place,
grouped by the named schema it is in (once, however many operations use the schema, in
requests or responses) or else by operation. ``--fail-on-breaking`` exits 3 after writing the
report when anything breaks, and names each breaking change on stderr.

Written here rather than taken from a library: the maintained OpenAPI diff tools are Go or
Node programs (oasdiff, openapi-diff) that the package registries this project installs
from do not ship for Python, and the Python packages that exist are unmaintained. The rules
are few and specific to this client. An enum value *added* to a response is reported but not
breaking: the models keep a value they do not know (``configcat_publicapi_client.
_unknown_values``, from ``spec/templates/``), so the change carries that reason with it.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from spec.normalise import iter_operations

JSON = dict[str, Any]
DOWNLOAD_TIMEOUT_S = 30.0
MAX_DEPTH = 12


@dataclass(frozen=True)
class Change:
    operation: str  # "GET /v1/products" or "" for document-level changes
    kind: str  # short machine name, e.g. "operation-removed"
    where: str  # a JSON-pointer-like location inside the operation
    detail: str
    breaking: bool
    #: Why a change that would break a plainly generated client does not break this one.
    why: str = ""
    #: The named component schema the location is in ("" when it is not in one).
    schema: str = ""
    #: "request" or "response" for a change inside a schema, "" for the others.
    direction: str = ""


#: Why an enum value added to a response does not break this client.
KEPT_ENUM_VALUES = (
    "the response models keep an enum value this client does not know as a pseudo-member "
    "holding the raw string, logged once (configcat_publicapi.is_known tells it apart); "
    "regenerating from the newer spec makes it a member"
)


def load(source: str) -> JSON:
    """Read a JSON document from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=DOWNLOAD_TIMEOUT_S) as resp:  # noqa: S310
            data: JSON = json.load(resp)
            return data
    loaded: JSON = json.loads(Path(source).read_text(encoding="utf-8"))
    return loaded


class _Resolver:
    def __init__(self, doc: JSON) -> None:
        self.doc = doc

    def __call__(self, node: Any) -> Any:
        """Follow ``$ref`` and unwrap a one-member ``allOf``/``oneOf``/``anyOf`` wrapper."""
        for _ in range(MAX_DEPTH):
            if not isinstance(node, dict):
                return node
            if "$ref" in node:
                target: Any = self.doc
                for part in node["$ref"].lstrip("#/").split("/"):
                    target = target.get(part, {}) if isinstance(target, dict) else {}
                node = target
                continue
            wrapper = next((k for k in ("allOf", "oneOf", "anyOf") if k in node), None)
            if wrapper and len(node[wrapper]) == 1 and "properties" not in node:
                inner = self(node[wrapper][0])
                if isinstance(inner, dict) and node.get("nullable"):
                    inner = {**inner, "nullable": True}
                node = inner
                continue
            return node
        return node


def _ref_name(node: Any) -> str:
    """The component name a schema points at, through a one-member wrapper."""
    if not isinstance(node, dict):
        return ""
    if isinstance(node.get("$ref"), str):
        return str(node["$ref"]).rsplit("/", 1)[-1]
    for key in ("allOf", "oneOf", "anyOf"):
        if len(node.get(key, [])) == 1:
            return _ref_name(node[key][0])
    return ""


def _type_of(schema: JSON) -> str:
    kind = str(schema.get("type", "object" if "properties" in schema else "any"))
    if schema.get("format"):
        kind += f"({schema['format']})"
    return kind


def _compare_schema(
    old: Any,
    new: Any,
    rold: _Resolver,
    rnew: _Resolver,
    *,
    op: str,
    where: str,
    request: bool,
    out: list[Change],
    depth: int = 0,
    schema: str = "",
) -> None:
    """Compare two schemas; ``request`` says which direction data flows.

    Locations restart at each named component schema (``ConfigModel/name``), so a change in
    a schema shared by many operations reads the same everywhere and groups into one row.
    """
    ref = _ref_name(old)
    if ref:
        where = schema = ref
    direction = "request" if request else "response"

    def change(kind: str, at: str, detail: str, breaking: bool, why: str = "") -> None:
        out.append(Change(op, kind, at, detail, breaking, why, schema, direction))

    old, new = rold(old), rnew(new)
    if depth > MAX_DEPTH or not isinstance(old, dict) or not isinstance(new, dict):
        return
    if _type_of(old) != _type_of(new):
        change("type-changed", where, f"{_type_of(old)} -> {_type_of(new)}", True)
        return
    old_enum, new_enum = set(map(str, old.get("enum", []))), set(map(str, new.get("enum", [])))
    if old_enum or new_enum:
        added, removed = sorted(new_enum - old_enum), sorted(old_enum - new_enum)
        if added:
            why = "" if request else KEPT_ENUM_VALUES
            change("enum-values-added", where, ", ".join(added), False, why)
        if removed:
            change("enum-values-removed", where, ", ".join(removed), request)
    if old.get("nullable", False) != new.get("nullable", False):
        became = bool(new.get("nullable"))
        breaking = not request and became
        change("nullable-changed", where, f"nullable -> {became}", breaking)
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
    for name in sorted(set(new_props) - set(old_props)):
        required = name in new_req
        breaking = request and required
        detail = "required" if required else "optional"
        change("property-added", f"{where}/{name}", detail, breaking)
    for name in sorted(set(old_props) - set(new_props)):
        breaking = (not request) and name in old_req
        change("property-removed", f"{where}/{name}", "", breaking)
    for name in sorted(set(old_props) & set(new_props)):
        if name in new_req and name not in old_req:
            change("property-now-required", f"{where}/{name}", "", request)
        elif name in old_req and name not in new_req:
            change("property-now-optional", f"{where}/{name}", "", not request)
        _compare_schema(
            old_props[name],
            new_props[name],
            rold,
            rnew,
            op=op,
            where=f"{where}/{name}",
            request=request,
            out=out,
            depth=depth + 1,
            schema=schema,
        )
    if "items" in old or "items" in new:
        _compare_schema(
            old.get("items", {}),
            new.get("items", {}),
            rold,
            rnew,
            op=op,
            where=f"{where}[]",
            request=request,
            out=out,
            depth=depth + 1,
            schema=schema,
        )


def _json_schema(node: JSON | None, resolve: _Resolver) -> Any:
    node = resolve(node or {})
    content = node.get("content", {}) if isinstance(node, dict) else {}
    for media in ("application/json", *content):
        if media in content:
            return content[media].get("schema")
    return None


def _params(op: JSON, path_item: JSON, resolve: _Resolver) -> dict[tuple[str, str], JSON]:
    params = [resolve(p) for p in [*path_item.get("parameters", []), *op.get("parameters", [])]]
    return {(p.get("in", ""), p.get("name", "")): p for p in params if isinstance(p, dict)}


def compare(old: JSON, new: JSON) -> list[Change]:
    """Every change from ``old`` to ``new``."""
    rold, rnew = _Resolver(old), _Resolver(new)
    old_ops = {f"{m.upper()} {p}": (op, old["paths"][p]) for m, p, op in iter_operations(old)}
    new_ops = {f"{m.upper()} {p}": (op, new["paths"][p]) for m, p, op in iter_operations(new)}
    out: list[Change] = []
    for key in sorted(new_ops.keys() - old_ops.keys()):
        out.append(Change(key, "operation-added", "", new_ops[key][0].get("summary", ""), False))
    for key in sorted(old_ops.keys() - new_ops.keys()):
        out.append(Change(key, "operation-removed", "", old_ops[key][0].get("summary", ""), True))
    for key in sorted(old_ops.keys() & new_ops.keys()):
        (o, o_item), (n, n_item) = old_ops[key], new_ops[key]
        if n.get("deprecated") and not o.get("deprecated"):
            out.append(Change(key, "operation-deprecated", "", "", False))
        op_ids = (o.get("operationId"), n.get("operationId"))
        if op_ids[0] != op_ids[1]:
            detail = f"{op_ids[0]} -> {op_ids[1]}"
            # generated function names follow the operationId
            out.append(Change(key, "operation-id-changed", "", detail, True))
        po, pn = _params(o, o_item, rold), _params(n, n_item, rnew)
        for where, name in sorted(pn.keys() - po.keys()):
            required = bool(pn[(where, name)].get("required"))
            detail = "required" if required else "optional"
            out.append(Change(key, "parameter-added", f"{where}:{name}", detail, required))
        for where, name in sorted(po.keys() - pn.keys()):
            out.append(Change(key, "parameter-removed", f"{where}:{name}", "", True))
        for pk in sorted(po.keys() & pn.keys()):
            a, b = po[pk], pn[pk]
            if bool(b.get("required")) and not a.get("required"):
                out.append(Change(key, "parameter-now-required", f"{pk[0]}:{pk[1]}", "", True))
            _compare_schema(
                a.get("schema", {}),
                b.get("schema", {}),
                rold,
                rnew,
                op=key,
                where=f"{pk[0]}:{pk[1]}",
                request=True,
                out=out,
            )
        so, sn = _json_schema(o.get("requestBody"), rold), _json_schema(n.get("requestBody"), rnew)
        if so is None and sn is not None:
            out.append(Change(key, "request-body-added", "body", "", True))
        elif so is not None and sn is None:
            out.append(Change(key, "request-body-removed", "body", "", True))
        elif so is not None:
            _compare_schema(so, sn, rold, rnew, op=key, where="body", request=True, out=out)
        ro, rn = o.get("responses", {}), n.get("responses", {})
        for status in sorted(rn.keys() - ro.keys()):
            out.append(Change(key, "response-added", status, "", False))
        for status in sorted(ro.keys() - rn.keys()):
            out.append(Change(key, "response-removed", status, "", status.startswith("2")))
        for status in sorted(ro.keys() & rn.keys()):
            a_schema, b_schema = _json_schema(ro[status], rold), _json_schema(rn[status], rnew)
            if a_schema is not None and b_schema is not None:
                _compare_schema(
                    a_schema,
                    b_schema,
                    rold,
                    rnew,
                    op=key,
                    where=f"response {status}",
                    request=False,
                    out=out,
                )
    return out


#: How each kind of change reads in a row.
_READS = {
    "type-changed": "type {detail}",
    "enum-values-added": "enum values added: {detail}",
    "enum-values-removed": "enum values removed: {detail}",
    "nullable-changed": "{detail}",
    "property-added": "added ({detail})",
    "property-removed": "removed",
    "property-now-required": "now required",
    "property-now-optional": "now optional",
    "parameter-added": "parameter added ({detail})",
    "parameter-removed": "parameter removed",
    "parameter-now-required": "parameter now required",
    "request-body-added": "request body added",
    "request-body-removed": "request body removed",
    "response-added": "response added",
    "response-removed": "response removed",
    "operation-deprecated": "operation deprecated",
    "operation-id-changed": "operationId {detail}",
}


#: Enum values a row names before it says how many more there are.
_SHOWN_VALUES = 8


def _reads(kind: str, detail: str) -> str:
    if kind.startswith("enum-values-"):
        values = detail.split(", ")
        if len(values) > _SHOWN_VALUES:
            detail = ", ".join(values[:_SHOWN_VALUES]) + f" and {len(values) - _SHOWN_VALUES} more"
    return _READS[kind].format(detail=detail)


@dataclass(frozen=True)
class Row:
    """One changed place: a property, parameter, body or response of a named schema or of an
    operation, with everything that changed there and every operation it reaches.

    A schema shared by requests and responses is compared once per direction and per
    operation; its row says it once, breaking when either direction breaks.
    """

    owner: str  # the schema's name, or the operation ("GET /v1/products")
    in_schema: bool
    where: str  # the place inside the owner ("" for the owner itself)
    kinds: tuple[str, ...]
    change: str  # what changed, in words
    breaking: bool
    directions: tuple[str, ...]
    operations: tuple[str, ...]
    why: str = ""


def rows(changes: list[Change]) -> list[Row]:
    """One row per changed place (operations added and removed are listed on their own)."""
    places: dict[tuple[str, str], list[Change]] = {}
    for c in changes:
        if c.kind in ("operation-added", "operation-removed"):
            continue
        owner = c.schema or c.operation
        places.setdefault((owner, c.where), []).append(c)
    out = []
    for (owner, where), found in places.items():
        in_schema = bool(found[0].schema)
        kinds: dict[tuple[str, str], None] = {}
        for c in found:
            kinds.setdefault((c.kind, c.detail), None)
        breaking = any(c.breaking for c in found)
        whys = sorted({c.why for c in found if c.why})
        inner = where.removeprefix(owner).lstrip("/") if in_schema else where
        out.append(
            Row(
                owner=owner,
                in_schema=in_schema,
                where=inner,
                kinds=tuple(dict.fromkeys(kind for kind, _ in kinds)),
                change="; ".join(_reads(kind, detail) for kind, detail in kinds),
                breaking=breaking,
                directions=tuple(sorted({c.direction for c in found if c.direction})),
                operations=tuple(sorted({c.operation for c in found})),
                why="" if breaking else "; ".join(whys),
            )
        )
    return sorted(out, key=lambda r: (not r.in_schema, r.owner, r.where))


def compare_with_lock(operations: tuple[str, ...], other: JSON) -> list[Change]:
    """Operations added and removed against the lock's list, for when the pinned document
    itself cannot be had (the repository keeps only its lock)."""
    other_ops = {f"{m.upper()} {p}": op for m, p, op in iter_operations(other)}
    pinned = set(operations)
    out = [
        Change(key, "operation-added", "", other_ops[key].get("summary", ""), False)
        for key in sorted(other_ops.keys() - pinned)
    ]
    out += [
        Change(key, "operation-removed", "", "", True) for key in sorted(pinned - other_ops.keys())
    ]
    return out


def summary(changes: list[Change], base_ops: int, other_ops: int) -> JSON:
    def count(kind: str) -> int:
        return sum(1 for c in changes if c.kind == kind)

    found = rows(changes)
    listed = ("operation-added", "operation-removed")
    changed_ops = {c.operation for c in changes if c.kind not in listed}
    return {
        "base_operations": base_ops,
        "other_operations": other_ops,
        "operations_added": count("operation-added"),
        "operations_removed": count("operation-removed"),
        "operations_changed": len(changed_ops),
        "schemas_changed": len({r.owner for r in found if r.in_schema}),
        "changes": len(found),
        "breaking": sum(1 for r in found if r.breaking),
        "non_breaking": sum(1 for r in found if not r.breaking),
        "per_operation": len(changes),
    }


def breaking_count(s: JSON) -> int:
    """Breaking changes, operations removed included."""
    return int(s["breaking"]) + int(s["operations_removed"])


def headline(s: JSON) -> str:
    return (
        f"{s['other_operations']} operations against {s['base_operations']} pinned: "
        f"{s['operations_added']} added, {s['operations_removed']} removed, "
        f"{s['operations_changed']} changed; {s['changes']} changes in "
        f"{s['schemas_changed']} schemas and the operations, {s['breaking']} of them breaking"
    )


def _operations_cell(operations: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(f"`{o}`" for o in operations[:limit])
    more = f" and {len(operations) - limit} more" if len(operations) > limit else ""
    return shown + more


def to_markdown(changes: list[Change], s: JSON, base: str, other: str) -> str:
    found = rows(changes)
    reasons = sorted({r.why for r in found if r.why})
    verdict = (
        f"**Breaking: {breaking_count(s)}** "
        f"({s['operations_removed']} operations removed, {s['breaking']} changes)"
        if breaking_count(s)
        else "**No breaking change.**"
    )
    lines = [
        "# Spec drift",
        "",
        f"Pinned: `{base}`  ",
        f"Other: `{other}`",
        "",
        "## Summary",
        "",
        verdict,
        "",
        "| | count |",
        "| --- | ---: |",
        f"| operations in the pinned spec | {s['base_operations']} |",
        f"| operations in the other | {s['other_operations']} |",
        f"| operations added | {s['operations_added']} |",
        f"| operations removed | {s['operations_removed']} |",
        f"| operations changed | {s['operations_changed']} |",
        f"| schemas changed | {s['schemas_changed']} |",
        f"| changes (one row each below) | {s['changes']} |",
        f"| of them breaking | {s['breaking']} |",
        "",
    ]
    for title, kind in (("added", "operation-added"), ("removed", "operation-removed")):
        listed = [c for c in changes if c.kind == kind]
        lines.append(f"## Operations {title} ({len(listed)})")
        lines += [f"- `{c.operation}` {c.detail}".rstrip() for c in listed] or ["- none"]
        lines.append("")

    def table(owned: list[Row], label: str) -> None:
        lines.append(f"| breaking | {label} | change |")
        lines.append("| --- | --- | --- |")
        for row in owned:
            mark = "**yes**" if row.breaking else "no"
            if row.why:
                mark += f" [{reasons.index(row.why) + 1}]"
            sides = f" ({' and '.join(row.directions)})" if len(row.directions) > 1 else ""
            lines.append(f"| {mark} | `{row.where or '(the schema)'}` | {row.change}{sides} |")
        lines.append("")

    by_schema: dict[str, list[Row]] = {}
    by_operation: dict[str, list[Row]] = {}
    for row in found:
        (by_schema if row.in_schema else by_operation).setdefault(row.owner, []).append(row)
    count = sum(len(v) for v in by_schema.values())
    lines += [f"## Changes by schema ({len(by_schema)} schemas, {count} changes)", ""]
    for name, owned in by_schema.items():
        reach = tuple(sorted({o for row in owned for o in row.operations}))
        lines += [f"### `{name}`", "", f"Used by {_operations_cell(reach)}.", ""]
        table(owned, "property")
    count = sum(len(v) for v in by_operation.values())
    lines += [f"## Changes by operation ({len(by_operation)} operations, {count} changes)", ""]
    for name, owned in by_operation.items():
        lines += [f"### `{name}`", ""]
        table(owned, "where")
    if not found:
        lines += ["none", ""]
    if reasons:
        lines += [f"[{n}] Not breaking: {why}." for n, why in enumerate(reasons, 1)]
    return "\n".join(lines).rstrip("\n") + "\n"


def breaking_lines(changes: list[Change]) -> list[str]:
    """The breaking changes, one line each, for a log."""
    out = [f"operation removed: {c.operation}" for c in changes if c.kind == "operation-removed"]
    for row in rows(changes):
        if row.breaking:
            at = f"{row.owner}/{row.where}" if row.where else row.owner
            out.append(f"{at}: {row.change}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="spec/swagger.json", help="the pinned document")
    parser.add_argument(
        "--lock",
        type=Path,
        default=Path("spec/spec.lock.json"),
        help="used for operation-level drift when the pinned document is missing",
    )
    parser.add_argument("--other", required=True, help="file path or URL to compare with")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="report folder")
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="exit 3 when a breaking change is found (the report is written first)",
    )
    args = parser.parse_args(argv)
    try:
        other = load(args.other)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {args.other}: {exc}", file=sys.stderr)
        return 1
    base_label = args.base
    if Path(args.base).is_file() or args.base.startswith(("http://", "https://")):
        base = load(args.base)
        changes = compare(base, other)
        base_count = len(iter_operations(base))
    elif args.lock.is_file():
        operations = tuple(json.loads(args.lock.read_text(encoding="utf-8"))["operations"])
        changes = compare_with_lock(operations, other)
        base_count = len(operations)
        base_label = f"{args.lock} (operations only: {args.base} is missing)"
        print(f"spec-drift: {args.base} is missing; comparing operations with the lock only")
    else:
        print(f"error: neither {args.base} nor {args.lock} exists", file=sys.stderr)
        return 1
    s = summary(changes, base_count, len(iter_operations(other)))
    args.out.mkdir(parents=True, exist_ok=True)
    md = to_markdown(changes, s, base_label, args.other)
    (args.out / "spec-drift.md").write_text(md, encoding="utf-8")
    data = {
        "summary": s,
        "operations_added": [c.operation for c in changes if c.kind == "operation-added"],
        "operations_removed": [c.operation for c in changes if c.kind == "operation-removed"],
        "changes": [asdict(row) for row in rows(changes)],
    }
    (args.out / "spec-drift.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"spec-drift: {headline(s)}")
    print(f"spec-drift: wrote {args.out / 'spec-drift.md'} and {args.out / 'spec-drift.json'}")
    if args.fail_on_breaking and breaking_count(s):
        print(f"spec-drift: {breaking_count(s)} breaking changes:", file=sys.stderr)
        for line in breaking_lines(changes):
            print(f"  {line}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
