"""The version of the distribution, read by the build backend and the User-Agent."""

__version__ = "0.1.0"
