"""Tests of the typed client over the generated one."""
