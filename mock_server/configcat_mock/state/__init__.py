"""The fake's state: what it holds and how it keeps it.

Record types (:mod:`.records`), tables with their indexes (:mod:`.table`), the declaration of
every table (:mod:`.tables`), the backend with its queries, dump and load (:mod:`.backend`),
persistence of each write (:mod:`.persistence`) in the state file (:mod:`.state_file`), the seed
(:mod:`.seed`), integrity checks on a loaded state (:mod:`.integrity`), the logs it keeps (the
audit log, :mod:`.audit_log`; the request journal, :mod:`.journal`), password hashes
(:mod:`.passwords`) and the comparator numbering stored conditions and SDK config JSON share
(:mod:`.comparators`).

Imports nothing of the fake but :mod:`configcat_mock.errors`: every other package reads the
state, the state reads no other package (a test checks the direction).
"""
