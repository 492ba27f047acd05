"""Tests of the fake served over HTTP: control API, limits, error texts, faults."""
