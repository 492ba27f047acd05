"""Flag delivery: what SDKs and client-side apps download, computed from the mock's state.

* ``config_v6.json`` for ConfigCat SDKs (:mod:`.config_v6`), with a weak ETag and 304s;
* the public config document for ``pub_`` client keys (:mod:`.public_config`);
* a per-backend cache that rebuilds a config+environment after a change (:mod:`.store`);
* Starlette routes for both, plus ``/_mock/delivery`` control endpoints (:mod:`.routes`);
* the remote-evaluation protocols (:mod:`.protocol_routes`): OFREP (:mod:`.ofrep`), the
  ConfigCat Proxy's API (:mod:`.proxy_api`) and event streams (:mod:`.streams`), CORS
  (:mod:`.cors`), the proxy profiles' config endpoint (:mod:`.proxy_profiles`), their settings
  and SDK ids (:mod:`.sdk_registry`, :mod:`.protocol_control`), all evaluating with the
  official SDK's evaluator (:mod:`.evaluation`).

Reads :mod:`configcat_mock.state`; may use :mod:`configcat_mock.api`'s rules (a scheduled
change request falls due before a download); never imports :mod:`configcat_mock.http` or
:mod:`configcat_mock.testkit`. New delivery protocols go here as modules of their own.
"""

from typing import TYPE_CHECKING, Any

from configcat_mock.delivery.config_v6 import build_config_v6
from configcat_mock.delivery.public_config import build_doc, build_public_config
from configcat_mock.delivery.sources import ConfigSource, FlagSource, SegmentSource
from configcat_mock.delivery.store import DeliveryStore, store_for

if TYPE_CHECKING:
    from configcat_mock.delivery.routes import delivery_routes

__all__ = [
    "ConfigSource",
    "DeliveryStore",
    "FlagSource",
    "SegmentSource",
    "build_config_v6",
    "build_doc",
    "build_public_config",
    "delivery_routes",
    "store_for",
]


def __getattr__(name: str) -> Any:
    # the routes need Starlette (a [mock] extra): loaded when asked for, so that the
    # command's options (defaults of .sdk_registry) read without the extras
    if name == "delivery_routes":
        from configcat_mock.delivery.routes import delivery_routes

        return delivery_routes
    raise AttributeError(name)
