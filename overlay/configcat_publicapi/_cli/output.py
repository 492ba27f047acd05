"""What the command prints: changes as ``+``/``~``/``-`` lines, in colour on a terminal only.

Colour comes from rich, imported only when the stream is a terminal and ``NO_COLOR`` is not
set (https://no-color.org); elsewhere (a pipe, a file, a CI log) the same lines are written
plain. The confirmation before deletes is here too: it reads a terminal, never a pipe.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from configcat_publicapi._exceptions import ConfigCatError

if TYPE_CHECKING:
    from configcat_publicapi.workflows.describe import Described
    from configcat_publicapi.workflows.plan import Change, Plan

STYLES = {"+": "green", "~": "yellow", "-": "red"}


class Output:
    """Lines to a stream, styled when it is a terminal that wants colour."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.terminal = _isatty(stream)
        self.colour = self.terminal and not os.environ.get("NO_COLOR")
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
        self.arrow = "→" if encoding.startswith("utf") else "->"
        self._console: Any = None

    def line(self, text: str = "", style: str | None = None) -> None:
        """One line, in ``style`` (a Rich style) when colour is on."""
        if self.colour and style:
            if self._console is None:
                from rich.console import Console

                self._console = Console(file=self.stream, highlight=False, soft_wrap=True)
            from rich.text import Text

            self._console.print(Text(text, style=style))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def described(self, described: Described) -> None:
        """A sign and title, then each field that differs: added, removed, before → after."""
        self.line(f"{described.sign} {described.title}", STYLES[described.sign])
        for field in described.fields:
            if field.before is None:
                self.line(f"    + {field.label}: {field.after}", "green")
            elif field.after is None:
                self.line(f"    - {field.label}: {field.before}", "red")
            else:
                self.line(
                    f"    ~ {field.label}: {field.before} {self.arrow} {field.after}", "yellow"
                )

    def changes(self, changes: Iterable[Change]) -> None:
        """Each change with its sign, title and the fields that differ, before → after."""
        from configcat_publicapi.workflows.describe import describe

        for change in changes:
            self.described(describe(change))

    def plan(self, plan: Plan, *, reason: str | None = None) -> None:
        """A whole plan: its changes, notes, what the target requires, and the summary."""
        from configcat_publicapi.workflows.describe import summary

        self.changes(plan.changes)
        for note in plan.notes:
            self.line(f"note: {note}")
        if plan.needs_reason and not reason:
            self.line(
                f"the product requires a reason for changes in {', '.join(plan.needs_reason)}:"
                " give --reason TEXT to apply"
            )
        if plan.needs_approval:
            self.line(f"changes in {', '.join(plan.needs_approval)} need an approval")
        self.line(summary(plan.counts()), "bold")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def stdin_is_terminal() -> bool:
    """Whether a person can answer a question on standard input."""
    return _isatty(sys.stdin)


class ConfirmationNeededError(ConfigCatError):
    """Deletes without a terminal to ask on and without ``--yes``."""


class NotConfirmedError(ConfigCatError):
    """The person at the terminal answered something other than ``yes``."""


def confirm_deletes(out: Output, plan: Plan, *, yes: bool) -> None:
    """Ask before a plan that deletes; on no terminal, ``--yes`` is the only consent."""
    deletes = [c for c in plan.changes if c.action == "delete"]
    if not deletes or yes:
        return
    from configcat_publicapi.workflows.describe import plural, title

    what = plural(len(deletes), "item")
    if not (stdin_is_terminal() and out.terminal):
        names = ", ".join(title(c) for c in deletes[:5]) + (", ..." if len(deletes) > 5 else "")
        raise ConfirmationNeededError(
            f"this plan deletes {what} ({names}) and there is no terminal to ask on:"
            " give --yes (or --auto-approve) to apply it"
        )
    out.line(f"This plan deletes {what}.", "bold red")
    out.line("Do you want to perform these actions? Only 'yes' will be accepted to approve.")
    out.stream.write("  Enter a value: ")
    out.stream.flush()
    answer = sys.stdin.readline().strip()
    if answer != "yes":
        raise NotConfirmedError("apply cancelled: nothing was written")
