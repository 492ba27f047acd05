"""Keep a live run safe: read-only by default, writes confined to a sandbox product.

Read-only mode tests only safe methods. Write mode (``CONTRACT_WRITE=1``) creates a sandbox
product named ``SANDBOX_PREFIX`` + UTC timestamp, with a config and an environment in it,
points every generated product, config and environment identifier at them, leaves out the
operations whose target cannot be confined to the sandbox (organization-wide changes,
members, integer ids that could name a real resource), and deletes the sandbox at the end,
after a failure or an interrupt too. :func:`sweep` deletes sandboxes left behind by earlier
runs once they are older than ``max_age``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger("contract_tests.safety")

SANDBOX_PREFIX = "cc-contract-"
SANDBOX_NAME = re.compile(r"^cc-contract-(\d{8}T\d{6}Z)(?:-.*)?$")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_MAX_AGE = dt.timedelta(hours=6)

#: Path parameters that write mode can point at the sandbox.
CONFINED_PARAMETERS = frozenset({"productId", "configId", "environmentId"})


@dataclass
class Sandbox:
    organization_id: str
    product_id: str
    config_id: str
    environment_id: str
    name: str

    def path_parameters(self) -> dict[str, str]:
        return {
            "productId": self.product_id,
            "configId": self.config_id,
            "environmentId": self.environment_id,
        }


#: A 429 was not processed, so it is retried for every method, after the ``Retry-After``
#: the service sends (urllib3 honours it), at most this many times.
RATE_LIMIT_RETRIES = 5


def retrying_session() -> requests.Session:
    """A ``requests`` session for schemathesis' live calls that waits out 429 answers."""
    retry = Retry(
        total=RATE_LIMIT_RETRIES,
        status_forcelist=[429],
        allowed_methods=None,
        respect_retry_after_header=True,
        backoff_factor=0.5,
        raise_on_status=False,
        connect=0,
        read=0,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def sandbox_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return SANDBOX_PREFIX + now.strftime("%Y%m%dT%H%M%SZ")


def sandbox_created_at(name: str) -> dt.datetime | None:
    match = SANDBOX_NAME.match(name)
    if not match:
        return None
    stamp = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ")
    return stamp.replace(tzinfo=dt.UTC)


def allowed_in_write_mode(method: str, path: str) -> bool:
    """Whether an operation can be confined to the sandbox."""
    if method.upper() in SAFE_METHODS:
        return True
    params = set(re.findall(r"{([^}]+)}", path))
    return bool(params) and params <= CONFINED_PARAMETERS


def allowed(method: str, path: str, *, write: bool) -> bool:
    return allowed_in_write_mode(method, path) if write else method.upper() in SAFE_METHODS


def _json(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text[:200]}"
        )
    return response.json() if response.content else None


def create_sandbox(http: httpx.Client) -> Sandbox:
    orgs = _json(http.get("/v1/organizations"))
    if not orgs:
        raise RuntimeError("the credentials see no organization to create a sandbox product in")
    org_id = orgs[0]["organizationId"]
    name = sandbox_name()
    product = _json(
        http.post(
            f"/v1/organizations/{org_id}/products",
            json={"name": name, "description": "contract suite sandbox; safe to delete"},
        )
    )
    pid = product["productId"]
    try:
        config = _json(http.post(f"/v1/products/{pid}/configs", json={"name": "contract"}))
        env = _json(http.post(f"/v1/products/{pid}/environments", json={"name": "contract"}))
    except Exception:
        delete_product(http, pid)
        raise
    log.info("sandbox product %s (%s) created", name, pid)
    return Sandbox(org_id, pid, config["configId"], env["environmentId"], name)


def delete_product(http: httpx.Client, product_id: str) -> None:
    response = http.delete(f"/v1/products/{product_id}")
    if response.status_code not in (204, 404):
        raise RuntimeError(f"deleting sandbox {product_id} answered {response.status_code}")


@contextmanager
def sandbox(http: httpx.Client) -> Iterator[Sandbox]:
    """A sandbox product for the duration of the block, deleted however the block ends."""
    box = create_sandbox(http)
    try:
        yield box
    finally:
        delete_product(http, box.product_id)
        log.info("sandbox product %s deleted", box.name)


def sweep(
    http: httpx.Client, *, max_age: dt.timedelta = DEFAULT_MAX_AGE, now: dt.datetime | None = None
) -> list[str]:
    """Delete sandbox products older than ``max_age``; return their names."""
    now = now or dt.datetime.now(dt.UTC)
    swept = []
    for product in _json(http.get("/v1/products")) or []:
        created = sandbox_created_at(product.get("name") or "")
        if created is not None and now - created > max_age:
            delete_product(http, product["productId"])
            swept.append(product["name"])
    if swept:
        log.info("swept %d stale sandbox products: %s", len(swept), ", ".join(swept))
    return swept
