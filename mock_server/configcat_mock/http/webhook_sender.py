"""The webhooks the fake sends when a setting value changes.

Every value write goes through :meth:`Backend.set_formula`, which (while a sender listens)
notes a :class:`~configcat_mock.state.backend.ValueChange`. At the end of each API request the app
hands the request's changes to :meth:`WebhookSender.notify`, still under the backend's lock:
for every webhook of a changed config and environment it renders one request (the webhook's
method, its headers, its body with the variables substituted) and hands it to the sender, so
the API answer never waits for a receiver.

Fairness: one daemon thread runs an asyncio loop, and each delivery is a task of its own. A
receiver (scheme, host and port of the URL) gets its deliveries one at a time and in order,
while other receivers are served beside it, so a receiver that hangs delays only its own
deliveries. asyncio rather than a thread per receiver because a waiting request costs a task,
not a thread, and :meth:`WebhookSender.close` can cancel what is in flight at once instead of
waiting out a receiver's timeout. Bounds: at most ``queue_size`` deliveries waiting or in flight
(beyond it a delivery is recorded as ``dropped``) and at most ``max_receivers`` receivers
called at the same time (the others wait for a free slot).

Requests are signed as ConfigCat signs them: ``X-ConfigCat-Webhook-ID`` (one id per delivery,
the same on each retry), ``X-ConfigCat-Webhook-Timestamp`` (Unix seconds, taken again on each
attempt) and ``X-ConfigCat-Webhook-Signature-V1``, the base64 HMAC-SHA256 of
``id + timestamp + body`` under each of the product's signing keys, comma-separated. The few
lines of signing are written here rather than imported from ``configcat_publicapi.webhooks``
so that the fake keeps working without the client package; the tests check one against the
other.

Safety: only loopback URLs are called (``localhost``, ``127.0.0.0/8``, ``::1``), unless the
fake was started with ``allow_hosts`` (``configcat-mock serve --webhook-allow-host HOST``;
``*`` allows any host). Redirects are not followed. A refused URL, a full queue, and every
attempt are kept in the delivery record (``GET /_mock/webhook-deliveries``).

Retries: a connection error, a timeout, a 429 or a 5xx answer is tried again, up to
``attempts`` times in all, after the delays of ``retry_delays``; any other answer is final.

Variables: ``##ChangeDetails##`` is a JSON array of ``{"settingKey", "event", "details"}``
(``event`` is ``"changed"``; ``details`` reads ``"\\r\\nkey: old ➔ new"``);
``##ChangeDetailsTeams##`` and ``##ChangeDetailsSlack##`` are the same text marked up for
Teams and Slack and escaped to sit inside a JSON string; the other variables are put in as
they are.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from configcat_mock.http.guards import is_loopback

if TYPE_CHECKING:
    import httpx

    from configcat_mock.state.backend import Backend, ValueChange

DEFAULT_QUEUE_SIZE = 1000
"""Deliveries waiting or being sent; beyond it a delivery is recorded as ``dropped``."""
DEFAULT_MAX_RECEIVERS = 32
"""Receivers called at the same time (one connection each)."""
DEFAULT_ATTEMPTS = 3
DEFAULT_RETRY_DELAYS = (0.2, 1.0)
"""Seconds before the 2nd, 3rd, ... attempt (the last delay repeats)."""
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_RECORD_LIMIT = 1000
"""Delivery records kept; the oldest go beyond it."""
DASHBOARD_URL = "https://app.configcat.com"
"""Where ``##URL##`` points (a link for people, never called)."""

ID_HEADER = "X-ConfigCat-Webhook-ID"
TIMESTAMP_HEADER = "X-ConfigCat-Webhook-Timestamp"
SIGNATURE_HEADER = "X-ConfigCat-Webhook-Signature-V1"
SECURE_MASK = "******"

PENDING, DELIVERED, FAILED, REFUSED, DROPPED = (
    "pending",
    "delivered",
    "failed",
    "refused",
    "dropped",
)


def signature(webhook_id: str, timestamp: int, body: bytes, key: str) -> str:
    payload = webhook_id.encode() + str(timestamp).encode() + body
    return base64.b64encode(hmac.new(key.encode(), payload, hashlib.sha256).digest()).decode()


def _text(value: Any) -> str:
    """A stored value (v1 plain, v2 ``ValueModel``) as a short text."""
    if isinstance(value, dict):
        value = next((v for v in value.values() if v is not None), None)
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _describe(key: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """``\\r\\nkey: old ➔ new`` for the served value, and a line per other part that changed."""
    lines = []
    for part in sorted(before.keys() | after.keys()):
        old, new = before.get(part), after.get(part)
        if old == new:
            continue
        if part in ("value", "defaultValue"):
            lines.append(f"{key}: {_text(old)} ➔ {_text(new)}")
        elif isinstance(old, list | None) and isinstance(new, list | None):
            lines.append(f"{key} {part}: {len(old or [])} ➔ {len(new or [])}")
        else:
            lines.append(f"{key} {part}: {_text(old)} ➔ {_text(new)}")
    return "".join(f"\r\n{line}" for line in lines)


@attrs.define
class Delivery:
    """One webhook call as the control API shows it (secure header values masked)."""

    delivery_id: str
    webhook_id: int
    config_id: str
    environment_id: str
    url: str
    method: str
    headers: list[dict[str, Any]]
    body: str
    created_at: float
    status: str = PENDING
    reason: str | None = None
    attempts: list[dict[str, Any]] = attrs.field(factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "deliveryId": self.delivery_id,
            "webhookId": self.webhook_id,
            "configId": self.config_id,
            "environmentId": self.environment_id,
            "url": self.url,
            "httpMethod": self.method,
            "headers": [
                {"key": h["key"], "value": SECURE_MASK if h.get("isSecure") else h["value"]}
                for h in self.headers
            ],
            "body": self.body,
            "createdAt": self.created_at,
            "status": self.status,
            "reason": self.reason,
            "attempts": list(self.attempts),
        }


@attrs.define
class _Receiver:
    """One receiver's turn: its deliveries go one at a time, in the order they came."""

    lock: asyncio.Lock = attrs.field(factory=asyncio.Lock)
    deliveries: int = 0


@attrs.frozen
class _Job:
    record: Delivery
    keys: tuple[str, ...]


class WebhookSender:
    """Renders, queues and sends the webhooks of value changes; keeps a record of each."""

    def __init__(
        self,
        *,
        allow_hosts: Iterable[str] = (),
        queue_size: int = DEFAULT_QUEUE_SIZE,
        max_receivers: int = DEFAULT_MAX_RECEIVERS,
        attempts: int = DEFAULT_ATTEMPTS,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        timeout: float = DEFAULT_TIMEOUT_S,
        record_limit: int = DEFAULT_RECORD_LIMIT,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        if max_receivers < 1:
            raise ValueError("max_receivers must be at least 1")
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self.attempts = attempts
        self.retry_delays = tuple(retry_delays) or (0.0,)
        self.timeout = timeout
        self.clock = clock
        self.queue_size = queue_size
        self.max_receivers = max_receivers
        self._transport = transport
        self._records: deque[Delivery] = deque(maxlen=record_limit)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        # the loop's own, touched only on its thread
        self._tasks: set[asyncio.Task[None]] = set()
        self._receivers: dict[str, _Receiver] = {}
        self._slots: asyncio.Semaphore | None = None
        self._client: httpx.AsyncClient | None = None

    # -- what the app calls -------------------------------------------------------------------

    def allowed(self, url: str) -> str | None:
        """Why ``url`` may not be called, or ``None``."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"{url} is not an http or https URL, so it is not called."
        if is_loopback(parts.hostname) or "*" in self.allow_hosts:
            return None
        if parts.hostname.lower() in self.allow_hosts:
            return None
        return (
            f"{parts.hostname} is not a loopback address; start the fake with "
            f"--webhook-allow-host {parts.hostname} (or allow_hosts=...) to call it."
        )

    def notify(self, backend: Backend, changes: Sequence[ValueChange]) -> None:
        """Queue a delivery per webhook of each config and environment in ``changes`` (call
        with the backend's lock held, so names and keys are read as the changes left them)."""
        groups: dict[tuple[str, str], list[ValueChange]] = {}
        for change in changes:
            setting = backend.settings.get(change.setting_id)
            if setting is not None:
                groups.setdefault((setting.config_id, change.environment_id), []).append(change)
        for (config_id, env_id), group in groups.items():
            hooks = [
                h for h in backend.webhooks.where(config_id=config_id) if h.environment_id == env_id
            ]
            if not hooks:
                continue
            config = backend.configs.get(config_id)
            env = backend.environments.get(env_id)
            if config is None or env is None:
                continue
            product = backend.products[config.product_id]
            variables = self._variables(backend, config, env, group)
            keys = tuple(k for k in product.webhook_signing_keys if k)
            for hook in hooks:
                body = render(hook.content or "", variables)
                record = Delivery(
                    delivery_id=str(uuid.uuid4()),
                    webhook_id=hook.webhook_id,
                    config_id=config_id,
                    environment_id=env_id,
                    url=hook.url,
                    method=(hook.http_method or "get").upper(),
                    headers=[dict(h) for h in hook.headers],
                    body=body,
                    created_at=self.clock(),
                )
                self._enqueue(record, keys)

    def deliveries(self) -> list[dict[str, Any]]:
        """Every delivery recorded, oldest first."""
        with self._lock:
            return [r.to_json() for r in self._records]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued or being sent; ``False`` if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self) -> None:
        """Stop sending: what is waiting or in flight is cancelled and recorded as failed, and
        the sending thread ends (a receiver that hangs does not hold it up)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            future.result(timeout=self.timeout + 1)
        except TimeoutError:
            pass  # the thread is a daemon; it ends with the process
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=self.timeout + 1)

    # -- rendering ----------------------------------------------------------------------------

    def _variables(
        self, backend: Backend, config: Any, env: Any, changes: Sequence[ValueChange]
    ) -> dict[str, str]:
        details = []
        for change in changes:
            setting = backend.settings.get(change.setting_id)
            key = setting.key if setting is not None else str(change.setting_id)
            text = _describe(key, change.before, change.after)
            details.append({"settingKey": key, "event": "changed", "details": text})
        last = changes[-1]
        who = f"{last.user_name} ({last.user_email})" if last.user_email else last.user_name
        notes = "\n".join(dict.fromkeys(c.why for c in changes if c.why))
        teams = "\n\n".join(f"**{d['settingKey']}**{d['details']}" for d in details)
        slack = "\n".join(f"*{d['settingKey']}*{d['details']}" for d in details)
        return {
            "ConfigName": config.name,
            "ConfigId": config.config_id,
            "EnvironmentName": env.name,
            "EnvironmentId": env.environment_id,
            "URL": f"{DASHBOARD_URL}/{config.product_id}/{config.config_id}/{env.environment_id}",
            "ChangeNotes": notes,
            "ChangedBy": who or "",
            "ChangeDetails": json.dumps(details, ensure_ascii=False),
            "ChangeDetailsTeams": json.dumps(teams, ensure_ascii=False)[1:-1],
            "ChangeDetailsSlack": json.dumps(slack, ensure_ascii=False)[1:-1],
        }

    # -- sending ------------------------------------------------------------------------------

    def _enqueue(self, record: Delivery, keys: tuple[str, ...]) -> None:
        with self._lock:
            self._records.append(record)
        why = self.allowed(record.url)
        if why is not None:
            record.status, record.reason = REFUSED, why
            return
        with self._lock:
            if self._busy >= self.queue_size:
                record.status = DROPPED
                record.reason = (
                    f"Not sent: {self._busy} deliveries were already waiting, the most "
                    "the fake keeps."
                )
                return
            self._busy += 1
            loop = self._start()
        try:
            loop.call_soon_threadsafe(self._spawn, _Job(record, keys))
        except RuntimeError:  # closed in between
            record.status = FAILED
            record.reason = "Not sent: the fake stopped before the delivery was made."
            self._done()

    def _start(self) -> asyncio.AbstractEventLoop:
        """The sending loop, started on first use (call with ``_lock`` held)."""
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._run, args=(loop,), name="configcat-mock-webhooks", daemon=True
            )
            self._loop = loop
            self._thread.start()
        return self._loop

    def _done(self) -> None:
        with self._idle:
            self._busy -= 1
            if not self._busy:
                self._idle.notify_all()

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.close()

    def _spawn(self, job: _Job) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _shutdown(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
        self._client, self._slots = None, None
        self._receivers.clear()

    def _http(self) -> httpx.AsyncClient:
        import httpx  # here: a server that never sends a webhook does not load it

        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.timeout,
                follow_redirects=False,
                transport=self._transport,
                limits=httpx.Limits(max_connections=self.max_receivers),
            )
        return self._client

    async def _deliver(self, job: _Job) -> None:
        """Send one delivery: after the earlier ones to the same receiver, in a free slot."""
        parts = urlsplit(job.record.url)
        receiver = f"{parts.scheme}://{parts.netloc}".lower()
        turn = self._receivers.setdefault(receiver, _Receiver())
        turn.deliveries += 1
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_receivers)
        try:
            async with turn.lock, self._slots:
                await self._send(self._http(), job)
        except asyncio.CancelledError:
            job.record.status = FAILED
            job.record.reason = "Not sent: the fake stopped before the receiver answered."
            raise
        except Exception as exc:  # a delivery never takes the sender down
            job.record.status = FAILED
            job.record.reason = f"The delivery failed unexpectedly ({type(exc).__name__}: {exc})."
        finally:
            turn.deliveries -= 1
            if not turn.deliveries:
                del self._receivers[receiver]
            self._done()

    async def _send(self, client: httpx.AsyncClient, job: _Job) -> None:
        import httpx

        record = job.record
        body = record.body.encode()
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(self.retry_delays[min(attempt - 1, len(self.retry_delays) - 1)])
            stamp = int(self.clock())
            headers = {h["key"]: str(h["value"]) for h in record.headers}
            headers[ID_HEADER] = record.delivery_id
            headers[TIMESTAMP_HEADER] = str(stamp)
            if job.keys:
                headers[SIGNATURE_HEADER] = ",".join(
                    signature(record.delivery_id, stamp, body, k) for k in job.keys
                )
            if body and not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
            try:
                response = await client.request(
                    record.method, record.url, content=body, headers=headers
                )
            except httpx.HTTPError as exc:
                record.attempts.append({"at": stamp, "error": f"{type(exc).__name__}: {exc}"})
                record.reason = _failure(exc, self.timeout)
                continue
            record.attempts.append({"at": stamp, "statusCode": response.status_code})
            if 200 <= response.status_code < 300:
                record.status, record.reason = DELIVERED, None
                return
            record.reason = f"The receiver answered {response.status_code}."
            if response.status_code != 429 and response.status_code < 500:
                break
        record.status = FAILED


def _failure(exc: httpx.HTTPError, timeout: float) -> str:
    """Why an attempt got no answer, as a sentence."""
    import httpx

    detail = str(exc).strip()
    if isinstance(exc, httpx.TimeoutException):
        return f"The receiver did not answer within {timeout:g} s."
    if isinstance(exc, httpx.ConnectError):
        return f"Could not connect to the receiver ({detail or type(exc).__name__})."
    return f"The request failed ({type(exc).__name__}{': ' + detail if detail else ''})."


_VARIABLE = re.compile(r"##(\w+)##")


def render(template: str, variables: dict[str, str]) -> str:
    """``template`` with each ``##Name##`` of ``variables`` replaced (in one pass, so a value
    that itself reads ``##...##`` stays as it is; unknown names are left alone)."""
    return _VARIABLE.sub(lambda m: variables.get(m[1], m[0]), template)
