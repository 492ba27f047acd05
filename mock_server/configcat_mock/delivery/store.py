"""Built delivery documents per config+environment, cached until what they show changes.

Change detection: every change the management API makes writes an audit log entry (value
PUT/PATCH v1 and v2, by id and by SDK key, bulk value POSTs, setting, segment, tag, config and
environment changes, change requests applied by hand or on schedule), and the entry names
where it happened. So on each delivery request the store reads the entries written since the
last one and drops only what they touch: a value change (config and environment named) the
document of that config+environment, whose other flags are reused as encoded (each flag's JSON
is kept by the version id of its value); a setting or config change (config named) every
environment of that config, flags included; a product-level change (segment, tag,
environment, product: what flags of several configs depend on) every config of the product.
Configs do not depend on each other (a prerequisite flag is in the same config). When an entry
is gone (the log's cap dropped it, or a clean-up), the tables were replaced (reset, load:
the backend's ``generation``), or rows changed with no entry at all, everything is dropped.
Code that edits backend rows directly calls :meth:`DeliveryStore.invalidate`.

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
import logging
import time
import weakref
from collections.abc import Callable

import attrs

from configcat_mock.delivery.client_keys import ClientKeys
from configcat_mock.delivery.config_v6 import FlagCache, encode, encode_config_v6
from configcat_mock.delivery.etag import weak_etag
from configcat_mock.delivery.public_config import (
    DEFAULT_TTL_SECONDS,
    build_doc,
    build_public_config,
)
from configcat_mock.delivery.snapshot import config_source, locate_sdk_key
from configcat_mock.delivery.sources import ConfigSource
from configcat_mock.errors import StorageFailed
from configcat_mock.state.backend import Backend

_log = logging.getLogger("configcat_mock.delivery")

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
        self._generation = -1
        """The backend's table generation at the last sync (it grows on reset and load)."""
        self._seen = -1
        """The last audit-log id the builds account for."""
        self._sizes: tuple[int, ...] = ()
        self._built: dict[tuple[str, str], Built] = {}
        self._flags: dict[tuple[str, str], FlagCache] = {}
        """Per config+environment, each flag's encoded JSON by the value version it shows."""
        self._versions: dict[tuple[str, str], tuple[str, int]] = {}

    # -- change detection ---------------------------------------------------------------------

    def sync(self) -> None:
        """Drop what the writes since the last call may have changed (lock held)."""
        backend = self.backend
        if backend.generation != self._generation:  # reset or load: nothing built holds
            self._generation = backend.generation
            self._reload_client_keys()
            self._drop_all()
            try:
                self.save()
            except StorageFailed as exc:  # a read goes on: the keys are the ones loaded
                _log.warning("the client keys were not stored: %s", exc.body["message"])
        seen = backend.counters.get("audit_log", 0)
        sizes = tuple(len(getattr(backend, name)) for name in _WATCHED_TABLES)
        if seen != self._seen:
            if not self._drop_touched(self._seen, seen):
                self._drop_all()
        elif sizes != self._sizes:  # rows changed with no audited write: edited directly
            self._drop_all()
        self._seen, self._sizes = seen, sizes

    def save(self) -> None:
        """Keep the client keys in the backend's state file, if it has one. When the file
        refuses them, the keys go back to the last ones stored and :class:`StorageFailed` is
        raised."""
        try:
            self.backend.save_delivery(self.client_keys.dump())
        except StorageFailed:
            self._reload_client_keys()
            raise

    def invalidate(self) -> None:
        """Forget everything built (for code that edits backend rows directly)."""
        self._drop_all()

    def _drop_all(self) -> None:
        self._built.clear()
        self._flags.clear()

    def _drop_touched(self, after: int, upto: int) -> bool:
        """Drop the builds the audit entries ``after+1 .. upto`` touch; ``False`` when one of
        them is gone (capped or cleaned up), so what changed is not known."""
        backend = self.backend
        slots: set[tuple[str, str]] = set()
        configs: set[str] = set()
        products: set[str] = set()
        for audit_id in range(after + 1, upto + 1):
            entry = backend.audit_logs.get(audit_id)
            if entry is None:
                return False
            if entry.config_id and entry.environment_id:
                slots.add((entry.config_id, entry.environment_id))  # a value: its flags stay
            elif entry.config_id:
                configs.add(entry.config_id)
            elif entry.product_id:
                products.add(entry.product_id)
        if not (slots or configs or products):
            return True
        for slot in list(self._built.keys() | self._flags.keys()):
            config = backend.configs.get(slot[0])
            if (
                config is None
                or slot[0] in configs
                or config.product_id in products
                or backend.environments.get(slot[1]) is None
            ):
                self._built.pop(slot, None)
                self._flags.pop(slot, None)
            elif slot in slots:
                self._built.pop(slot, None)
        return True

    def _reload_client_keys(self) -> None:
        section = self.backend.delivery_section
        if section is None:
            section = self.backend.start_state.get(SEED_SECTION)
        try:
            self.client_keys.load(section)
        except ValueError:
            self.client_keys.load(None)

    # -- lookups and builds -------------------------------------------------------------------

    def locate_sdk_key(self, sdk_key: str) -> tuple[str, str] | None:
        return locate_sdk_key(self.backend, sdk_key)

    def built(self, config_id: str, environment_id: str) -> Built | None:
        slot = (config_id, environment_id)
        done = self._built.get(slot)
        if done is not None:
            return done
        source = config_source(self.backend, config_id, environment_id)
        if source is None:
            return None
        self.builds += 1
        encoded = encode_config_v6(source, "", self._flags.setdefault(slot, {}))
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
