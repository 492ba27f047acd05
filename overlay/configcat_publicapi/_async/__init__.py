"""The clients, SDK-key scopes and transports: ``_sync/`` is derived from ``_async/``."""
