"""A stateful offline ConfigCat: the Public Management API, in-process or as a server.

The default state has one demo user, HTTP Basic username ``demo`` and password ``demo``, in
the organization "Demo Organization". Routes, parameters and bodies come from the pinned spec
(packaged with the wheel; ``make spec`` in a checkout), loaded when a mock is created,
never at import. Importing this package needs none of the ``[mock]`` extras.

>>> from configcat_mock import MockConfigCat  # doctest: +SKIP
>>> with MockConfigCat() as mock:
...     ConfigCatClient(username="demo", password="demo", base_url="http://mock",
...                     transport=mock.transport)

Also: ``configcat-mock serve --port 8080 [--seed FILE]`` and the pytest fixtures in
:mod:`configcat_mock.testkit.pytest_plugin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from configcat_mock.api.spec_source import SpecNotFoundError
from configcat_mock.state.seed import DEMO_PASSWORD, DEMO_USERNAME

if TYPE_CHECKING:
    from configcat_mock.testkit.mock import MockConfigCat
    from configcat_mock.testkit.patching import patch_configcat

INSTALL_HINT = "pip install 'configcat-publicapi[mock]'"
"""What to run when a ``[mock]`` extra is missing (the fixtures and ``serve`` say it)."""

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "MockConfigCat",
    "SpecNotFoundError",
    "patch_configcat",
]


def __getattr__(name: str) -> Any:
    if name == "MockConfigCat":
        from configcat_mock.testkit.mock import MockConfigCat

        return MockConfigCat
    if name == "patch_configcat":
        from configcat_mock.testkit.patching import patch_configcat

        return patch_configcat
    raise AttributeError(name)
