"""The Public Management API: its pinned spec, the operation registry, matching a path to an
operation, request validation, handlers per resource and the domain rules they apply.

May import :mod:`configcat_mock.state` and :mod:`configcat_mock.errors`, never
:mod:`configcat_mock.http`, :mod:`configcat_mock.delivery` or :mod:`configcat_mock.testkit`.
"""
