"""Processes sharing one credential against the fake's rate limits, served over HTTP: every
call gets through, none twice, although together they ask for more than the windows allow.

A smaller cut of ``bench/bench_shared_credential.py`` (which measures the rate against the
real limits): four processes, each with its own limiter at the service's 20 a second, against
a fake that allows 2 a second, so that most calls meet several 429s in a row.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from configcat_publicapi import ConfigCatClient

PROCESSES = 4
CALLS = 5
#: A bound on the whole test, not an assertion about speed.
TIMEOUT_S = 120

WORKER = """
import json, sys
from configcat_publicapi import ConfigCatClient, RateLimitError
from configcat_publicapi_client.models import CreateTagModel

base_url, product_id, index, calls = sys.argv[1:]
outcome = {"ok": [], "rate_limited": 0, "other": []}
with ConfigCatClient("demo", "demo", base_url=base_url) as cc:
    for number in range(int(calls)):
        name = f"p{index}-{number}"
        try:
            cc.tags.create_tag(product_id, body=CreateTagModel(name=name))
            outcome["ok"].append(name)
        except RateLimitError:
            outcome["rate_limited"] += 1
        except Exception as exc:
            outcome["other"].append(repr(exc))
print(json.dumps(outcome))
"""


@pytest.fixture
def served_fake(tmp_path: Path) -> Iterator[str]:
    """``configcat-mock serve`` with 2 requests a second per endpoint, on a free port."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "configcat_mock", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--rate-limit", "2", "1000"]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"the fake did not start: {server.stderr.read()!r}")  # type: ignore[union-attr]
                import time

                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.slow  # four processes waiting out a fake's 2-a-second windows: about 10 s
def test_processes_on_one_credential_meet_no_429_and_write_once(served_fake: str) -> None:
    with ConfigCatClient("demo", "demo", base_url=served_fake) as cc:
        organization = cc.organizations.get_organizations()[0].organization_id
        from configcat_publicapi_client.models import CreateProductRequest

        product = cc.products.create_product(organization, body=CreateProductRequest("Shared"))
        product_id = str(product.product_id)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    children = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WORKER, served_fake, product_id, str(index), str(CALLS)],
            stdout=subprocess.PIPE,
            env=env,
        )
        for index in range(PROCESSES)
    ]
    outcomes = []
    for child in children:
        out, _ = child.communicate(timeout=TIMEOUT_S)
        assert child.returncode == 0
        outcomes.append(json.loads(out.decode().strip().splitlines()[-1]))
    assert [o["rate_limited"] for o in outcomes] == [0] * PROCESSES
    assert [o["other"] for o in outcomes] == [[]] * PROCESSES
    with ConfigCatClient("demo", "demo", base_url=served_fake) as cc:
        names = Counter(tag.name for tag in cc.tags.get_tags(UUID(product_id)))
    acknowledged = {name for o in outcomes for name in o["ok"]}
    assert len(acknowledged) == PROCESSES * CALLS
    assert set(names) == acknowledged and set(names.values()) == {1}
