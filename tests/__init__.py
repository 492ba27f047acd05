"""The unit tests: a package, so every module has one name however pytest is started."""
