"""``configcat-mock serve`` as a subprocess on a free 127.0.0.1 port, for tests that meet the
command as a user does; it is stopped (SIGTERM) when the block ends."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


@dataclass
class Served:
    base_url: str
    process: subprocess.Popen[str]
    stderr: str = ""
    """What the command wrote to stderr, once the block has ended."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(*args: str, start_timeout: float = 60.0) -> Iterator[Served]:
    """Run ``configcat-mock serve ARGS`` until ``/_mock/health`` answers, then yield."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "configcat_mock", "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(f"{served.base_url}/_mock/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        served.stderr = process.communicate(timeout=30)[1]
