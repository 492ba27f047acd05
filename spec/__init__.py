"""Build-time tools for the pinned ConfigCat Public Management API spec (not installed)."""
