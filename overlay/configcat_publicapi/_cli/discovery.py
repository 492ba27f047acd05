"""``products``, ``configs``, ``environments`` and ``flags``: the names and ids to act on.

Each prints a table (aligned columns, one row per item, a header first) or, with ``--json``,
one JSON array of objects with the same fields; both are stable to parse in a script.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO
from uuid import UUID

from configcat_publicapi._cli.names import ProductNames, product_id
from configcat_publicapi._client import ConfigCatClient


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    """Aligned columns with a header; an empty list says so in a line of its own."""
    if not rows:
        out.write("(none)\n")
        return
    cells = [
        [str(row.get(c, "") if row.get(c) is not None else "") for c in columns] for row in rows
    ]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    out.write("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    out.write("\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _show(rows: list[dict[str, Any]], columns: Sequence[str], as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        table(rows, columns, out)


def products(cc: ConfigCatClient, as_json: bool, out: TextIO) -> None:
    """``products``: every product the credentials see, with its organization."""
    rows = []
    for product in cc.products.get_products():
        row = product.to_dict()
        rows.append(
            {
                "name": row.get("name"),
                "id": row.get("productId"),
                "organization": (row.get("organization") or {}).get("name"),
            }
        )
    _show(rows, ("name", "id", "organization"), as_json, out)


def configs(cc: ConfigCatClient, product: str, as_json: bool, out: TextIO) -> None:
    """``configs``: a product's configs and their evaluation versions."""
    pid = UUID(product_id(cc, product))
    rows = []
    for config in cc.configs.get_configs(pid):
        row = config.to_dict()
        rows.append(
            {
                "name": row.get("name"),
                "id": row.get("configId"),
                "evaluationVersion": row.get("evaluationVersion") or "v1",
            }
        )
    _show(rows, ("name", "id", "evaluationVersion"), as_json, out)


def environments(cc: ConfigCatClient, product: str, as_json: bool, out: TextIO) -> None:
    """``environments``: a product's environments."""
    pid = UUID(product_id(cc, product))
    rows = []
    for environment in cc.environments.get_environments(pid):
        row = environment.to_dict()
        rows.append(
            {"name": row.get("name"), "id": row.get("environmentId"), "color": row.get("color")}
        )
    _show(rows, ("name", "id", "color"), as_json, out)


def flags(
    cc: ConfigCatClient, product: str, config: Sequence[str] | None, as_json: bool, out: TextIO
) -> None:
    """``flags``: a product's flags (``--config`` narrows them), with their tags."""
    pid = product_id(cc, product)
    names = ProductNames(cc, pid)
    wanted = names.configs(config)
    rows = []
    for each in cc.configs.get_configs(UUID(pid)):
        config_row = each.to_dict()
        if wanted is not None and config_row["name"] not in wanted:
            continue
        for setting in cc.settings.get_settings(UUID(str(config_row["configId"]))):
            row = setting.to_dict()
            rows.append(
                {
                    "key": row.get("key"),
                    "name": row.get("name"),
                    "type": row.get("settingType"),
                    "config": config_row["name"],
                    "tags": ", ".join(t["name"] for t in row.get("tags") or []),
                    "id": row.get("settingId"),
                }
            )
    _show(rows, ("key", "name", "type", "config", "tags", "id"), as_json, out)
