"""Run openapi-python-client on the normalised spec and install the result atomically.

The generator runs as :mod:`spec.render`: its own command line, plus the namespaces
:mod:`spec.namespaces` decides for the templates. The templates in ``spec/templates/``
replace some of the generator's own (same file names) and only lay out text: they add the
typed namespaces the ``configcat_publicapi`` clients expose (one class per spec
tag, sync and async, in each ``api/<tag>/__init__.py``; the clients' namespace attributes in
``api/__init__.py``), keep the package's ``__init__`` free of imports, and make the enums of
response models accept values a newer service sends. Everything the templates need is the
generator's own parse of the spec, so a new operation or tag appears with no line written.

The generator writes into a scratch folder outside the repository (ruff, run by the
generator's post hooks, honours ``.gitignore`` files, and ``generated/`` ignores
everything); only a run with no warning replaces the target package, so a failed run
never leaves a half written package behind. The post hooks call the ``ruff`` of this
interpreter's environment (a virtualenv, or the build environment the generator runs in),
which pins it (see ``pyproject.toml``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIG = HERE / "generator.yaml"
TEMPLATES = HERE / "templates"
WARNING_MARKERS = ("Warning", "WARNING", "Unable to", "Error(s) encountered")


class GenerationError(Exception):
    """The generator failed or warned; the message carries its output."""


def _check_generator() -> None:
    """The generator must be importable by this interpreter (a virtualenv, or a build
    frontend's isolated environment): :mod:`spec.render` runs it there."""
    if importlib.util.find_spec("openapi_python_client") is None:
        raise GenerationError(
            "openapi-python-client is not installed: `pip install openapi-python-client==0.29.1`"
            " (make install does it)"
        )


def generate(spec: Path, target: Path, config: Path = CONFIG) -> float:
    """Generate the package from ``spec`` into ``target``; return the seconds it took."""
    start = time.perf_counter()
    _check_generator()
    # the post hooks' ruff is the one installed with the generator (pinned beside it)
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="configcat-gen-") as scratch:
        out = Path(scratch) / target.name
        cmd = [sys.executable, "-m", "spec.render"]
        cmd += [str(spec), str(out), str(config), str(TEMPLATES)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        output = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0 or any(m in output for m in WARNING_MARKERS):
            raise GenerationError(
                f"openapi-python-client failed (exit {proc.returncode}):\n{output}"
            )
        if not (out / "__init__.py").is_file():
            raise GenerationError(f"openapi-python-client wrote no package:\n{output}")
        # PEP 561: the generated models are typed, so users' type checkers should read them
        (out / "py.typed").write_text("", encoding="utf-8")
        # what the enum template's ``from_service`` calls (see the module's docstring)
        shutil.copyfile(TEMPLATES / "unknown_values.py", out / "_unknown_values.py")
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(out), str(target))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="the normalised document")
    parser.add_argument("target", type=Path, help="the package folder to (re)write")
    args = parser.parse_args(argv)
    try:
        seconds = generate(args.spec, args.target)
    except GenerationError as exc:
        print(exc, file=sys.stderr)
        return 1
    modules = sum(1 for _ in args.target.rglob("*.py"))
    print(f"generate: {modules} modules in {args.target} ({seconds:.1f}s, no warnings)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
