"""What stops a workflow before its first write: a product it cannot describe without guessing,
or value writes the target's preferences would refuse half-way through.

The document refers to tags and configs by name, and names are told apart without case, as
the service does for environment and segment names. The service lets two tags (or configs)
of a product share a name, though; such a product has no document that says which of the two
a flag's tag means, so reading it, for an export or as the target of a plan, stops with
:class:`AmbiguousNameError` naming both ids. Picking one would write to the wrong item or
drop one; renaming one of them in the product is the user's call.

A target whose preferences require a reason for changes in an environment refuses a value
write there without one, and one that requires approval refuses a direct v2 value write:
:func:`check_writes` raises :class:`ReasonRequiredError` or :class:`ApprovalRequiredError`
for the planned writes before the first of them (see :mod:`.preferences`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from configcat_publicapi._exceptions import ConfigCatError


class AmbiguousNameError(ConfigCatError):
    """Two or more items of a product share a name the document would refer to."""

    def __init__(self, product_id: str, kind: str, name: str, ids: list[str]) -> None:
        self.product_id = product_id
        self.kind = kind
        self.name = name
        self.ids = ids
        super().__init__(
            f"product {product_id} has {len(ids)} {kind}s named {name!r} (ids {', '.join(ids)}):"
            f" a document refers to {kind}s by name and cannot tell them apart;"
            f" rename all but one of them"
        )


def unique_names(
    product_id: str, kind: str, rows: Iterable[Mapping[str, Any]], id_field: str
) -> None:
    """Raise :class:`AmbiguousNameError` for the first name (without case) that two rows share."""
    seen: dict[str, list[str]] = {}
    for row in rows:
        seen.setdefault(str(row["name"]).casefold(), []).append(str(row[id_field]))
    for row in rows:
        ids = seen[str(row["name"]).casefold()]
        if len(ids) > 1:
            raise AmbiguousNameError(product_id, kind, str(row["name"]), ids)


class WritesRefusedError(ConfigCatError):
    """Value writes the target's preferences would refuse in ``environments``."""

    requirement = ""
    advice = ""

    def __init__(self, environments: list[str]) -> None:
        self.environments = environments
        super().__init__(
            f"the product requires {self.requirement} for changes in"
            f" {', '.join(environments)}{self.advice}"
        )


class ReasonRequiredError(WritesRefusedError):
    """The target requires a reason for value changes in ``environments``, and none was given."""

    requirement = "a reason"
    advice = ", and none was given"


class ApprovalRequiredError(WritesRefusedError):
    """The target requires approval for value changes in ``environments``: no direct write."""

    requirement = "approval"
    advice = (
        ": apply writes values directly, so turn the approval off there or make the change"
        " through a change request"
    )


def check_writes(needs_reason: list[str], needs_approval: list[str], reason: str | None) -> None:
    """Raise when the planned value writes would be refused (see :mod:`.preferences`)."""
    if needs_approval:
        raise ApprovalRequiredError(needs_approval)
    if needs_reason and (reason is None or not reason.strip()):
        raise ReasonRequiredError(needs_reason)


class NothingMatchedError(ConfigCatError):
    """A filter (a flag key pattern, a tag, a config) that chose no flag: nothing to do.

    ``filter`` is ``key``, ``tag`` or ``config``; ``value`` what was given (``None`` when
    every filter matched something but no flag matched them all together).
    """

    def __init__(self, filter: str, value: str | None, message: str) -> None:
        self.filter = filter
        self.value = value
        super().__init__(message)
