"""Tests of the fake's test kit: flags, config import, patching, leak guard, plugin."""
