"""The exceptions the overlay raises."""

from __future__ import annotations


class ConfigCatError(Exception):
    """Base class of every error raised by ``configcat_publicapi``."""


class ConfigCatConfigurationError(ConfigCatError, ValueError):
    """The client cannot be built: credentials are missing or the host is unusable."""
