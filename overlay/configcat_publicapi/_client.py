"""The clients users import: ``ConfigCatClient`` (``_sync/client.py``, derived from
``_async/client.py``) and ``AsyncConfigCatClient``."""

from configcat_publicapi._async.client import AsyncConfigCatClient
from configcat_publicapi._base_client import USER_AGENT
from configcat_publicapi._sync.client import ConfigCatClient

__all__ = ["USER_AGENT", "AsyncConfigCatClient", "ConfigCatClient"]
