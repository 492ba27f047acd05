"""configcat_publicapi: the Python client for the ConfigCat Public Management API."""

from configcat_publicapi._async.sdk_keys import AsyncSdkKeyScope
from configcat_publicapi._client import USER_AGENT, AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi._enums import is_known
from configcat_publicapi._exceptions import (
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigCatConfigurationError,
    ConfigCatError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    RateLimitError,
    SdkKeyFormatError,
)
from configcat_publicapi._ratelimit import RateLimiter
from configcat_publicapi._response import RawResponse
from configcat_publicapi._retry import RetryPolicy
from configcat_publicapi._sdk_keys import check_sdk_key
from configcat_publicapi._sync.sdk_keys import SdkKeyScope
from configcat_publicapi._types import NOT_GIVEN, NotGiven
from configcat_publicapi._version import __version__
from configcat_publicapi.safe_create import AsyncSafeCreates, SafeCreates

__all__ = [
    "NOT_GIVEN",
    "USER_AGENT",
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncConfigCatClient",
    "AsyncSafeCreates",
    "AsyncSdkKeyScope",
    "AuthenticationError",
    "BadRequestError",
    "ConfigCatClient",
    "ConfigCatConfigurationError",
    "ConfigCatError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "PlanLimitError",
    "RateLimitError",
    "RateLimiter",
    "RawResponse",
    "RetryPolicy",
    "SafeCreates",
    "SdkKeyFormatError",
    "SdkKeyScope",
    "__version__",
    "check_sdk_key",
    "is_known",
]
