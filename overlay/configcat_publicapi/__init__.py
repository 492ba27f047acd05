"""configcat_publicapi: the Python client for the ConfigCat Public Management API."""

from configcat_publicapi._client import USER_AGENT, AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi._exceptions import ConfigCatConfigurationError, ConfigCatError
from configcat_publicapi._version import __version__

__all__ = [
    "USER_AGENT",
    "AsyncConfigCatClient",
    "ConfigCatClient",
    "ConfigCatConfigurationError",
    "ConfigCatError",
    "__version__",
]
