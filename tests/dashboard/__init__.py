"""Tests of the fake's browser dashboard, over HTTP and in a browser."""
