"""Never a traceback: both commands, driven with generated arguments and documents.

Whatever a person types, each command ends with a documented exit code and, on standard
error, nothing or one line that starts with the command's name; never a Python traceback.
Every example is a fresh process, as in a shell, so the examples are few: the arguments are
drawn from the words these commands know, mixed with arbitrary text, and the files from
valid documents with one field replaced, arbitrary text and arbitrary bytes.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configcat_mock import MockConfigCat
from configcat_mock.http.server import LoopbackServer
from configcat_publicapi import ConfigCatClient
from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import CreateProductRequest
from tests.workflows.workflows_support import full_document

# a sweep of 40 generated examples a command, each a fresh process: about 15 s
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
EXAMPLES = int(os.environ.get("CLI_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WORDS = [
    "Shop", "12", "", "-", "--", "Production", "Staging", "Main", "Legacy", "isBeta",
    "checkout_*", "--json", "--prune", "--yes", "--auto-approve", "--dry-run",
    "--detailed-exitcode", "--toggle", "--from", "--to", "--env", "--flag", "--tag", "--config",
    "--to-config", "--value", "--product", "--out", "-out", "--reason", "--concurrency",
    "--format", "-o", "--help", "--version", "true", "False", '"dark"', "0", "-1", "yaml",
]  # fmt: skip
FILES = ["doc.yaml", "doc.json", "plan.json", "bytes.yaml", "missing.yaml", "folder"]


class World:
    """A fake served on 127.0.0.1 holding one product, and a folder of files to name."""

    def __init__(self, url: str, folder: Path, product: str) -> None:
        self.env = dict(os.environ, CONFIGCAT_API_HOST=url, CONFIGCAT_API_USER="demo",
                        CONFIGCAT_API_PASS="demo")  # fmt: skip
        self.folder = folder
        self.product = product


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with (
        MockConfigCat(rate_limits=False) as mock,
        LoopbackServer(mock.app) as server,
        ConfigCatClient("demo", "demo", base_url=server.url, rate_limit=None) as cc,
        tempfile.TemporaryDirectory() as folder,
    ):
        organization = cc.organizations.get_organizations()[0].organization_id
        made = cc.products.create_product(organization, body=CreateProductRequest(name="Shop"))
        wf.apply(cc, full_document(), made.product_id)
        (Path(folder) / "folder").mkdir()
        yield World(server.url, Path(folder), str(made.product_id))


def _replace(document: Any, path: list[int], value: Any) -> Any:
    """``document`` with the item reached by walking ``path`` (indexes, modulo) replaced."""
    out = copy.deepcopy(document)
    node = out
    for step in path:
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if not children:
            break
        key, child = children[step % len(children)]
        if not isinstance(child, (dict, list)) or step == path[-1]:
            node[key] = value
            return out
        node = child
    return out


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
documents = st.one_of(
    st.builds(
        lambda path, value: wf.dumps(_replace(full_document(), path, value)),
        st.lists(st.integers(0, 50), min_size=1, max_size=6),
        json_values,
    ),
    st.text(max_size=200),
    st.just("product:\n  name: [unclosed\n"),
)
plans = st.one_of(
    st.builds(lambda value: json.dumps({"format": "configcat-plan", "version": 1, "plan": value}),
              json_values),
    st.text(max_size=100),
)  # fmt: skip
safe_text = st.text(max_size=12).filter(
    lambda t: not t.startswith("/") and ".." not in t and "\x00" not in t  # argv holds no NUL
)


def _arguments(product: str) -> st.SearchStrategy[list[str]]:
    word = st.sampled_from([*WORDS, product]) | st.sampled_from(FILES) | safe_text
    return st.lists(word, max_size=8)


def _check(done: subprocess.CompletedProcess[str], name: str, codes: set[int]) -> None:
    shown = f"exit {done.returncode}\nstdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-4000:]}"
    assert "Traceback" not in done.stderr + done.stdout, shown
    assert done.returncode in codes, shown
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if name == "configcat-publicapi":
        assert len(lines) <= 1, shown
        assert all(line.startswith(f"{name}: ") for line in lines), shown


@SETTINGS
@given(
    command=st.sampled_from(["export", "plan", "apply", "show", "diff", "promote", "bulk",
                             "products", "configs", "environments", "flags"]) | safe_text,
    data=st.data(),
    document=documents,
    saved=plans,
    binary=st.binary(max_size=64),
)  # fmt: skip
def test_configcat_publicapi_never_shows_a_traceback(
    world: World, command: str, data: st.DataObject, document: str, saved: str, binary: bytes
) -> None:
    folder = world.folder
    (folder / "doc.yaml").write_text(document, encoding="utf-8")
    (folder / "doc.json").write_text(document, encoding="utf-8")
    (folder / "plan.json").write_text(saved, encoding="utf-8")
    (folder / "bytes.yaml").write_bytes(binary)
    argv = [command, *data.draw(_arguments(world.product))]
    done = subprocess.run(  # noqa: S603 - our own command
        [str(BIN / "configcat-publicapi"), *argv],
        capture_output=True, text=True, env=world.env, cwd=folder, timeout=120, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    _check(done, "configcat-publicapi", {0, 1, 2, 3})


@pytest.fixture(scope="module")
def held_port() -> Iterator[int]:
    """A port on 127.0.0.1 held by this test, so no generated ``serve`` ever binds."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


MOCK_WORDS = [
    "serve", "seed", "--help", "--version", "--seed", "--spec", "--rate-limit", "--no-rate-limit",
    "--faults", "--validate-responses", "--audit-log-limit", "--state-file", "--workers",
    "--body-limit", "--header-timeout", "--config-json", "--sdk-key", "--log-level", "0", "-1",
    "1.5", "{}", '{"rules": 1}', "info", "x",
]  # fmt: skip


@SETTINGS
@given(
    argv=st.lists(st.sampled_from(MOCK_WORDS) | st.sampled_from(FILES) | safe_text, max_size=8),
    document=documents,
    binary=st.binary(max_size=64),
)
def test_configcat_mock_never_shows_a_traceback(
    world: World, held_port: int, argv: list[str], document: str, binary: bytes
) -> None:
    folder = world.folder
    (folder / "doc.yaml").write_text(document, encoding="utf-8")
    (folder / "doc.json").write_text(document, encoding="utf-8")
    (folder / "bytes.yaml").write_bytes(binary)
    # the port last: a generated serve fails to bind on the held port rather than serve
    tail = ["--host", "127.0.0.1", "--port", str(held_port)] if argv[:1] == ["serve"] else []
    done = subprocess.run(  # noqa: S603 - our own command
        [str(BIN / "configcat-mock"), *argv, *tail],
        capture_output=True, text=True, cwd=folder, timeout=120, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    _check(done, "configcat-mock", {0, 1, 2, 3})
