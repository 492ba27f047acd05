"""``MockConfigCat``: the backend, the spec and the app, with in-process transports.

>>> with MockConfigCat() as mock:  # doctest: +SKIP
...     cc = ConfigCatClient(username="demo", password="demo", base_url="http://mock",
...                          transport=mock.transport)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any

from configcat_mock.api.spec import Spec
from configcat_mock.dashboard import DashboardSite
from configcat_mock.http.app import MockApp
from configcat_mock.http.faults import FaultInjector, FaultRule
from configcat_mock.http.guards import DEFAULT_BODY_LIMIT, DEFAULT_CONTROL_BODY_LIMIT, BodyLimits
from configcat_mock.http.ratelimit import RateLimits
from configcat_mock.http.webhook_sender import WebhookSender
from configcat_mock.state.audit_log import DEFAULT_AUDIT_LOG_LIMIT
from configcat_mock.state.backend import Backend
from configcat_mock.state.journal import Journal
from configcat_mock.state.seed import DEMO_PASSWORD, DEMO_USERNAME

if TYPE_CHECKING:
    from configcat_mock.delivery.sdk_registry import ProtocolSettings
    from configcat_mock.http.transport import AsyncASGITransport, SyncASGITransport
    from configcat_mock.testkit.config_import import ImportedConfig

_SPEC_CACHE: dict[str, Spec] = {}


def load_spec_cached(spec_path: str | os.PathLike[str] | None = None) -> Spec:
    """Parse each spec file once per process (it is read-only)."""
    from configcat_mock.api.spec import find_spec

    path = str(find_spec(spec_path))
    spec = _SPEC_CACHE.get(path)
    if spec is None:
        spec = _SPEC_CACHE[path] = Spec.load(path)
    return spec


class MockConfigCat:
    """A stateful offline ConfigCat Public Management API.

    ``spec_path`` defaults to ``CONFIGCAT_MOCK_SPEC``, then the repository's
    ``spec/swagger.json`` (run ``make spec``). ``seed`` is a state as dumped by ``/_mock/state``;
    by default one demo user (``demo`` / ``demo``) in one organization.
    ``enforce_permissions`` makes permission groups bind members who are not organization
    admins (403, which the spec leaves undocumented); see :mod:`configcat_mock.api.permissions`.
    ``control_token`` makes every ``/_mock/*`` call need ``Authorization: Bearer <token>``;
    ``body_limit`` and ``control_body_limit`` cap request bodies in bytes (413 above them).
    ``audit_log_limit`` caps the audit log (default :data:`DEFAULT_AUDIT_LOG_LIMIT`, 10,000
    entries; ``None``: no cap): beyond it each new entry drops the oldest.
    ``state_file`` keeps the state in an SQLite file: loaded when the mock starts (a new file
    gets the seed), and every write is in it before its answer (see
    :mod:`configcat_mock.state.state_file`); ``reset()`` and ``load()`` replace what it holds.
    Webhooks are called after each value change they cover, on loopback addresses only unless
    ``webhook_allow_hosts`` names the host (``"*"``: any); see
    :mod:`configcat_mock.http.webhook_sender`, :meth:`wait_for_webhooks` and
    :attr:`webhook_deliveries`.
    """

    username = DEMO_USERNAME
    password = DEMO_PASSWORD

    def __init__(
        self,
        *,
        spec_path: str | os.PathLike[str] | None = None,
        seed: dict[str, Any] | None = None,
        rate_limits: RateLimits | bool | None = None,
        faults: list[FaultRule] | None = None,
        fault_seed: int = 0,
        id_seed: int = 0,
        validate_responses: bool = False,
        journal_bodies: bool = False,
        enforce_permissions: bool = False,
        control_token: str | None = None,
        body_limit: int = DEFAULT_BODY_LIMIT,
        control_body_limit: int = DEFAULT_CONTROL_BODY_LIMIT,
        audit_log_limit: int | None = DEFAULT_AUDIT_LOG_LIMIT,
        state_file: str | os.PathLike[str] | None = None,
        webhook_allow_hosts: Iterable[str] = (),
    ) -> None:
        self.spec = load_spec_cached(spec_path)
        self.backend = Backend(seed, id_seed=id_seed, audit_log_limit=audit_log_limit)
        if state_file is not None:
            self.backend.attach(state_file)
        if rate_limits is False:
            limits = RateLimits(enabled=False)
        elif rate_limits is True or rate_limits is None:
            limits = RateLimits()
        else:
            limits = rate_limits
        self.app = MockApp(
            self.backend,
            self.spec,
            rate_limits=limits,
            faults=FaultInjector(faults, fault_seed),
            journal=Journal(keep_bodies=journal_bodies),
            validate_responses=validate_responses,
            enforce_permissions=enforce_permissions,
            control_token=control_token,
            body_limits=BodyLimits(body_limit, control_body_limit),
            webhooks=WebhookSender(allow_hosts=webhook_allow_hosts),
        )
        self.app.site = DashboardSite(self.app)

    @property
    def protocols(self) -> ProtocolSettings:
        """The remote-evaluation settings: SDK ids of the Proxy's routes, OFREP event streams,
        the bound on open streams, heartbeats (see :mod:`configcat_mock.delivery.sdk_registry`)."""
        from configcat_mock.delivery.sdk_registry import settings_for

        return settings_for(self.backend)

    @cached_property
    def transport(self) -> SyncASGITransport:
        """A sync ``httpx`` transport to this mock, in-process (made on first use: a server
        needs no httpx)."""
        from configcat_mock.http.transport import SyncASGITransport

        return SyncASGITransport(self.app)

    @cached_property
    def async_transport(self) -> AsyncASGITransport:
        """An async ``httpx`` transport to this mock, in-process."""
        from configcat_mock.http.transport import AsyncASGITransport

        return AsyncASGITransport(self.app)

    def reset(self) -> None:
        """Back to the start state; clears rate windows and the journal, and restarts the
        faults' sequences from their seed."""
        self.backend.reset()
        self.app.limiter.reset()
        self.app.journal.clear()
        self.app.faults.restart()
        self.app.webhooks.clear()

    def import_config_json(
        self,
        source: str | os.PathLike[str] | Mapping[str, Any] | bytes,
        *,
        sdk_key: str | None = None,
        name: str | None = None,
    ) -> ImportedConfig:
        """Import a ``config_v6.json`` (``p``, ``f``, ``s``) or a flag-override file
        (``{"flags": {...}}``): a path, JSON text or a parsed document. Served under
        ``sdk_key`` (default: a new key) exactly as the document evaluates, and visible
        through the management API as a product and config named ``name`` (default: the
        file's name, or ``Imported config``, with `` (2)``, `` (3)``, ... when taken); see
        :mod:`configcat_mock.testkit.config_import`."""
        from configcat_mock.testkit.config_import import import_config_json

        return import_config_json(self, source, sdk_key=sdk_key, name=name)

    @property
    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """The webhook calls made or refused, oldest first (``GET /_mock/webhook-deliveries``)."""
        return self.app.webhooks.deliveries()

    def wait_for_webhooks(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until no webhook is queued or being sent; the deliveries. ``TimeoutError``
        if some are still on their way after ``timeout`` seconds."""
        if not self.app.webhooks.wait(timeout):
            raise TimeoutError(f"webhooks still being sent after {timeout:g} s")
        return self.webhook_deliveries

    def dump(self) -> dict[str, Any]:
        """The whole state as a dict of JSON values (what ``GET /_mock/state`` answers):
        ``json.dumps`` it to save it; :meth:`load` takes it back."""
        return self.backend.dump()

    def load(self, state: dict[str, Any]) -> None:
        """Replace the whole state with ``state`` (the shape ``dump`` gives)."""
        self.backend.load(state)

    @property
    def journal(self) -> Journal:
        """The requests answered, oldest first."""
        return self.app.journal

    def close(self) -> None:
        """Stop the webhook sender and close the transports (``with`` does it for you)."""
        self.app.webhooks.close()
        transport = self.__dict__.get("transport")
        if transport is not None:
            transport.close()
        self.backend.detach()

    def __enter__(self) -> MockConfigCat:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> MockConfigCat:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
