"""Rewrite the pinned upstream spec into the document openapi-python-client reads.

The upstream document is never edited: ``normalise`` works on a deep copy and each
rewrite is a small named step that reports how many places it changed, so the log of
``make regenerate`` says exactly what differs from upstream and why.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

JSON = dict[str, Any]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: Names for the operations upstream ships without an ``operationId``. The keys are
#: ``(method, path)``; anything missing here falls back to :func:`derived_operation_id`.
KNOWN_OPERATION_IDS: dict[tuple[str, str], str] = {
    ("get", "/v1/settings/{settingId}/code-references"): "get-code-references",
    ("post", "/v1/code-references/delete-reports"): "delete-code-reference-reports",
    ("post", "/v1/code-references"): "upload-code-references",
}


def iter_operations(doc: JSON) -> list[tuple[str, str, JSON]]:
    """Return ``(method, path, operation)`` for every operation, in document order."""
    ops: list[tuple[str, str, JSON]] = []
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method in HTTP_METHODS and isinstance(op, dict):
                ops.append((method, path, op))
    return ops


def derived_operation_id(method: str, path: str) -> str:
    """A stable id from the method and the path, e.g. ``post-v1-code-references``."""
    words = [re.sub(r"[{}]", "", part) for part in path.strip("/").split("/") if part]
    slug = "-".join([method, *words])
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", slug).lower()


def narrow_request_bodies(doc: JSON) -> int:
    """Keep only ``application/json`` in request bodies that offer it among others.

    Upstream offers ``application/json``, ``text/json`` and ``application/*+json`` with one
    schema; the generator then writes union bodies that fail to import and may send the
    wrong Content-Type.
    """
    count = 0
    for _, _, op in iter_operations(doc):
        content = op.get("requestBody", {}).get("content")
        if content and "application/json" in content and len(content) > 1:
            op["requestBody"]["content"] = {"application/json": content["application/json"]}
            count += 1
    return count


def add_missing_operation_ids(doc: JSON) -> int:
    """Give every operation without an ``operationId`` a stable one."""
    count = 0
    for method, path, op in iter_operations(doc):
        if not op.get("operationId"):
            op["operationId"] = KNOWN_OPERATION_IDS.get(
                (method, path), derived_operation_id(method, path)
            )
            count += 1
    return count


Step = Callable[[JSON], int]
STEPS: tuple[Step, ...] = (narrow_request_bodies, add_missing_operation_ids)


def normalise(upstream: JSON, log: Callable[[str], None] = print) -> tuple[JSON, dict[str, int]]:
    """Return the normalised copy of ``upstream`` and the count of each step."""
    doc = copy.deepcopy(upstream)
    counts: dict[str, int] = {}
    for step in STEPS:
        counts[step.__name__] = step(doc)
        log(f"normalise: {step.__name__}: {counts[step.__name__]} rewritten")
    return doc, counts


def write_normalised(upstream: JSON, output: Path, log: Callable[[str], None] = print) -> None:
    """Normalise ``upstream`` and write the document the generator reads to ``output``."""
    doc, _ = normalise(upstream, log=log)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the pinned upstream document (JSON)")
    parser.add_argument("output", type=Path, help="where to write the normalised document")
    args = parser.parse_args(argv)
    upstream = json.loads(args.source.read_text(encoding="utf-8"))
    write_normalised(upstream, args.output, log=lambda line: print(line, file=sys.stderr))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
