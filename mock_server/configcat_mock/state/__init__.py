"""The fake's state: record types, tables and their indexes, the backend's queries, the state
file, the seed, integrity checks, and the logs the state keeps (audit log, request journal).

Imports nothing of the fake but :mod:`configcat_mock.errors`: every other package reads the
state, the state reads no other package.
"""
