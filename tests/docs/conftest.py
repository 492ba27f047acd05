"""The served fake the docs' examples run against, and the count of what ran."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

# imported by the same name as the test module imports it, so both count in one place
from tests.docs.markdown_blocks import OUTCOMES, ROOT

START_TIMEOUT_S = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def command(name: str) -> str:
    """The path of one of the project's commands in this environment."""
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="session")
def served_fake() -> Iterator[str]:
    """``configcat-mock serve`` on 127.0.0.1 for the session, as a user starts it."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - the project's own command
        [command("configcat-mock"), "serve", "--port", str(port), "--no-rate-limit"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            try:
                httpx.get(f"{url}/_mock/health", timeout=1.0).raise_for_status()
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"configcat-mock serve did not start: {process.stderr.read()!r}"  # type: ignore[union-attr]
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def example_env(fake_env: dict[str, str], served_fake: str) -> dict[str, str]:
    """The environment of an example: the served fake, reset, as the demo user."""
    httpx.post(f"{served_fake}/_mock/reset", timeout=10.0).raise_for_status()
    return dict(fake_env)


@pytest.fixture(scope="session")
def fake_env(served_fake: str) -> dict[str, str]:
    """This process's environment for an example (no CONFIGCAT_ or PYTEST_ variable of its
    own): the served fake as the host, the demo user, this environment's commands first."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CONFIGCAT_", "PYTEST_"))
    }
    env.update(
        CONFIGCAT_API_HOST=served_fake,
        CONFIGCAT_API_USER="demo",
        CONFIGCAT_API_PASS="demo",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once a session with ``mkdocs build --strict`` as ``make docs`` builds
    it (any warning, broken link or anchor fails), for the build check and the browser tests."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(  # noqa: S603 - this environment's mkdocs
        [command("mkdocs"), "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return out


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if OUTCOMES:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(OUTCOMES.items()))
        terminalreporter.write_line(f"docs examples: {counts}")
