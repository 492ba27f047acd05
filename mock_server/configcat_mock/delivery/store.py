"""Built delivery documents per config+environment, cached until the state changes.

Change detection: the backend has no write counter of its own, but every change the
management API makes writes an audit log entry (value PUT/PATCH v1 and v2, by id and by SDK
key, bulk value POSTs, setting, segment, tag, config and environment changes, change requests
applied by hand or on schedule), and a reset or state load replaces the backend's tables (and
raises its ``generation``). So the cheap signal ``(generation, audit-log counter, table
sizes)`` moves on every change; when it moves, all built documents are dropped and rebuilt on
their next request. Code that edits backend rows directly (not through the API) calls
:meth:`DeliveryStore.invalidate`.

Client keys live here, not in the backend: the backend's ``dump()``/``load()`` (and so
``/_mock/state``) has no place for other sections. They start from the seed's ``delivery``
section and go back to it whenever the tables are replaced (reset or state load);
``/_mock/delivery/state`` reads and replaces them.

Each config+environment has a ``version`` that grows whenever its built content (SDK JSON
and public document) differs from the last build; versions never go back, not even across a
reset, so a client's cached ``ETag`` can never name different content.
"""

from __future__ import annotations

import hashlib
import json
import time
import weakref
from collections.abc import Callable
from typing import Any

import attrs

from configcat_mock.backend import Backend
from configcat_mock.delivery.client_keys import ClientKeys
from configcat_mock.delivery.config_v6 import build_config_v6, encode
from configcat_mock.delivery.etag import weak_etag
from configcat_mock.delivery.public_config import (
    DEFAULT_TTL_SECONDS,
    build_doc,
    build_public_config,
)
from configcat_mock.delivery.snapshot import config_source, sdk_key_index
from configcat_mock.delivery.sources import ConfigSource

SEED_SECTION = "delivery"
"""Key of the client-key section in a seed file: ``{"delivery": {"clientKeys": [...]}}``."""

_WATCHED_TABLES = (
    "configs",
    "environments",
    "settings",
    "setting_values",
    "segments",
    "tags",
    "sdk_keys",
)


@attrs.frozen
class Served:
    body: bytes
    etag: str


@attrs.define
class Built:
    """One config+environment, built."""

    source: ConfigSource
    encoded: bytes
    """config_v6 with an empty base URL: ``{"p":{"u":"",...``."""
    version: int
    public: Served
    v6: dict[str, Served] = attrs.field(factory=dict)
    """Encoded config_v6 per base URL (``p.u`` names the URL the SDK called)."""


class DeliveryStore:
    """The delivery side of one backend: builds, cache, versions, client keys."""

    def __init__(
        self,
        backend: Backend,
        *,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self.ttl_seconds = ttl_seconds
        self.client_keys = ClientKeys(clock=clock)
        self.builds = 0
        """How many config+environment builds ran (a cache miss each)."""
        self._signal: tuple[Any, ...] | None = None
        self._generation = -1
        """The backend's table generation at the last sync (it grows on reset and load)."""
        self._sdk_index: dict[str, tuple[str, str]] = {}
        self._built: dict[tuple[str, str], Built] = {}
        self._versions: dict[tuple[str, str], tuple[str, int]] = {}

    # -- change detection ---------------------------------------------------------------------

    def signal(self) -> tuple[Any, ...]:
        b = self.backend
        return (
            b.counters.get("audit_log", 0),
            *(len(getattr(b, name)) for name in _WATCHED_TABLES),
        )

    def sync(self) -> None:
        """Drop built documents if the state moved since the last call (lock held)."""
        signal = self.signal()
        replaced = self.backend.generation != self._generation
        if signal == self._signal and not replaced:
            return
        if replaced:
            self._generation = self.backend.generation
            self._reload_client_keys()
        self._signal = signal
        self._built.clear()
        self._sdk_index = sdk_key_index(self.backend)

    def invalidate(self) -> None:
        self._signal = None

    def _reload_client_keys(self) -> None:
        section = self.backend.start_state.get(SEED_SECTION)
        try:
            self.client_keys.load(section)
        except ValueError:
            self.client_keys.load(None)

    # -- lookups and builds -------------------------------------------------------------------

    def locate_sdk_key(self, sdk_key: str) -> tuple[str, str] | None:
        return self._sdk_index.get(sdk_key)

    def built(self, config_id: str, environment_id: str) -> Built | None:
        slot = (config_id, environment_id)
        done = self._built.get(slot)
        if done is not None:
            return done
        source = config_source(self.backend, config_id, environment_id)
        if source is None:
            return None
        self.builds += 1
        encoded = encode(build_config_v6(source, ""))
        doc = build_doc(source)
        # everything the public body holds besides the version itself, so its ETag moves with it
        extra = encode({"env": source.environment_name, "ttlSeconds": self.ttl_seconds})
        digest = hashlib.sha256(encoded + b"\x00" + encode(doc) + extra).hexdigest()
        last = self._versions.get(slot)
        version = 1 if last is None else last[1] + (last[0] != digest)
        self._versions[slot] = (digest, version)
        public = encode(build_public_config(source, doc, version, self.ttl_seconds))
        done = Built(source, encoded, version, Served(public, f'"v{version}"'))
        self._built[slot] = done
        return done

    def config_v6(self, sdk_key: str, base_url: str) -> Served | None:
        """The SDK JSON for ``sdk_key`` as served from ``base_url``; ``None``: unknown key."""
        self.sync()
        slot = self.locate_sdk_key(sdk_key)
        done = self.built(*slot) if slot else None
        if done is None:
            return None
        served = done.v6.get(base_url)
        if served is None:
            body = with_base_url(done.encoded, base_url)
            served = done.v6[base_url] = Served(body, weak_etag(body))
        return served

    def public_config(self, config_id: str, environment_id: str) -> Built | None:
        self.sync()
        return self.built(config_id, environment_id)


_EMPTY_BASE = b'{"p":{"u":""'


def with_base_url(encoded: bytes, base_url: str) -> bytes:
    """``encoded`` (built with an empty base URL) with ``p.u`` set, without re-encoding the
    whole document: the base URL is the document's first value."""
    if not encoded.startswith(_EMPTY_BASE):
        raise ValueError("not a config_v6 document built with an empty base URL")
    url = json.dumps(base_url.rstrip("/"), ensure_ascii=False).encode()
    return b'{"p":{"u":' + url + encoded[len(_EMPTY_BASE) :]


_STORES: weakref.WeakKeyDictionary[Backend, DeliveryStore] = weakref.WeakKeyDictionary()


def store_for(backend: Backend) -> DeliveryStore:
    """The one :class:`DeliveryStore` of ``backend``, created on first use."""
    store = _STORES.get(backend)
    if store is None:
        store = _STORES[backend] = DeliveryStore(backend)
    return store
