"""Tests of the spec, its normalisation, the generated client and the documentation links."""
