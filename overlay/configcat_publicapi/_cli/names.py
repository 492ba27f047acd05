"""Products, configs and environments given by name or by id, as a person has them at hand.

An id is used as it is; a name is looked up (exactly, else ignoring case). A name that
matches nothing is refused listing the names there are; one that matches several is
refused listing each with its id, since guessing would act on the wrong product.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from configcat_publicapi._client import ConfigCatClient
from configcat_publicapi._exceptions import ConfigCatError


class NameError_(ConfigCatError):
    """A name that matches no item, or several."""


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def pick(
    kind: str,
    text: str,
    rows: Sequence[Mapping[str, Any]],
    id_key: str,
    *,
    where: str = "",
    listing: str = "",
) -> Mapping[str, Any]:
    """The row whose id or name is ``text``; :class:`NameError_` naming candidates otherwise."""
    by_id = [r for r in rows if str(r.get(id_key)) == text]
    if by_id:
        return by_id[0]
    exact = [r for r in rows if r.get("name") == text]
    found = exact or [r for r in rows if str(r.get("name", "")).casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    place = f" in {where}" if where else ""
    if found:
        shown = ", ".join(f"{r['name']} ({r[id_key]})" for r in found)
        raise NameError_(
            f"{len(found)} {kind}s{place} are named {text!r}: {shown}; give the id instead"
        )
    names = ", ".join(sorted(str(r.get("name")) for r in rows)) or f"there are no {kind}s"
    hint = f"; `configcat-publicapi {listing}` lists them" if listing else ""
    raise NameError_(f"no {kind}{place} is named {text!r} (known: {names}){hint}")


def product_id(cc: ConfigCatClient, text: str) -> str:
    """A product's id from its id or its name."""
    if _is_uuid(text):
        return str(UUID(text))
    rows = [p.to_dict() for p in cc.products.get_products()]
    return str(pick("product", text, rows, "productId", listing="products")["productId"])


class ProductNames:
    """Config and environment names of one product, read once, by name or id."""

    def __init__(self, cc: ConfigCatClient, product: str) -> None:
        self.cc = cc
        self.product = product
        self._read: dict[str, list[dict[str, Any]]] = {}

    def _rows(self, kind: str, read: Callable[[], Any]) -> list[dict[str, Any]]:
        if kind not in self._read:
            self._read[kind] = [row.to_dict() for row in read()]
        return self._read[kind]

    def environment(self, text: str) -> str:
        """The name of one of the product's environments, given by name or id."""
        pid = UUID(self.product)
        rows = self._rows("environments", lambda: self.cc.environments.get_environments(pid))
        row = pick(
            "environment",
            text,
            rows,
            "environmentId",
            where=f"product {self.product}",
            listing=f"environments {self.product}",
        )
        return str(row["name"])

    def config(self, text: str) -> str:
        """The name of one of the product's configs, given by name or id."""
        pid = UUID(self.product)
        rows = self._rows("configs", lambda: self.cc.configs.get_configs(pid))
        row = pick(
            "config",
            text,
            rows,
            "configId",
            where=f"product {self.product}",
            listing=f"configs {self.product}",
        )
        return str(row["name"])

    def environments(self, texts: Sequence[str] | None) -> list[str] | None:
        """The names of the environments given by name or id; ``None`` for none given."""
        return None if texts is None else [self.environment(t) for t in texts]

    def configs(self, texts: Sequence[str] | None) -> list[str] | None:
        """The names of the configs given by name or id; ``None`` for none given."""
        return None if texts is None else [self.config(t) for t in texts]
