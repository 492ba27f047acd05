"""The examples in examples/ run as a user runs them: as scripts, against ``configcat-mock
serve``, with output into a pipe its reader closed early (``| head``), on an empty account,
an unknown flag and a v1 config. Each error is one line on stderr, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from tests.overlay.overlay_support import EXAMPLES
from tests.serve_process import Served, serving


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serving("--no-rate-limit") as served:
        yield served


@pytest.fixture
def base_url(server: Served) -> str:
    assert httpx.post(f"{server.base_url}/_mock/reset").status_code == 204
    return server.base_url


def run(base_url: str, name: str, *args: str, closed_stdout: bool = False) -> Ran:
    """``python examples/NAME.py ARGS`` against the served fake; with ``closed_stdout`` its
    stdout is a pipe whose reading end is already closed, as after ``| head`` has quit."""
    env = {
        **os.environ,
        "CONFIGCAT_API_HOST": base_url,
        "CONFIGCAT_API_USER": "demo",
        "CONFIGCAT_API_PASS": "demo",
    }
    command = [sys.executable, str(EXAMPLES / f"{name}.py"), *args]
    if not closed_stdout:
        done = subprocess.run(  # noqa: S603 - our own interpreter and example
            command, env=env, capture_output=True, text=True, timeout=120
        )
        return Ran(done.returncode, done.stdout, done.stderr)
    reading, writing = os.pipe()
    os.close(reading)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and example
            command, env=env, stdout=writing, stderr=subprocess.PIPE, text=True, timeout=120
        )
    finally:
        os.close(writing)
    return Ran(done.returncode, "", done.stderr)


@dataclass
class World:
    product_id: str
    v1_key: str
    v2_key: str
    v2_config_id: str
    environment_id: str


def make_world(base_url: str) -> World:
    """A product with a v1 and a v2 config, each with the on/off flag ``isCheckoutEnabled``."""
    with httpx.Client(base_url=base_url, auth=("demo", "demo")) as api:

        def post(path: str, body: dict[str, object]) -> dict[str, str]:
            response = api.post(path, json=body)
            assert response.status_code < 300, response.text
            answer: dict[str, str] = response.json()
            return answer

        product = post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", {"name": "Shop"})
        pid = product["productId"]
        env = post(f"/v1/products/{pid}/environments", {"name": "Production"})["environmentId"]
        keys, config_ids = {}, {}
        for version in ("v1", "v2"):
            config = post(
                f"/v1/products/{pid}/configs", {"name": version, "evaluationVersion": version}
            )["configId"]
            post(
                f"/v1/configs/{config}/settings",
                {"key": "isCheckoutEnabled", "name": "Checkout", "settingType": "boolean"},
            )
            keys[version] = api.get(f"/v1/configs/{config}/environments/{env}").json()["primary"]
            config_ids[version] = config
    return World(pid, keys["v1"], keys["v2"], config_ids["v2"], env)


def no_traceback(ran: Ran) -> None:
    assert "Traceback" not in ran.err, ran.err
    assert "Exception ignored" not in ran.err, ran.err


def test_list_products_on_no_products_says_so(base_url: str) -> None:
    ran = run(base_url, "list_products")
    assert (ran.code, ran.out, ran.err) == (0, "no products\n", "")
    make_world(base_url)
    assert run(base_url, "list_products").out.startswith("Shop (")


@pytest.mark.parametrize(
    "name", ["list_products", "export_audit_log", "toggle_by_sdk_key", "bulk_update_flags"]
)
def test_output_into_a_closed_pipe_ends_quietly(base_url: str, name: str) -> None:
    world = make_world(base_url)
    args = {
        "list_products": [],
        "export_audit_log": [world.product_id],
        "toggle_by_sdk_key": [world.v2_key, "isCheckoutEnabled", "on"],
        "bulk_update_flags": [world.v2_config_id, world.environment_id, "--value", "true"],
    }[name]
    ran = run(base_url, name, *args, closed_stdout=True)
    assert (ran.code, ran.err) == (1, "")  # 1: the output was not all read


def test_toggle_switches_a_v2_flag(base_url: str) -> None:
    world = make_world(base_url)
    ran = run(base_url, "toggle_by_sdk_key", world.v2_key, "isCheckoutEnabled", "on")
    assert (ran.code, ran.out, ran.err) == (0, "isCheckoutEnabled: off -> on\n", "")


def test_toggle_names_an_unknown_flag_in_one_line(base_url: str) -> None:
    world = make_world(base_url)
    ran = run(base_url, "toggle_by_sdk_key", world.v2_key, "noSuchFlag", "on")
    no_traceback(ran)
    assert ran.code == 1
    assert ran.err == "no flag 'noSuchFlag' in the config this SDK key names\n"


def test_toggle_on_a_v1_config_says_it_needs_v2(base_url: str) -> None:
    world = make_world(base_url)
    ran = run(base_url, "toggle_by_sdk_key", world.v1_key, "isCheckoutEnabled", "on")
    no_traceback(ran)
    assert ran.code == 1
    assert ran.err.count("\n") == 1, ran.err
    assert "needs a v2 on/off flag" in ran.err


def test_the_examples_that_write_v2_values_say_they_need_v2() -> None:
    for name in ("toggle_by_sdk_key", "bulk_update_flags"):
        docstring = (EXAMPLES / f"{name}.py").read_text().split('"""')[1]
        assert "evaluation v2" in docstring, name


def test_errors_of_the_other_examples_are_one_line(base_url: str) -> None:
    unknown = "00000000-0000-0000-0000-000000000000"
    for ran in (
        run(base_url, "export_audit_log", unknown),
        run(base_url, "bulk_update_flags", unknown, unknown),
    ):
        no_traceback(ran)
        assert ran.code == 1
        assert ran.err.startswith("failed: ") and ran.err.count("\n") == 1, ran.err
