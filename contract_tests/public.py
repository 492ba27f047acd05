"""What the unit tests may import from the contract suite; nothing else of it is theirs.

The fake's unit tests (``tests/mock``) run the contract suite's scenarios in-process, against
the fake, and build their own cases from the same helpers the scenarios use; ``tests/conftest.py``
gives schemathesis items one id per operation, as the suite does. Those names are re-exported
here so the suite's modules can be reorganised without touching the unit tests. The suite's own
unit tests (``tests/contract``) are the exception: they test its modules one by one and import
them directly. ``tests/foundation/test_tests_layout.py`` checks both rules.
"""

from __future__ import annotations

from contract_tests.operation_items import one_id_per_operation
from contract_tests.scenarios.support import Scenario, environment_and_config, flag, scenarios

__all__ = ["Scenario", "environment_and_config", "flag", "one_id_per_operation", "scenarios"]
