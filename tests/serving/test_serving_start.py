"""``configcat-mock serve`` as a person first meets it: without the ``[mock]`` extras it gives
the install line, and on a port in use it says so in one line before any banner."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from configcat_mock import INSTALL_HINT
from tests.serve_process import serving


def command() -> list[str]:
    """The installed ``configcat-mock`` script beside this interpreter, else ``-m``."""
    script = Path(sys.executable).with_name("configcat-mock")
    if script.exists():
        return [str(script)]
    found = shutil.which("configcat-mock")
    return [found] if found else [sys.executable, "-m", "configcat_mock"]


def test_serve_without_uvicorn_gives_the_install_line(tmp_path: Path) -> None:
    # a sitecustomize that hides uvicorn, as if the [mock] extra were not installed
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['uvicorn'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - our own command
        [*command(), "serve", "--port", "0"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr == (
        "configcat-mock: serving needs the mock's extras (uvicorn is not installed): "
        f"{INSTALL_HINT}\n"
    )
    assert INSTALL_HINT == "pip install 'configcat-publicapi[mock]'"


def test_a_port_in_use_is_one_line_before_any_banner() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(  # noqa: S603 - our own command
            [*command(), "serve", "--port", str(port)], capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 2
    assert done.stderr == (
        f"configcat-mock: cannot listen on 127.0.0.1:{port}: port {port} is already in use "
        "(another server? choose another --port)\n"
    )


def test_the_banner_names_the_port_it_got() -> None:
    with serving() as served:
        pass
    port = served.base_url.rsplit(":", 1)[1]
    assert f"configcat-mock: http://127.0.0.1:{port} (" in served.stderr


@pytest.mark.parametrize("host", ["no-such-host.invalid"])
def test_a_host_that_cannot_be_listened_on_is_one_line(host: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own command
        [*command(), "serve", "--host", host, "--port", "0", "--control-token", "t"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"configcat-mock: cannot listen on {host}:0: ")
    assert done.stderr.count("\n") == 1, done.stderr


def test_seed_into_a_closed_pipe_ends_quietly() -> None:
    reading, writing = os.pipe()
    os.close(reading)  # as after `| head` has quit
    try:
        done = subprocess.run(  # noqa: S603 - our own command
            [*command(), "seed"], stdout=writing, stderr=subprocess.PIPE, text=True, timeout=120
        )
    finally:
        os.close(writing)
    assert (done.returncode, done.stderr) == (1, "")
