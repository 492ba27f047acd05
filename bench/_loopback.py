"""What the benchmarks share: a free loopback port and a server child process that listens on it.

The servers run in a child process, not a thread, so the measured client has the
interpreter to itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

START_TIMEOUT_S = 20.0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def exit_with_parent(ttl: float) -> None:
    """In a bench's server child: end this process when its parent is gone or after ``ttl`` s,
    so no server outlives the bench that started it."""
    parent = os.getppid()

    def watchdog() -> None:
        deadline = time.monotonic() + ttl
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()


def start_child(command: list[str], port: int) -> subprocess.Popen[bytes]:
    """Start ``command`` and return once 127.0.0.1:``port`` accepts connections."""
    proc = subprocess.Popen(command)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the bench server did not start")


def mock_command(port: int, *extra: str) -> list[str]:
    """``configcat-mock serve`` on 127.0.0.1:``port``, rate limits off, with ``extra``."""
    return [
        sys.executable,
        "-m",
        "configcat_mock",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-rate-limit",
        *extra,
    ]
