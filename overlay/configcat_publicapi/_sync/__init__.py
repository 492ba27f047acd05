# Derived from configcat_publicapi/_async/__init__.py
# by scripts/make_sync.py: do not edit.
"""The clients, SDK-key scopes and transports: ``_sync/`` is derived from ``_async/``."""
