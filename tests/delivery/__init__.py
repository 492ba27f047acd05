"""Tests of the fake's delivery: SDK config JSON, public config, caches, change detection."""
