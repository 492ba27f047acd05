"""The contract run's markdown summary: per operation the cases, the 429 answers met and the
failures by check, per scenario the result. Written at the end of a run to
``reports/contract-summary.md`` for the in-process mock and to
``reports/contract-summary-<target>.md`` for the others (``-live``, ``-mock-server``), so that a
live run does not overwrite the mock run's summary.

Under pytest-xdist each worker keeps its own report; :meth:`RunReport.as_dict` and
:meth:`RunReport.merge` carry them to the controller, which writes the one summary.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The status the service answers when a client goes over its rate limits.
RATE_LIMITED = 429


def summary_name(target: str) -> str:
    """The summary's file name for a target: the mock's is the plain one."""
    return "contract-summary.md" if target == "mock" else f"contract-summary-{target}.md"


@dataclass
class OperationTally:
    cases: int = 0
    rate_limited: int = 0
    failures: Counter[str] = field(default_factory=Counter)


@dataclass
class RunReport:
    target: str
    examples: int
    seed: int | None = None
    started: float = field(default_factory=time.monotonic)
    operations: dict[str, OperationTally] = field(
        default_factory=lambda: defaultdict(OperationTally)
    )
    scenarios: dict[str, str] = field(default_factory=dict)
    stateful: str = "not run"
    stateful_calls: Counter[str] = field(default_factory=Counter)
    stateful_rate_limited: int = 0

    def case(self, operation: str) -> None:
        self.operations[operation].cases += 1

    def answered(self, operation: str, status: int) -> None:
        """Note the status a case was answered with (only 429s are counted)."""
        if status == RATE_LIMITED:
            self.operations[operation].rate_limited += 1

    def failure(self, operation: str, check: str) -> None:
        self.operations[operation].failures[check] += 1

    def stateful_call(self, operation: str, status: int) -> None:
        self.stateful_calls[operation] += 1
        if status == RATE_LIMITED:
            self.stateful_rate_limited += 1

    @property
    def cases(self) -> int:
        return sum(t.cases for t in self.operations.values())

    @property
    def rate_limited(self) -> int:
        return sum(t.rate_limited for t in self.operations.values()) + self.stateful_rate_limited

    @property
    def failed_operations(self) -> int:
        return sum(1 for t in self.operations.values() if t.failures)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for a worker to hand to the controller)."""
        return {
            "operations": {
                name: {
                    "cases": t.cases,
                    "rate_limited": t.rate_limited,
                    "failures": dict(t.failures),
                }
                for name, t in self.operations.items()
            },
            "scenarios": dict(self.scenarios),
            "stateful": self.stateful,
            "stateful_calls": dict(self.stateful_calls),
            "stateful_rate_limited": self.stateful_rate_limited,
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add another process's :meth:`as_dict` to this report."""
        for name, tally in data["operations"].items():
            mine = self.operations[name]
            mine.cases += tally["cases"]
            mine.rate_limited += tally["rate_limited"]
            mine.failures.update(tally["failures"])
        self.scenarios.update(data["scenarios"])
        if data["stateful"] != "not run":
            self.stateful = data["stateful"]
        self.stateful_calls.update(data["stateful_calls"])
        self.stateful_rate_limited += data["stateful_rate_limited"]

    @property
    def empty(self) -> bool:
        return not (self.operations or self.scenarios or self.stateful_calls)

    def markdown(self) -> str:
        seconds = time.monotonic() - self.started
        lines = [
            f"# Contract run against `{self.target}`",
            "",
            f"Seed {self.seed}: `CONTRACT_SEED={self.seed}` repeats this run case for case.",
            "",
            f"{len(self.operations)} operations, {self.cases} cases "
            f"({self.examples} examples per phase), {self.failed_operations} operations with "
            f"failures; stateful phase: {self.stateful}, {sum(self.stateful_calls.values())} "
            f"calls over {len(self.stateful_calls)} operations; {self.rate_limited} answers "
            f"{RATE_LIMITED} (rate limited) met; {seconds:.1f}s.",
            "",
            f"| operation | cases | {RATE_LIMITED} | failures by check |",
            "| --- | ---: | ---: | --- |",
        ]
        for name in sorted(self.operations):
            tally = self.operations[name]
            fails = ", ".join(f"{check} x{n}" for check, n in sorted(tally.failures.items()))
            lines.append(f"| `{name}` | {tally.cases} | {tally.rate_limited} | {fails or 'none'} |")
        if self.scenarios:
            lines += ["", "| scenario | result |", "| --- | --- |"]
            lines += [f"| {name} | {result} |" for name, result in sorted(self.scenarios.items())]
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / summary_name(self.target)
        path.write_text(self.markdown(), encoding="utf-8")
        return path
