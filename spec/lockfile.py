"""Put the pinned spec at ``spec/swagger.json`` and keep ``spec/spec.lock.json`` honest.

``python -m spec.lockfile`` copies the document from a file (or downloads it from a URL),
checks its sha256 against the lock and refuses a different document with a summary of
what changed. ``--update`` accepts the new document and rewrites the lock. Standard
library only, so it runs before any virtual environment exists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spec.normalise import iter_operations

HERE = Path(__file__).resolve().parent
DEFAULT_LOCK = HERE / "spec.lock.json"
DEFAULT_OUTPUT = HERE / "swagger.json"
DOWNLOAD_TIMEOUT_S = 30.0


class SpecError(Exception):
    """A problem that stops ``make spec``; its message is shown to the user as is."""


@dataclass(frozen=True)
class Lock:
    source_url: str
    sha256: str
    date: str
    operations: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> Lock:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["source_url"], data["sha256"], data["date"], tuple(data["operations"]))

    def write(self, path: Path) -> None:
        data = {
            "source_url": self.source_url,
            "sha256": self.sha256,
            "date": self.date,
            "operation_count": len(self.operations),
            "operations": list(self.operations),
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def operation_keys(document: bytes) -> tuple[str, ...]:
    """``METHOD /path`` for every operation of a JSON document, sorted."""
    doc: dict[str, Any] = json.loads(document)
    return tuple(sorted(f"{m.upper()} {p}" for m, p, _ in iter_operations(doc)))


def read_source(source: str, url: str) -> tuple[bytes, str]:
    """Return the document's bytes and where they came from.

    ``source`` is a file path or an ``http(s)://`` URL; an empty ``source`` or a missing
    file falls back to downloading ``url``.
    """
    if source and not source.startswith(("http://", "https://")):
        path = Path(source)
        if path.is_file():
            return path.read_bytes(), str(path)
        missing = f"SPEC_SOURCE file {source} does not exist"
    else:
        missing = ""
        url = source or url
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as resp:  # noqa: S310
            return resp.read(), url
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        lead = f"{missing}, and downloading" if missing else "Downloading"
        raise SpecError(
            f"error: no spec document: {lead} {url} failed ({reason}).\n"
            "Put the pinned document at SPEC_SOURCE (default "
            "../shared/spec/configcat-publicapi.json) or run again with network access."
        ) from exc


def mismatch_message(lock: Lock, got_sha: str, got_ops: tuple[str, ...], origin: str) -> str:
    """Explain how a document differs from the lock and how to accept it."""
    added = sorted(set(got_ops) - set(lock.operations))
    removed = sorted(set(lock.operations) - set(got_ops))
    lines = [
        f"error: the spec from {origin} is not the pinned one.",
        f"  pinned:   sha256 {lock.sha256} ({lock.date}, {len(lock.operations)} operations)",
        f"  received: sha256 {got_sha} ({len(got_ops)} operations)",
    ]
    if added or removed:
        lines.append(f"  operations added ({len(added)}):")
        lines += [f"    + {op}" for op in added] or ["    (none)"]
        lines.append(f"  operations removed ({len(removed)}):")
        lines += [f"    - {op}" for op in removed] or ["    (none)"]
    else:
        lines.append("  same operations; parameters, schemas or descriptions differ.")
    lines.append(
        f"To accept this document and rewrite spec/spec.lock.json, run: "
        f"make spec-update SPEC_SOURCE={origin}"
    )
    return "\n".join(lines)


def fetch(
    source: str, lock_path: Path, output: Path, *, update: bool = False, today: str | None = None
) -> str:
    """Verify (or with ``update`` accept) the document and write it to ``output``."""
    lock = Lock.read(lock_path)
    body, origin = read_source(source, lock.source_url)
    sha = hashlib.sha256(body).hexdigest()
    try:
        ops = operation_keys(body)
    except (ValueError, AttributeError) as exc:
        raise SpecError(f"error: {origin} is not a JSON OpenAPI document ({exc}).") from exc
    if sha != lock.sha256:
        if not update:
            raise SpecError(mismatch_message(lock, sha, ops, origin))
        date = today or dt.date.today().isoformat()
        Lock(lock.source_url, sha, date, ops).write(lock_path)
    if not output.exists() or output.read_bytes() != body:
        output.write_bytes(body)
    verb = "accepted and locked" if update and sha != lock.sha256 else "verified"
    return f"spec: {origin} {verb} (sha256 {sha[:12]}…, {len(ops)} operations) -> {output}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="", help="file path or URL (default: lock's URL)")
    parser.add_argument("--lock", type=Path, default=DEFAULT_LOCK)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--update", action="store_true", help="accept the document, rewrite lock")
    args = parser.parse_args(argv)
    try:
        print(fetch(args.source, args.lock, args.output, update=args.update))
    except SpecError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
