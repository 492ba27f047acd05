"""A stateful offline ConfigCat: the Public Management API and the SDK config files."""
