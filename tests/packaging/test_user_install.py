"""The product as a user meets it: a wheel built from a clean clone, installed elsewhere.

One module-scoped build: ``git clone`` of HEAD into a temporary folder, ``python -m build``
there (isolated builds of the sdist, whose hook generates the client and packages the
mock's spec, then of the wheel from the sdist), both checked as ``make dist`` checks them,
then two throwaway virtualenvs outside the repository, made with uv from its cache:

- with ``[mock]``: ``user_project/`` (the fixtures, sync and async under anyio and
  pytest-asyncio, ``configcat-mock serve`` called with the client) must pass;
- without it: a trivial test must pass (the plugin never breaks pytest), and a test that
  asks for a mock fixture must fail with the install command.

Uncommitted changes are not in the clone: this tests what a commit ships.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
USER_PROJECT = Path(__file__).resolve().parent / "user_project"
BIN = Path(sys.executable).parent
TIMEOUT_S = 600

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(  # noqa: S603 - fixed tools of this environment
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout + proc.stderr


def _clean_env() -> dict[str, str]:
    """This environment less what would make the user's tools see the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed to clone the repository for the install test")
    work = tmp_path_factory.mktemp("user-install")
    clone = work / "clone"
    _run(["git", "clone", "--quiet", str(REPO), str(clone)], cwd=work)
    env = _clean_env()
    # the document make test already verified; the hook checks it against the lock again
    env["SPEC_SOURCE"] = str(REPO / "spec" / "swagger.json")
    dist = work / "dist"
    # the sdist first, then the wheel built from it: as `make dist` and PyPI users do
    build = [str(BIN / "python"), "-m", "build", "--installer", "uv", "--outdir", str(dist)]
    _run([*build, str(clone)], cwd=work, env=env)
    # the clone's own checker: its tree and lock are the ones the build read
    checked = _run([str(BIN / "python"), "scripts/check_dist.py", str(dist)], cwd=clone, env=env)
    assert "wheel and sdist are whole" in checked
    _run([str(BIN / "twine"), "check", "--strict", *map(str, dist.iterdir())], cwd=work, env=env)
    (built,) = dist.glob("*.whl")
    return built


def _venv(wheel: Path, name: str, extras: str, *more: str) -> Path:
    venv = wheel.parent.parent / name
    env = _clean_env()
    _run(
        [str(BIN / "uv"), "venv", "--quiet", "--python", sys.executable, str(venv)],
        wheel.parent,
        env,
    )
    target = f"{wheel}{extras}"
    _run(
        [
            str(BIN / "uv"),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            target,
            "pytest",
            *more,
        ],
        wheel.parent,
        env,
    )
    return venv


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("my-project")
    shutil.copytree(USER_PROJECT, folder, dirs_exist_ok=True)
    return folder


def _pytest(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _clean_env()
    env["PATH"] = os.pathsep.join([str(venv / "bin"), os.environ.get("PATH", "")])
    for var in ("CONFIGCAT_API_USER", "CONFIGCAT_API_PASS", "CONFIGCAT_API_HOST"):
        env.pop(var, None)
    return subprocess.run(  # noqa: S603 - the virtualenv's own pytest
        [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def test_the_wheel_holds_all_three_packages(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("configcat_publicapi", "configcat_publicapi_client", "configcat_mock"):
        assert f"{package}/__init__.py" in names
        assert f"{package}/py.typed" in names
    assert "configcat_mock/api/_spec/openapi.json.gz" in names


def test_users_tests_pass_with_the_mock_extra(wheel: Path, project: Path) -> None:
    venv = _venv(wheel, "with-mock", "[mock]", "pytest-asyncio")
    result = _pytest(venv, project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    version = _run([str(venv / "bin" / "configcat-mock"), "--version"], project)
    assert version.startswith("configcat-mock ")


def test_without_the_mock_extra_pytest_still_works(wheel: Path, tmp_path: Path) -> None:
    venv = _venv(wheel, "without-mock", "")
    (tmp_path / "test_trivial.py").write_text("def test_sum():\n    assert 1 + 1 == 2\n")
    result = _pytest(venv, tmp_path, "test_trivial.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout

    (tmp_path / "test_wants_mock.py").write_text("def test_mock(configcat_mock):\n    pass\n")
    result = _pytest(venv, tmp_path, "test_wants_mock.py")
    assert result.returncode == 1
    assert "pip install 'configcat-publicapi[mock]'" in result.stdout
