"""Put the pinned spec at ``spec/swagger.json`` and keep the lock honest.

``python -m spec.lockfile`` copies the document from a file, or downloads it, checks its
sha256 against the lock and refuses a different document with a summary of what changed.
``--update`` accepts the new document and rewrites the lock.

A lock (``spec/spec.lock.json``, ``spec/spec-2024-10.lock.json``) names the sha256 of the
document in its JSON form and the immutable places it can be downloaded from: ConfigCat's
own ``api/openapi.yaml`` at a fixed commit of one of its generated clients, with that file's
own sha256. A download is checked twice: the bytes against the source's sha256, then the
JSON made from them against the document's. The live URL (``live_url``) moves whenever
ConfigCat changes its API, so it serves the drift report only, never the build.

YAML is turned into JSON the way the documents in ``../shared/spec`` were made: loaded with
YAML 1.1's implicit timestamps left as strings, written with ``json.dumps(doc, indent=2,
ensure_ascii=False)``. That needs PyYAML, imported only when a YAML document is read; the
rest is the standard library.
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
OLDER_LOCK = HERE / "spec-2024-10.lock.json"
DEFAULT_OUTPUT = HERE / "swagger.json"
DEFAULT_SOURCE = "../shared/spec/configcat-publicapi.json"
DOWNLOAD_TIMEOUT_S = 30.0


class SpecError(Exception):
    """A problem that stops ``make spec``; its message is shown to the user as is."""


@dataclass(frozen=True)
class Source:
    """An immutable place the document can be downloaded from."""

    url: str
    format: str  # "yaml" or "json"
    sha256: str  # of the bytes at ``url``

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Source:
        return cls(str(data["url"]), str(data["format"]), str(data["sha256"]))

    def to_json(self) -> dict[str, str]:
        return {"url": self.url, "format": self.format, "sha256": self.sha256}


@dataclass(frozen=True)
class Lock:
    sha256: str
    date: str
    operations: tuple[str, ...]
    sources: tuple[Source, ...] = ()
    live_url: str = ""

    @classmethod
    def read(cls, path: Path) -> Lock:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            sha256=data["sha256"],
            date=data["date"],
            operations=tuple(data["operations"]),
            sources=tuple(Source.from_json(s) for s in data.get("sources", [])),
            live_url=data.get("live_url", ""),
        )

    def write(self, path: Path) -> None:
        data = {
            "sha256": self.sha256,
            "date": self.date,
            "sources": [s.to_json() for s in self.sources],
            "live_url": self.live_url,
            "operation_count": len(self.operations),
            "operations": list(self.operations),
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def looks_like_yaml(name: str, body: bytes) -> bool:
    """YAML by its name, or by content that does not open like a JSON object."""
    if name.lower().endswith((".yaml", ".yml")):
        return True
    if name.lower().endswith(".json"):
        return False
    return body.lstrip()[:1] != b"{"


def yaml_to_json(body: bytes) -> bytes:
    """The JSON form of a YAML document, byte for byte as ``../shared/spec`` holds it."""
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - PyYAML is in every extra that reads YAML
        raise SpecError(
            "error: reading a YAML spec needs PyYAML: `pip install pyyaml` (make install has it)."
        ) from exc

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc]
        """Safe loading with YAML 1.1's implicit timestamps left as plain strings."""

    _Loader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    try:
        doc = yaml.load(body, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise SpecError(f"error: the document is not valid YAML ({exc}).") from exc
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")


def operation_keys(document: bytes) -> tuple[str, ...]:
    """``METHOD /path`` for every operation of a JSON document, sorted."""
    doc: dict[str, Any] = json.loads(document)
    return tuple(sorted(f"{m.upper()} {p}" for m, p, _ in iter_operations(doc)))


def download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as resp:  # noqa: S310
            body: bytes = resp.read()
            return body
    except (urllib.error.URLError, OSError) as exc:
        raise SpecError(f"downloading {url} failed ({getattr(exc, 'reason', exc)})") from exc


def _as_json(name: str, body: bytes) -> bytes:
    return yaml_to_json(body) if looks_like_yaml(name, body) else body


def _from_lock_sources(lock: Lock, missing: str) -> tuple[bytes, str, bytes]:
    """Download the document from the first lock source that answers and matches."""
    failures: list[str] = []
    for src in lock.sources:
        try:
            raw = download(src.url)
        except SpecError as exc:
            failures.append(str(exc))
            continue
        got = hashlib.sha256(raw).hexdigest()
        if got != src.sha256:
            body = _as_json(src.url, raw) if src.format == "yaml" else raw
            raise SpecError(
                f"error: {src.url} does not hold the file the lock names "
                f"(its sha256 is {got}, the lock says {src.sha256}); refusing it.\n"
                + mismatch_message(lock, hashlib.sha256(body).hexdigest(), _keys(body), src.url)
            )
        return (yaml_to_json(raw) if src.format == "yaml" else raw), src.url, raw
    lead = f"{missing}, and " if missing else ""
    tried = "; ".join(failures) or "the lock names no source to download from"
    raise SpecError(
        f"error: no spec document: {lead}{tried}.\n"
        f"Put the pinned document at SPEC_SOURCE (default {DEFAULT_SOURCE}) "
        "or run again with network access."
    )


def _keys(body: bytes) -> tuple[str, ...]:
    try:
        return operation_keys(body)
    except (ValueError, AttributeError):
        return ()


def read_source(source: str, lock: Lock) -> tuple[bytes, str, bytes]:
    """Return the document's JSON bytes, where they came from and the bytes as read.

    ``source`` is a file path or an ``http(s)://`` URL, JSON or YAML; an empty ``source``
    or a missing file falls back to the lock's immutable sources.
    """
    if source and not is_url(source):
        path = Path(source)
        if path.is_file():
            raw = path.read_bytes()
            return _as_json(path.name, raw), str(path), raw
        return _from_lock_sources(lock, f"SPEC_SOURCE file {source} does not exist")
    if not source:
        return _from_lock_sources(lock, "")
    try:
        raw = download(source)
    except SpecError as exc:
        raise SpecError(f"error: no spec document: {exc}.") from exc
    return _as_json(source, raw), source, raw


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


def _read_checked(source: str, lock: Lock) -> tuple[bytes, str, str, tuple[str, ...], bytes]:
    """The document's JSON bytes, origin, sha256, operations and the bytes as read."""
    body, origin, raw = read_source(source, lock)
    try:
        ops = operation_keys(body)
    except (ValueError, AttributeError) as exc:
        raise SpecError(f"error: {origin} is not a JSON OpenAPI document ({exc}).") from exc
    return body, origin, hashlib.sha256(body).hexdigest(), ops, raw


def verified_document(source: str, lock_path: Path = DEFAULT_LOCK) -> tuple[bytes, str]:
    """The pinned document's JSON bytes from ``source`` (or the lock's sources), checked."""
    lock = Lock.read(lock_path)
    body, origin, sha, ops, _ = _read_checked(source, lock)
    if sha != lock.sha256:
        raise SpecError(mismatch_message(lock, sha, ops, origin))
    return body, origin


def fetch(
    source: str, lock_path: Path, output: Path, *, update: bool = False, today: str | None = None
) -> str:
    """Verify (or with ``update`` accept) the document and write it to ``output``."""
    lock = Lock.read(lock_path)
    body, origin, sha, ops, raw = _read_checked(source, lock)
    note = ""
    if sha != lock.sha256:
        if not update:
            raise SpecError(mismatch_message(lock, sha, ops, origin))
        sources: tuple[Source, ...] = ()
        if is_url(origin):
            fmt = "yaml" if looks_like_yaml(origin, raw) else "json"
            sources = (Source(origin, fmt, hashlib.sha256(raw).hexdigest()),)
        else:
            note = (
                "\nnote: the lock now names no download source; add an immutable URL under "
                f'"sources" in {lock_path} (or accept the document from that URL) so that '
                "machines without the file can fetch it."
            )
        date = today or dt.date.today().isoformat()
        Lock(sha, date, ops, sources, lock.live_url).write(lock_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.exists() or output.read_bytes() != body:
        output.write_bytes(body)
    verb = "accepted and locked" if update and sha != lock.sha256 else "verified"
    return f"spec: {origin} {verb} (sha256 {sha[:12]}…, {len(ops)} operations) -> {output}{note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", default="", help="file path or URL, JSON or YAML (default: the lock's sources)"
    )
    parser.add_argument("--lock", type=Path, default=DEFAULT_LOCK, help="default: %(default)s")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="default: %(default)s")
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
