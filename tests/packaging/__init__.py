"""Tests of the wheel as a user installs it."""
