"""Where the fake speaks HTTP, in and out.

In: the ASGI app and its pipeline (:mod:`.app`), the control API ``/_mock/*`` (:mod:`.control`),
guards and body limits (:mod:`.guards`), protocol deadlines (:mod:`.protocol`, defaults in
:mod:`.deadlines`), rate limits
(:mod:`.ratelimit`), injected faults (:mod:`.faults`), serving with uvicorn (:mod:`.serving`,
:mod:`.server`) and in-process httpx transports (:mod:`.transport`).

Out: the webhooks the fake sends (:mod:`.webhook_sender`). They live here rather than in
:mod:`configcat_mock.api` because sending is HTTP work (a client, retries, which hosts may be
called: the same loopback rule as :mod:`.guards`), started and stopped with the app, while the
state only notes which values changed.

May import :mod:`configcat_mock.state`, :mod:`configcat_mock.api` and
:mod:`configcat_mock.delivery`; never :mod:`configcat_mock.testkit`.
"""
