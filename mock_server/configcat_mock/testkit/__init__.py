"""What tests hold: the fake assembled, and the tools to point code under test at it.

:class:`~configcat_mock.testkit.mock.MockConfigCat` (backend, spec and app with in-process
transports; also what ``configcat-mock serve`` serves), config import (:mod:`.config_import`),
the flag builder and flag server (:mod:`.flag_builder`, :mod:`.flag_server`; users import them
from :mod:`configcat_mock.flags`), patching httpx (:mod:`.patching`), the leak guard
(:mod:`.leak_guard`) and the pytest plugin (:mod:`.pytest_plugin`, the ``pytest11`` entry
point).

May import every other package of the fake; none of them imports the test kit.
"""
