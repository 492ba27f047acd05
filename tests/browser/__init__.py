"""Tests of the browser helper the browser tests share."""
