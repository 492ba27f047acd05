"""Derive the synchronous client, SDK-key scope, transport and workflows from their async source.

``_async/*.py`` of ``overlay/configcat_publicapi`` and of its ``workflows`` package are written
by hand; ``_sync/*.py`` beside each is this script's output, committed, and checked
by ``tests/overlay/test_overlay_unasync.py``
(``python scripts/make_sync.py --check`` says the same). The async code is the source because
it marks every point where the sync code blocks (``await``): dropping those is a mechanical
token rewrite, the other way round is not. The rewrite is the ``unasync`` library's (tokens,
so names inside strings stay); the class names in docstrings are swapped here, and the
result goes through the project's ruff (import order, formatting) as the source does.

    python scripts/make_sync.py [--check]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import unasync  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "overlay" / "configcat_publicapi"
#: Each hand-written ``_async`` package and the ``_sync`` package derived from it.
PAIRS = tuple((d / "_async", d / "_sync") for d in (PACKAGE, PACKAGE / "workflows"))

#: Names (tokens) of the async code and their sync twins, on top of unasync's own
#: (``__aenter__``, ``AsyncIterator``, ...).
REPLACEMENTS = {
    "AsyncConfigCatClient": "ConfigCatClient",
    "AsyncSdkKeyScope": "SdkKeyScope",
    "AsyncSafeCreates": "SafeCreates",
    "run_changes_async": "run_changes",
    "AsyncPolicyTransport": "PolicyTransport",
    "AsyncNamespaces": "Namespaces",
    "AsyncOperation": "Operation",
    "AsyncPagedOperation": "PagedOperation",
    "AsyncClient": "Client",
    "AsyncHTTPClient": "HTTPClient",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncHTTPTransport": "HTTPTransport",
    "handle_async_request": "handle_request",
    "set_async_httpx_client": "set_httpx_client",
    "_async_sleep": "_sleep",
    "_async": "_sync",
    "aclose": "close",
}
#: The same swaps inside strings and comments (docstrings name the classes), whole words only.
TEXT_REPLACEMENTS = {
    **{k: v for k, v in REPLACEMENTS.items() if k[0].isupper()},
    "asynchronous": "synchronous",
    "Asynchronous": "Synchronous",
}
HEADER = "# Derived from configcat_publicapi/{name}\n# by scripts/make_sync.py: do not edit.\n"


def _ruff(args: list[str], text: str, path: Path) -> str:
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(  # noqa: S603 - the environment's own ruff
        [str(ruff), *args, "--stdin-filename", str(path), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def derive() -> dict[Path, str]:
    """The text each sync file should have."""
    out: dict[Path, str] = {}
    for source, target in PAIRS:
        out.update(_derive(source, target))
    return out


def _derive(source: Path, target_dir: Path) -> dict[Path, str]:
    out: dict[Path, str] = {}
    with tempfile.TemporaryDirectory(prefix="unasync-") as scratch:
        src = Path(scratch) / "_async"
        shutil.copytree(source, src, ignore=shutil.ignore_patterns("__pycache__"))
        files = sorted(str(p) for p in src.glob("*.py"))
        rule = unasync.Rule("/_async/", "/_sync/", additional_replacements=REPLACEMENTS)
        unasync.unasync_files(files, rules=[rule])
        for derived in sorted((Path(scratch) / "_sync").glob("*.py")):
            text = derived.read_text(encoding="utf-8")
            for old, new in TEXT_REPLACEMENTS.items():
                text = re.sub(rf"\b{old}\b", new, text)
            target = target_dir / derived.name
            name = (source / derived.name).relative_to(PACKAGE).as_posix()
            text = HEADER.format(name=name) + text
            # unsafe fixes too: a loop of ``yield`` that an async generator needs becomes
            # ``yield from`` in its sync twin
            text = _ruff(["check", "--fix-only", "--unsafe-fixes", "--quiet"], text, target)
            out[target] = _ruff(["format", "--quiet"], text, target)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if _sync/ is not up to date")
    args = parser.parse_args()
    wanted = derive()
    stale = sorted(
        p for p, text in wanted.items() if not p.is_file() or p.read_text("utf-8") != text
    )
    extra = sorted({p for _, target in PAIRS for p in target.glob("*.py")} - set(wanted))
    if args.check:
        for path in [*stale, *extra]:
            print(f"unasync: {path.relative_to(ROOT)} is not derived from _async/", file=sys.stderr)
        return 1 if stale or extra else 0
    for _, target in PAIRS:
        target.mkdir(exist_ok=True)
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"unasync: wrote {path.relative_to(ROOT)}")
    for path in extra:
        path.unlink()
        print(f"unasync: removed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
