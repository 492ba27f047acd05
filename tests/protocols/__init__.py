"""Tests of the fake's delivery protocols: OFREP, the Proxy's API, streams."""
