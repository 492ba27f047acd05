"""Where the fake speaks HTTP: the ASGI app, the control API ``/_mock/*``, guards and protocol
limits, rate limits, faults, serving, in-process transports, and the webhooks it sends.

May import :mod:`configcat_mock.state`, :mod:`configcat_mock.api` and
:mod:`configcat_mock.delivery`; never :mod:`configcat_mock.testkit`.
"""
