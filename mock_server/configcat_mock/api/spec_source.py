"""Where the mock's OpenAPI document comes from, and the compact copy a wheel carries.

Order of search: the path given by the caller (``--spec``, ``spec_path=``), the
``CONFIGCAT_MOCK_SPEC`` environment variable, the repository's ``spec/swagger.json`` or
``spec/build/normalised.json`` when the package runs from a checkout, then the document
packaged with the wheel (``_spec/openapi.json.gz``), then the same repository files under the
working directory. A given override that does not exist is an error, never skipped.

The packaged copy is the pinned document as compact JSON, gzip-compressed, written at build
time after the document was checked against the repository's lock; ``openapi.lock.json``
beside it records the lock's sha256 and the copy's own, which is checked on every load so a
damaged install says so instead of serving a wrong API.

Standard library only: the pytest plugin and the build hook import this module without the
mock's extras.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path
from typing import Any

SPEC_ENV = "CONFIGCAT_MOCK_SPEC"
PACKAGED_DIR = Path(__file__).resolve().parent / "_spec"
PACKAGED_NAME = "openapi.json.gz"
PACKAGED_META = "openapi.lock.json"
_REPO_ROOT = Path(__file__).resolve().parents[3]
_CANDIDATES = ("spec/swagger.json", "spec/build/normalised.json")
_OVERRIDES = f"--spec FILE (spec_path= in Python) or {SPEC_ENV}"


class SpecNotFoundError(FileNotFoundError):
    """The OpenAPI document the mock serves is not on disk."""


def _given(path: Path, origin: str) -> Path:
    if not path.is_file():
        raise SpecNotFoundError(
            f"the spec file {path} given by {origin} does not exist. Point {_OVERRIDES} at an "
            "OpenAPI document, or give neither to serve the document packaged with "
            "configcat-publicapi[mock]."
        )
    return path


def find_spec(spec_path: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of the spec to serve; raise :class:`SpecNotFoundError` if there is none."""
    if spec_path is not None:
        return _given(Path(spec_path), "--spec / spec_path=")
    env = os.environ.get(SPEC_ENV)
    if env:
        return _given(Path(env), SPEC_ENV)
    looked: list[str] = []
    roots = [(_REPO_ROOT, False), (PACKAGED_DIR, True), (Path.cwd(), False)]
    for root, packaged in roots:
        for rel in [PACKAGED_NAME] if packaged else _CANDIDATES:
            path = root / rel
            if path.is_file():
                return path
            looked.append(str(path))
    raise SpecNotFoundError(
        "the ConfigCat OpenAPI spec was not found (looked in "
        + ", ".join(dict.fromkeys(looked))
        + f"). Give one with {_OVERRIDES}; in a checkout of the repository, `make spec` "
        "puts it in place; an installed wheel carries it (reinstall configcat-publicapi)."
    )


def read_document(path: Path) -> dict[str, Any]:
    """The parsed document at ``path``; a packaged copy is checked against its record."""
    if path.name != PACKAGED_NAME:
        with path.open("rb") as fh:
            doc: dict[str, Any] = json.load(fh)
        return doc
    body = gzip.decompress(path.read_bytes())
    meta = json.loads((path.parent / PACKAGED_META).read_text(encoding="utf-8"))
    if hashlib.sha256(body).hexdigest() != meta["sha256"]:
        raise SpecNotFoundError(
            f"the packaged spec {path} is damaged (its sha256 differs from {PACKAGED_META}); "
            f"reinstall configcat-publicapi or give a document with {_OVERRIDES}."
        )
    packaged: dict[str, Any] = json.loads(body)
    return packaged


def describe(path: Path) -> str:
    """Where a document came from, for start-up lines: the packaged copy names its pin."""
    if path.name == PACKAGED_NAME:
        meta = json.loads((path.parent / PACKAGED_META).read_text(encoding="utf-8"))
        return f"the packaged spec (pinned {meta['date']}, sha256 {meta['source_sha256'][:12]}…)"
    return str(path)


def write_packaged(document: bytes, source_sha256: str, date: str, dest: Path) -> None:
    """Write the compact copy of a verified ``document`` and its record into ``dest``.

    Reproducible: the same document gives the same bytes (no gzip time stamp).
    """
    compact = json.dumps(json.loads(document), separators=(",", ":"), ensure_ascii=False)
    body = compact.encode("utf-8")
    dest.mkdir(parents=True, exist_ok=True)
    (dest / PACKAGED_NAME).write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    meta = {
        "source_sha256": source_sha256,
        "date": date,
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    (dest / PACKAGED_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def packaged_source_sha256(dest: Path = PACKAGED_DIR) -> str | None:
    """The lock sha256 the packaged copy in ``dest`` was made from, if there is one."""
    try:
        meta = json.loads((dest / PACKAGED_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (dest / PACKAGED_NAME).is_file():
        return None
    return str(meta.get("source_sha256")) or None
