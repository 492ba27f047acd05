"""Which config+environment a remote-evaluation request means, and the settings of those protocols.

The ConfigCat Proxy names each SDK it serves by an *SDK id* (``/api/{sdkId}/eval``); the fake
answers to two kinds of id:

* ids given explicitly (``configcat-mock serve --proxy-sdk ID=SDK_KEY``,
  :meth:`ProtocolSettings.add_proxy_sdk`, ``PUT /_mock/delivery/protocols``);
* for every other SDK key, the key's last segment (``configcat-sdk-1/AAA/BBB`` is ``BBB``), the
  id the proxy profiles' config endpoint hands a real Proxy in auto-configuration mode, so the
  fake and a Proxy configured from it agree on ids without any setting.

Requests may also name the SDK key itself (``X-ConfigCat-SdkKey``). The settings live beside the
backend (one per backend, like the delivery store) and outlive resets: they describe the
server, not the state.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any

import attrs

from configcat_mock.delivery.evaluation import ConfigEvaluator
from configcat_mock.delivery.store import Built, DeliveryStore, store_for
from configcat_mock.state.backend import Backend

#: Open streams (SSE of the Proxy and OFREP together) a server holds at most; 503 past it.
DEFAULT_MAX_STREAMS = 1000
#: Seconds between heartbeat comments on an idle stream.
DEFAULT_HEARTBEAT_SECONDS = 15.0
#: ``inactivityDelaySec`` offered with OFREP event streams.
DEFAULT_INACTIVITY_DELAY = 120


@attrs.define
class ProtocolSettings:
    proxy_sdks: dict[str, str] = attrs.field(factory=dict)
    """SDK id -> SDK key, as ``--proxy-sdk`` gives them."""
    ofrep_event_streams: bool = False
    """Whether OFREP bulk answers offer ``eventStreams`` (ADR-0008)."""
    max_streams: int = DEFAULT_MAX_STREAMS
    heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS

    def add_proxy_sdk(self, sdk_id: str, sdk_key: str) -> None:
        if not sdk_id or "/" in sdk_id:
            raise ValueError(f"an SDK id is a non-empty name without '/': {sdk_id!r}")
        if not sdk_key:
            raise ValueError(f"SDK id {sdk_id!r}: the SDK key is empty")
        self.proxy_sdks[sdk_id] = sdk_key

    def to_json(self) -> dict[str, Any]:
        return {
            "proxySdks": dict(self.proxy_sdks),
            "ofrepEventStreams": self.ofrep_event_streams,
            "maxStreams": self.max_streams,
            "heartbeatSeconds": self.heartbeat_seconds,
        }

    def update_json(self, body: Any) -> None:
        """Apply the fields ``body`` names; ``ValueError`` (nothing changed) on a bad one."""
        if not isinstance(body, dict):
            raise ValueError("a JSON object is required")
        sdks = body.get("proxySdks", self.proxy_sdks)
        if not isinstance(sdks, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in sdks.items()
        ):
            raise ValueError("proxySdks: an object of SDK id -> SDK key")
        streams = body.get("ofrepEventStreams", self.ofrep_event_streams)
        if not isinstance(streams, bool):
            raise ValueError("ofrepEventStreams: true or false")
        most = body.get("maxStreams", self.max_streams)
        if isinstance(most, bool) or not isinstance(most, int) or most < 0:
            raise ValueError("maxStreams: a non-negative integer")
        beat = body.get("heartbeatSeconds", self.heartbeat_seconds)
        if isinstance(beat, bool) or not isinstance(beat, int | float) or not 0 < beat <= 3600:
            raise ValueError("heartbeatSeconds: a number of seconds above 0, at most 3600")
        checked = ProtocolSettings()
        for sdk_id, sdk_key in sdks.items():
            checked.add_proxy_sdk(sdk_id, sdk_key)
        self.proxy_sdks = checked.proxy_sdks
        self.ofrep_event_streams = streams
        self.max_streams = most
        self.heartbeat_seconds = float(beat)


def implicit_sdk_id(sdk_key: str) -> str:
    """The id an SDK key has without any setting: its last segment."""
    return sdk_key.rsplit("/", 1)[-1]


_SETTINGS: weakref.WeakKeyDictionary[Backend, ProtocolSettings] = weakref.WeakKeyDictionary()


def settings_for(backend: Backend) -> ProtocolSettings:
    """The one :class:`ProtocolSettings` of ``backend``, created on first use."""
    settings = _SETTINGS.get(backend)
    if settings is None:
        settings = _SETTINGS[backend] = ProtocolSettings()
    return settings


@attrs.frozen
class Target:
    """The config+environment a request evaluates, found by SDK key or SDK id."""

    sdk_key: str
    sdk_id: str
    slot: tuple[str, str]


def find_by_key(backend: Backend, sdk_key: str) -> Target | None:
    """Lock held."""
    slot = store_for(backend).locate_sdk_key(sdk_key)
    if slot is None:
        return None
    settings = settings_for(backend)
    named = next((i for i, k in settings.proxy_sdks.items() if k == sdk_key), None)
    return Target(sdk_key, named or implicit_sdk_id(sdk_key), slot)


def find_by_id(backend: Backend, sdk_id: str) -> Target | None:
    """Lock held."""
    given = settings_for(backend).proxy_sdks.get(sdk_id)
    if given is not None:
        slot = store_for(backend).locate_sdk_key(given)
        return Target(given, sdk_id, slot) if slot is not None else None
    if not sdk_id:
        return None
    suffix = "/" + sdk_id
    for row in backend.sdk_keys.rows.values():
        for key in (row.primary, row.secondary):
            if key and key.endswith(suffix):
                return Target(key, sdk_id, (row.config_id, row.environment_id))
    return None


#: Evaluated answers kept (:meth:`Evaluators.answer`) before the oldest half is dropped.
ANSWERS_KEPT = 1024


class Evaluators:
    """The parsed config of each config+environment, kept while its build stays current, and
    recent answers by what determines them (the SDK's evaluator takes about 50 µs a flag, so
    a client polling with the same context gets the answer computed for it once)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], tuple[Built, ConfigEvaluator]] = {}
        self._answers: dict[Hashable, bytes] = {}

    def answer(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """``compute()``, or what it gave before for ``key``: a key must name everything the
        answer depends on (the config's built version among them). Lock held."""
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= ANSWERS_KEPT:
                for old in list(self._answers)[: ANSWERS_KEPT // 2]:
                    del self._answers[old]
            found = self._answers[key] = compute()
        return found

    def get(self, store: DeliveryStore, slot: tuple[str, str]) -> tuple[Built, ConfigEvaluator]:
        """Lock held; ``LookupError`` when the config or environment is gone."""
        store.sync()
        built = store.built(*slot)
        if built is None:
            self._cache.pop(slot, None)
            raise LookupError(slot)
        cached = self._cache.get(slot)
        if cached is not None and cached[0] is built:
            return cached
        done = self._cache[slot] = (built, ConfigEvaluator(built.encoded))
        return done


_EVALUATORS: weakref.WeakKeyDictionary[Backend, Evaluators] = weakref.WeakKeyDictionary()


def evaluators_for(backend: Backend) -> Evaluators:
    evaluators = _EVALUATORS.get(backend)
    if evaluators is None:
        evaluators = _EVALUATORS[backend] = Evaluators()
    return evaluators


PROXY_CDN_PREFIX = "configcat-proxy/"


def proxy_cdn_sdk_key(backend: Backend, path_key: str) -> str:
    """The SDK key of a CDN path: ``configcat-proxy/{sdkId}`` names an SDK by its id, as the
    Proxy's CDN path does; anything else is the SDK key itself (lock held)."""
    if not path_key.startswith(PROXY_CDN_PREFIX):
        return path_key
    found = find_by_id(backend, path_key.removeprefix(PROXY_CDN_PREFIX))
    return found.sdk_key if found is not None else path_key
