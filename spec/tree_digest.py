"""One sha256 for a generated package: what the generation test compares with the pinned digest.

The digest covers every file under the package (``__pycache__`` aside), in the order of their
sorted relative paths, each as its path, a NUL, its bytes and a NUL: a renamed, added, removed
or changed file changes it. ``spec/generated.sha256`` pins the digest of what the pinned spec,
generator, templates and ruff give today, so a change to ``spec/`` that alters the generated
code by accident fails ``tests/foundation/test_generation.py``. After a deliberate change,
``make generated-digest`` regenerates and rewrites the pinned digest; commit it with the change.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

PINNED = Path(__file__).resolve().parent / "generated.sha256"


def tree_digest(root: Path) -> str:
    """The sha256 of every file under ``root`` with its relative path, in sorted order."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.relative_to(root).parts
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def pinned_digest() -> str:
    """The digest ``spec/generated.sha256`` pins."""
    return PINNED.read_text(encoding="utf-8").split()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the generated package folder")
    parser.add_argument("--write", action="store_true", help=f"rewrite {PINNED.name}")
    args = parser.parse_args(argv)
    digest = tree_digest(args.package)
    if args.write:
        PINNED.write_text(f"{digest}  {args.package.name}\n", encoding="utf-8")
        print(f"tree_digest: {PINNED.name} now pins {digest}")
    else:
        print(digest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
