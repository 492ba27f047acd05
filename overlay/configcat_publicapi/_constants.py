"""Every tunable number and fixed name of the overlay, in one place."""

from __future__ import annotations

import httpx

DEFAULT_BASE_URL = "https://api.configcat.com"

#: Environment variables, named as ConfigCat's own CLI names them.
ENV_USER = "CONFIGCAT_API_USER"
ENV_PASS = "CONFIGCAT_API_PASS"  # noqa: S105 - a variable name, not a secret
ENV_HOST = "CONFIGCAT_API_HOST"

#: Seconds: 5 to connect, 30 for each read, write and pool wait.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

#: Headers whose values never reach a log line, a repr or an exception message.
SENSITIVE_HEADERS = frozenset({"authorization", "x-configcat-sdkkey", "proxy-authorization"})
