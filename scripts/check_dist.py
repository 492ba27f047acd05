"""Check what ``make dist`` built: the wheel and sdist a user installs are whole.

``python scripts/check_dist.py dist`` reads the one wheel and the one sdist in ``dist`` and
checks, against the source tree and the lock rather than a hand-kept list:

- the wheel holds every module of the three packages as the tree has them (the tree after
  the build, so the generated client included), and the files the dashboard renders with
  (templates, stylesheet, script), and one endpoint module per operation of the lock;
- ``py.typed`` in each package; the mock's packaged spec, made from the locked document;
- ``LICENSE`` in both; the sdist holds the generated client and the packaged spec (so it
  builds the wheel offline) and no tests.

Prints one line per check and exits 1 when any fails.
"""

from __future__ import annotations

import json
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "configcat_publicapi": ROOT / "overlay" / "configcat_publicapi",
    "configcat_publicapi_client": ROOT / "generated" / "configcat_publicapi_client",
    "configcat_mock": ROOT / "mock_server" / "configcat_mock",
}
SPEC_FILES = (
    "configcat_mock/api/_spec/openapi.json.gz",
    "configcat_mock/api/_spec/openapi.lock.json",
)
TEST_SIGNS = ("tests", "contract_tests", "bench", "conftest.py")


# files besides modules a package reads at run time (the dashboard's templates and assets)
PACKAGE_DATA = ("*.py", "*.html", "*.css", "*.js", "*.svg")


def source_modules() -> set[str]:
    """Every module and data file of the three packages, as a path inside the wheel."""
    found: set[str] = set()
    for name, folder in PACKAGES.items():
        for pattern in PACKAGE_DATA:
            for path in folder.rglob(pattern):
                if "__pycache__" not in path.parts:
                    found.add(f"{name}/{path.relative_to(folder).as_posix()}")
    return found


def check_wheel(
    names: set[str], read: dict[str, bytes], operations: int, lock_sha: str
) -> list[str]:
    problems: list[str] = []
    missing = sorted(source_modules() - names)
    if missing:
        problems.append(f"wheel lacks {len(missing)} files, e.g. {', '.join(missing[:5])}")
    endpoints = [
        n
        for n in names
        if n.startswith("configcat_publicapi_client/api/")
        and n.count("/") == 3
        and not n.endswith("/__init__.py")
    ]
    if len(endpoints) != operations:
        problems.append(f"wheel has {len(endpoints)} endpoint modules, the lock {operations}")
    for package in PACKAGES:
        if f"{package}/py.typed" not in names:
            problems.append(f"wheel lacks {package}/py.typed")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        problems.append("wheel lacks LICENSE")
    meta = read.get(SPEC_FILES[1])
    if meta is None or SPEC_FILES[0] not in names:
        problems.append("wheel lacks the mock's packaged spec")
    elif json.loads(meta)["source_sha256"] != lock_sha:
        problems.append("the wheel's packaged spec was made from another document than the lock's")
    return problems


def check_sdist(members: list[str]) -> list[str]:
    problems: list[str] = []
    inner = {str(PurePosixPath(*PurePosixPath(m).parts[1:])) for m in members}
    if "LICENSE" not in inner:
        problems.append("sdist lacks LICENSE")
    if "generated/configcat_publicapi_client/__init__.py" not in inner:
        problems.append("sdist lacks the generated client (it could not build the wheel offline)")
    if not all(f"mock_server/{f}" in inner for f in SPEC_FILES):
        problems.append("sdist lacks the mock's packaged spec")
    tests = sorted(
        m
        for m in inner
        if any(part in TEST_SIGNS for part in PurePosixPath(m).parts)
        or PurePosixPath(m).name.startswith("test_")
    )
    if tests:
        problems.append(f"sdist holds {len(tests)} test files, e.g. {', '.join(tests[:5])}")
    if "spec/swagger.json" in inner:
        problems.append("sdist holds spec/swagger.json, a copy of the vendor's document")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    folder = Path(args[0] if args else "dist")
    wheels, sdists = sorted(folder.glob("*.whl")), sorted(folder.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"check_dist: expected one wheel and one sdist in {folder}", file=sys.stderr)
        return 1
    lock = json.loads((ROOT / "spec" / "spec.lock.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(wheels[0]) as whl:
        names = set(whl.namelist())
        read = {n: whl.read(n) for n in names if n in SPEC_FILES}
    with tarfile.open(sdists[0]) as tar:
        members = [m.name for m in tar.getmembers() if m.isfile()]
    problems = check_wheel(names, read, len(lock["operations"]), lock["sha256"])
    problems += check_sdist(members)
    print(f"check_dist: {wheels[0].name}: {len(names)} files")
    print(f"check_dist: {sdists[0].name}: {len(members)} files")
    for problem in problems:
        print(f"check_dist: FAIL {problem}")
    if not problems:
        print("check_dist: wheel and sdist are whole")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
