"""What stops a workflow before its first write: a product it cannot describe without guessing.

The document refers to tags and configs by name, and names are told apart without case, as
the service does for environment and segment names. The service lets two tags (or configs)
of a product share a name, though; such a product has no document that says which of the two
a flag's tag means, so reading it, for an export or as the target of a plan, stops with
:class:`AmbiguousNameError` naming both ids. Picking one would write to the wrong item or
drop one; renaming one of them in the product is the user's call.
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
