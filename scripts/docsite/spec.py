"""The pinned spec as the reference pages read it: operations by endpoint, tags, schemas."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: What ``make regenerate`` writes: the pinned document with the normaliser's rewrites (the
#: operation ids the generator named methods after included).
NORMALISED = ROOT / "spec" / "build" / "normalised.json"

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class SpecOperation:
    """One operation of the spec, keyed the way the client's operations name their endpoint."""

    operation_id: str
    method: str
    path: str
    tag: str
    summary: str
    description: str
    parameters: tuple[dict[str, Any], ...]
    request_body: dict[str, Any] | None

    @property
    def endpoint(self) -> str:
        """``METHOD /path/{}/template``: how a client operation names its endpoint."""
        return f"{self.method.upper()} {re.sub(r'{[^}]+}', '{}', self.path)}"


@cache
def document() -> dict[str, Any]:
    """The normalised spec; ``make regenerate`` writes it."""
    if not NORMALISED.is_file():
        raise SystemExit(f"{NORMALISED} is missing: run `make regenerate` first")
    loaded: dict[str, Any] = json.loads(NORMALISED.read_text(encoding="utf-8"))
    return loaded


@cache
def operations() -> dict[str, SpecOperation]:
    """Every operation of the spec by its endpoint."""
    found: dict[str, SpecOperation] = {}
    for path, item in document()["paths"].items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            spec_op = SpecOperation(
                operation_id=op["operationId"],
                method=method,
                path=path,
                tag=(op.get("tags") or [""])[0],
                summary=op.get("summary", ""),
                description=op.get("description", ""),
                parameters=(*shared, *op.get("parameters", [])),
                request_body=op.get("requestBody"),
            )
            found[spec_op.endpoint] = spec_op
    return found


def tags() -> dict[str, str]:
    """Tag name -> its description."""
    return {tag["name"]: tag.get("description", "") for tag in document().get("tags", [])}


def tag_slug(name: str) -> str:
    """The anchor the upstream's reference gives a tag (``Feature-Flags-and-Settings``)."""
    text = name.replace("&", "and")
    text = re.sub(r"[^A-Za-z0-9 -]", "", text)
    return re.sub(r"[ -]+", "-", text.strip()).lower()


def schemas() -> dict[str, Any]:
    """The spec's component schemas by name."""
    found: dict[str, Any] = document()["components"]["schemas"]
    return found
