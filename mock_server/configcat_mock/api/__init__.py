"""The Public Management API: what a request means and what it does to the state.

The pinned spec (:mod:`.spec`, where it comes from: :mod:`.spec_source`), matching a path to one
of its operations (:mod:`.routing`), the operation registry (:mod:`.operations`), request
validation (:mod:`.validation`, schemas: :mod:`.schema`), what a handler receives
(:mod:`.context`), the handlers per resource (:mod:`.handlers`), and the domain rules they
apply: setting values (:mod:`.formulas`), permissions (:mod:`.permissions`), change requests
and default groups (:mod:`.rules`), records as the API shows them (:mod:`.views`).

May import :mod:`configcat_mock.state` and :mod:`configcat_mock.errors`; never
:mod:`configcat_mock.delivery`, :mod:`configcat_mock.http` or :mod:`configcat_mock.testkit`.
"""
