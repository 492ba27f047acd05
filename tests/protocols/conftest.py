"""What the protocol tests share: OpenFeature's Node OFREP provider, and a served fake."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from protocol_support import NodeProvider, Served

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / ".tool-cache" / "ofrep-node"
NODE_PACKAGES = ["@openfeature/ofrep-provider@0.1.3", "@openfeature/server-sdk@1"]
SDK_MODULES = REPO / ".tool-cache" / "node"
WEB_MODULES = REPO / ".tool-cache" / "ofrep-web"
WEB_PACKAGES = ["@openfeature/ofrep-web-provider@0.4.3", "@openfeature/web-sdk@1", "eventsource@3"]


def _npm_install(prefix: Path, packages: list[str], marker: str) -> NodeProvider:
    """Node.js and ``packages`` installed by npm under ``prefix`` (git-ignored .tool-cache/),
    on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are needed for the Node OFREP provider proofs")
    if not (prefix / "node_modules" / marker).is_dir():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - npm found on PATH, fixed packages
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), *packages],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return NodeProvider(node, prefix)


@pytest.fixture(scope="session")
def node_ofrep() -> NodeProvider:
    """OpenFeature's OFREP provider for Node (``make node-ofrep`` installs the same)."""
    return _npm_install(NODE_MODULES, NODE_PACKAGES, "@openfeature/ofrep-provider")


@pytest.fixture(scope="session")
def node_configcat_sdk() -> NodeProvider:
    """The official ConfigCat SDK for Node (``make node-sdk`` installs the same)."""
    return _npm_install(SDK_MODULES, ["configcat-node@11"], "configcat-node")


@pytest.fixture(scope="session")
def node_ofrep_web() -> NodeProvider:
    """OpenFeature's OFREP provider for the web, run in Node with the ``eventsource`` package
    as its EventSource (``make node-ofrep`` installs the same)."""
    return _npm_install(WEB_MODULES, WEB_PACKAGES, "@openfeature/ofrep-web-provider")


@pytest.fixture
def serve_fake() -> Iterator[Callable[..., Served]]:
    """``configcat-mock serve ARGS`` on a free port, as another language's suite starts it;
    stopped after the test."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Served:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-m", "configcat_mock", "serve", "--port", str(port), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/_mock/health").status_code == 200:
                    return Served(url, proc)
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)

    yield start
    for proc in started:
        proc.terminate()
        proc.communicate(timeout=30)
