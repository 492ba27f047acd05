"""Resolve the client's settings from arguments and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from configcat_publicapi._constants import DEFAULT_BASE_URL, ENV_HOST, ENV_PASS, ENV_USER
from configcat_publicapi._exceptions import ConfigCatConfigurationError


@dataclass(frozen=True)
class Settings:
    """Where and as whom the client talks. The password is left out of the repr."""

    username: str
    password: str = field(repr=False)
    base_url: str


#: The API's version segment: every operation's path starts with it, so a base URL copied with
#: it (``https://api.configcat.com/v1``, as the API's documentation writes the host) would
#: double it (``/v1/v1/...``); it is taken off.
_VERSION_SEGMENT = "/v1"


def normalise_base_url(host: str) -> str:
    """Turn ``api.configcat.com``, ``https://api.configcat.com/``, ``.../v1`` or
    ``http://127.0.0.1:8080`` into the API's root URL without a trailing slash; raise on
    anything else."""
    text = host.strip()
    if not text:
        raise ValueError("it is empty")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"the scheme must be http or https, not {parts.scheme!r}")
    if not parts.hostname or any(c.isspace() for c in text):
        raise ValueError("it names no host")
    if parts.query or parts.fragment:
        raise ValueError("it carries a query or fragment")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ValueError(f"the port is not valid ({exc})") from None
    path = parts.path.rstrip("/")
    if path.lower().endswith(_VERSION_SEGMENT):
        path = path[: -len(_VERSION_SEGMENT)]
    return f"{parts.scheme}://{parts.netloc}{path}"


def resolve_settings(
    username: str | None = None,
    password: str | None = None,
    base_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Arguments win over the environment; the host defaults to the public API."""
    env = os.environ if environ is None else environ
    user = username if username is not None else env.get(ENV_USER, "")
    secret = password if password is not None else env.get(ENV_PASS, "")
    host = base_url if base_url is not None else env.get(ENV_HOST, "") or DEFAULT_BASE_URL
    missing = [
        f"{arg}= (or {var})"
        for arg, var, value in (("username", ENV_USER, user), ("password", ENV_PASS, secret))
        if not value
    ]
    if missing:
        raise ConfigCatConfigurationError(
            "ConfigCat Public API credentials are missing: set "
            + " and ".join(missing)
            + ". Create them at https://app.configcat.com/my-account/public-api-credentials."
        )
    try:
        url = normalise_base_url(host)
    except ValueError as exc:
        raise ConfigCatConfigurationError(
            f"The ConfigCat API host {host!r} is unusable: {exc}. Set base_url= (or {ENV_HOST}) "
            f"to a host name or an http(s) URL, e.g. {DEFAULT_BASE_URL}."
        ) from None
    return Settings(username=user, password=secret, base_url=url)
