"""Tests of the fake's management API: state, auth, limits, faults, parity with the spec."""
