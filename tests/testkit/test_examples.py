"""The test-kit examples in examples/testing/ run as their docstrings say."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from configcat_publicapi.webhooks import signature_headers
from tests.loopback_http import SHUTDOWN_POLL_S

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "testing"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"example_testing_{name}", EXAMPLES / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_example_is_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == [
        "test_checkout_flags.py",
        "test_own_client.py",
        "test_production_config.py",
        "webhook_receiver.py",
    ]


def test_the_flags_example_passes(pytester: pytest.Pytester) -> None:
    shutil.copy(EXAMPLES / "test_checkout_flags.py", pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=1)


def test_the_own_client_example_passes(pytester: pytest.Pytester) -> None:
    shutil.copy(EXAMPLES / "test_own_client.py", pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=2)


def test_the_production_config_example_passes(pytester: pytest.Pytester) -> None:
    shutil.copy(EXAMPLES / "test_production_config.py", pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=1)


def test_the_webhook_receiver_accepts_genuine_and_refuses_the_rest() -> None:
    receiver = load("webhook_receiver")
    server = receiver.make_server(0, ["old-key", "new-key"])
    threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    body = b'[{"settingKey":"isCheckoutEnabled","event":"changed","details":"false -> true"}]'
    now = int(time.time())
    try:
        good = httpx.post(
            url, content=body, headers=signature_headers("d-1", now, body, ["new-key"])
        )
        assert good.status_code == 200 and good.json() == {"accepted": "d-1"}
        tampered = httpx.post(
            url, content=body + b" ", headers=signature_headers("d-2", now, body, ["new-key"])
        )
        assert tampered.status_code == 400 and "no signature" in tampered.json()["refused"]
        stale = signature_headers("d-3", now - 301, body, ["old-key"])
        assert httpx.post(url, content=body, headers=stale).status_code == 400
        wrong = signature_headers("d-4", now, body, ["other-key"])
        assert httpx.post(url, content=body, headers=wrong).status_code == 400
        assert httpx.post(url, content=body).status_code == 400
    finally:
        server.shutdown()
        server.server_close()
