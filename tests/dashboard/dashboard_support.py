"""Helpers of the dashboard tests: a product made through the management API, the CSRF token
of a page, and the fake served by ``configcat-mock serve``."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from configcat_mock.state.seed import DEMO_ORGANIZATION_ID, DEMO_PASSWORD, DEMO_USERNAME

ENVIRONMENTS = ("Development", "Staging", "Production")


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, (response.status_code, response.text)
    return response.json() if response.content else None


@dataclass
class Product:
    """A product with three environments and one config, made over the management API."""

    api: httpx.Client
    product_id: str
    config_id: str
    environments: dict[str, str]  # name -> id
    flags: dict[str, int] = field(default_factory=dict)  # key -> setting id

    @classmethod
    def create(
        cls,
        api: httpx.Client,
        name: str = "Shop",
        *,
        version: str = "v2",
        reason_required: bool = False,
    ) -> Product:
        product = ok(
            api.post(f"/v1/organizations/{DEMO_ORGANIZATION_ID}/products", json={"name": name})
        )
        product_id = product["productId"]
        if reason_required:
            ok(api.post(f"/v1/products/{product_id}/preferences", json={"reasonRequired": True}))
        environments = {
            env: ok(api.post(f"/v1/products/{product_id}/environments", json={"name": env}))[
                "environmentId"
            ]
            for env in ENVIRONMENTS
        }
        config = ok(
            api.post(
                f"/v1/products/{product_id}/configs",
                json={"name": "Main", "evaluationVersion": version},
            )
        )
        return cls(api, product_id, config["configId"], environments)

    def flag(self, key: str, setting_type: str = "boolean", **extra: Any) -> int:
        body = {"key": key, "name": key, "settingType": setting_type, **extra}
        setting_id = int(
            ok(self.api.post(f"/v1/configs/{self.config_id}/settings", json=body))["settingId"]
        )
        self.flags[key] = setting_id
        return setting_id

    def value(self, key: str, environment: str) -> Any:
        """The value served by default, read back through the v2 API."""
        url = f"/v2/environments/{self.environments[environment]}/settings/{self.flags[key]}/value"
        model = ok(self.api.get(url))["defaultValue"]
        return next(v for k, v in model.items() if k != "predefinedVariationId" and v is not None)

    def sdk_key(self, environment: str) -> str:
        url = f"/v1/configs/{self.config_id}/environments/{self.environments[environment]}"
        return str(ok(self.api.get(url))["primary"])


def management_client(base_url: str, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=base_url, transport=transport, auth=(DEMO_USERNAME, DEMO_PASSWORD), timeout=10
    )


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_fake(*options: str) -> Iterator[str]:
    """``configcat-mock serve`` on 127.0.0.1 as a user starts it; stopped after the block."""
    command = Path(sys.executable).with_name("configcat-mock")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(command), "serve", "--port", str(port), "--no-rate-limit", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/_mock/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                errors = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"configcat-mock serve did not start: {errors}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
