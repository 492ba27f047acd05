"""Build hook: a wheel or sdist carries the generated client and the mock's spec, or fails.

The work is in :mod:`spec.artefacts`; this file only adapts it to hatchling. Editable
installs are left alone: ``make install`` then ``make regenerate`` build ``generated/`` in
place.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def _artefacts(self) -> Any:
        root = str(Path(self.root).resolve())
        if root not in sys.path:
            sys.path.insert(0, root)
        from spec import artefacts

        return artefacts

    def dependencies(self) -> list[str]:
        """The generator, only when there is a client to generate."""
        artefacts = self._artefacts()
        if artefacts.client_missing(Path(self.root)):
            return list(artefacts.GENERATOR_REQUIREMENTS)
        return []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        artefacts = self._artefacts()
        try:
            artefacts.prepare(Path(self.root), log=self.app.display_info)
        except artefacts.BuildError as exc:
            self.app.abort(str(exc))
