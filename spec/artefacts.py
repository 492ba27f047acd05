"""What a built package carries from the pinned spec, made at build time.

A wheel holds three packages; two of them need the pinned document, which the repository
never commits: ``configcat_publicapi_client`` is generated from it, and ``configcat_mock``
serves it. :func:`prepare` puts both in place before hatchling collects files (the build
hook in ``hatch_build.py`` calls it): the generated package under ``generated/`` when it is
missing, and the mock's compact copy under ``mock_server/configcat_mock/api/_spec/`` when it is
missing or made from another pin. Both paths are git-ignored.

The document comes from the lock: ``spec/swagger.json`` when it is already the pinned one,
else ``SPEC_SOURCE`` (default ``../shared/spec/configcat-publicapi.json``), else the lock's
immutable download sources. Anything that cannot be had stops the build with a message
naming ``make regenerate``: a wheel is whole or it is not built.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from spec.lockfile import DEFAULT_LOCK, DEFAULT_SOURCE, Lock, SpecError, verified_document

ROOT = Path(__file__).resolve().parents[1]
GEN_PKG = Path("generated") / "configcat_publicapi_client"
MOCK_SPEC_DIR = Path("mock_server") / "configcat_mock" / "api"
#: what the generator needs; the build hook asks for them only when the client is missing
GENERATOR_REQUIREMENTS = ("openapi-python-client==0.29.1", "ruff==0.17.5", "pyyaml>=6")


class BuildError(Exception):
    """The package cannot be built whole; the message says what to do."""


def _spec_source_module(root: Path) -> ModuleType:
    """``configcat_mock.api.spec_source`` loaded by path: no package ``__init__`` is needed."""
    path = root / MOCK_SPEC_DIR / "spec_source.py"
    loaded = importlib.util.spec_from_file_location("_configcat_mock_spec_source", path)
    if loaded is None or loaded.loader is None:
        raise BuildError(f"cannot load {path}")
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def client_missing(root: Path = ROOT) -> bool:
    return not (root / GEN_PKG / "__init__.py").is_file()


def mock_spec_current(root: Path = ROOT) -> bool:
    lock = Lock.read(root / "spec" / DEFAULT_LOCK.name)
    source = _spec_source_module(root)
    made_from: str | None = source.packaged_source_sha256(root / MOCK_SPEC_DIR / "_spec")
    return made_from == lock.sha256


def pinned_document(root: Path = ROOT) -> bytes:
    """The pinned document's bytes, verified against the lock."""
    lock_path = root / "spec" / DEFAULT_LOCK.name
    local = root / "spec" / "swagger.json"
    lock = Lock.read(lock_path)
    if local.is_file() and hashlib.sha256(local.read_bytes()).hexdigest() == lock.sha256:
        return local.read_bytes()
    source = os.environ.get("SPEC_SOURCE", str((root / DEFAULT_SOURCE).resolve()))
    body, _ = verified_document(source, lock_path)
    local.write_bytes(body)
    return body


def prepare(root: Path = ROOT, log: Callable[[str], None] = print) -> None:
    """Make the generated client and the mock's packaged spec present and current."""
    need_client, need_mock = client_missing(root), not mock_spec_current(root)
    if not (need_client or need_mock):
        return
    try:
        document = pinned_document(root)
    except SpecError as exc:
        raise BuildError(
            f"{exc}\nThe wheel needs the pinned spec to generate configcat_publicapi_client and "
            "to carry the mock's copy. Run `make regenerate` in the repository (it fetches and "
            "verifies the spec), or set SPEC_SOURCE to the pinned document, then build again."
        ) from exc
    lock = Lock.read(root / "spec" / DEFAULT_LOCK.name)
    if need_mock:
        _spec_source_module(root).write_packaged(
            document, lock.sha256, lock.date, root / MOCK_SPEC_DIR / "_spec"
        )
        log(f"build: packaged the mock's spec (pinned {lock.date}) in {MOCK_SPEC_DIR / '_spec'}")
    if need_client:
        _generate(root, document, log)


def _generate(root: Path, document: bytes, log: Callable[[str], None]) -> None:
    from spec.generate import GenerationError, generate
    from spec.normalise import write_normalised

    normalised = root / "spec" / "build" / "normalised.json"
    write_normalised(json.loads(document), normalised, log=log)
    try:
        seconds = generate(normalised, root / GEN_PKG)
    except (GenerationError, OSError) as exc:
        raise BuildError(
            f"generating configcat_publicapi_client failed: {exc}\n"
            "Run `make regenerate` in the repository to see the generator's output, then "
            "build again."
        ) from exc
    log(f"build: generated {GEN_PKG} ({seconds:.1f}s)")


def main() -> int:
    try:
        prepare(log=lambda line: print(line, file=sys.stderr))
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
