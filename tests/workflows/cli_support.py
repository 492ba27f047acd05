"""Run ``configcat-publicapi`` as a person does: a subprocess over pipes or on a terminal.

The terminal is a pseudo-terminal from the standard library (``os.openpty``): the command
sees a tty on stdin, stdout and stderr, as in a shell, and the test answers its prompt.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from configcat_mock.server import LoopbackServer
from tests.workflows.conftest import Org

COMMAND = str(Path(sys.executable).parent / "configcat-publicapi")
TIMEOUT_S = 120


@dataclass
class Served:
    """A fake served on 127.0.0.1, its in-process handle, and the environment to reach it."""

    org: Org
    env: dict[str, str]


@pytest.fixture
def served_env(source: Org) -> Iterator[Served]:
    with LoopbackServer(source.mock.app) as server:
        env = dict(os.environ)
        env.update(
            CONFIGCAT_API_HOST=server.url, CONFIGCAT_API_USER="demo", CONFIGCAT_API_PASS="demo"
        )
        env.pop("NO_COLOR", None)
        yield Served(source, env)


def run_piped(
    env: Mapping[str, str], *argv: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The command with pipes on every side: no terminal."""
    return subprocess.run(  # noqa: S603 - our own command
        [COMMAND, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=TIMEOUT_S,
        cwd=cwd,
        check=False,
    )


def run_on_terminal(
    env: Mapping[str, str], *argv: str, answer: str | None = None
) -> tuple[int, str]:
    """The command on a pseudo-terminal; ``answer`` is typed at its first prompt."""
    leader, follower = os.openpty()
    terminal_env = dict(env, TERM="xterm-256color", COLUMNS="160")
    process = subprocess.Popen(  # noqa: S603 - our own command
        [COMMAND, *argv],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=terminal_env,
        close_fds=True,
    )
    os.close(follower)
    seen = b""
    answered = False
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the command closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if answer is not None and not answered and b"Enter a value:" in seen:
                os.write(leader, answer.encode() + b"\n")
                answered = True
        else:
            process.kill()
            raise AssertionError(f"the command did not end within {TIMEOUT_S} s: {seen!r}")
        code = process.wait(timeout=TIMEOUT_S)
    finally:
        os.close(leader)
    return code, seen.decode("utf-8", "replace").replace("\r\n", "\n")
