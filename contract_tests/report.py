"""The contract run's markdown summary: per operation cases and failures by check,
per scenario the result. Written to ``reports/contract-summary.md`` at the end of a run."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class OperationTally:
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)


@dataclass
class RunReport:
    target: str
    examples: int
    started: float = field(default_factory=time.monotonic)
    operations: dict[str, OperationTally] = field(
        default_factory=lambda: defaultdict(OperationTally)
    )
    scenarios: dict[str, str] = field(default_factory=dict)
    stateful: str = "not run"
    stateful_calls: Counter[str] = field(default_factory=Counter)

    def case(self, operation: str) -> None:
        self.operations[operation].cases += 1

    def failure(self, operation: str, check: str) -> None:
        self.operations[operation].failures[check] += 1

    @property
    def cases(self) -> int:
        return sum(t.cases for t in self.operations.values())

    @property
    def failed_operations(self) -> int:
        return sum(1 for t in self.operations.values() if t.failures)

    def markdown(self) -> str:
        seconds = time.monotonic() - self.started
        lines = [
            f"# Contract run against `{self.target}`",
            "",
            f"{len(self.operations)} operations, {self.cases} cases "
            f"({self.examples} examples per phase), {self.failed_operations} operations with "
            f"failures; stateful phase: {self.stateful}, {sum(self.stateful_calls.values())} "
            f"calls over {len(self.stateful_calls)} operations; {seconds:.1f}s.",
            "",
            "| operation | cases | failures by check |",
            "| --- | ---: | --- |",
        ]
        for name in sorted(self.operations):
            tally = self.operations[name]
            fails = ", ".join(f"{check} x{n}" for check, n in sorted(tally.failures.items()))
            lines.append(f"| `{name}` | {tally.cases} | {fails or 'none'} |")
        if self.scenarios:
            lines += ["", "| scenario | result |", "| --- | --- |"]
            lines += [f"| {name} | {result} |" for name, result in sorted(self.scenarios.items())]
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "contract-summary.md"
        path.write_text(self.markdown(), encoding="utf-8")
        return path
