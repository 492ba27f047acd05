"""The workflow document's JSON Schema, rendered: one table per object, linked by ``$ref``."""

from __future__ import annotations

import json
from typing import Any

PAGE = "reference/workflow-schema.md"


def load_schema() -> dict[str, Any]:
    """The schema as the package ships it (``workflows.schema()``)."""
    from configcat_publicapi import workflows

    loaded: dict[str, Any] = workflows.schema()
    return loaded


def _anchor(name: str) -> str:
    return f"def-{name.lower()}"


def type_text(node: Any) -> str:
    """A schema node's type, briefly, with ``$ref`` linked to its definition."""
    if not isinstance(node, dict):
        return f"`{json.dumps(node)}`"
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[`{name}`](#{_anchor(name)})"
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{json.dumps(value)}`" for value in node["enum"])
    for key in ("oneOf", "anyOf", "allOf"):
        if key in node:
            joiner = " and " if key == "allOf" else " or "
            return joiner.join(type_text(option) for option in node[key])
    kind = node.get("type")
    if kind == "array":
        return f"list of {type_text(node.get('items', {}))}"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"map of name to {type_text(node['additionalProperties'])}"
    if isinstance(kind, list):
        return " or ".join(f"`{k}`" for k in kind)
    return f"`{kind}`" if kind else "any"


def _constraints(node: dict[str, Any]) -> str:
    keys = ("minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems")
    found = [f"{key} `{node[key]}`" for key in keys if key in node]
    if node.get("uniqueItems"):
        found.append("unique items")
    return ", ".join(found)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def object_table(node: dict[str, Any]) -> list[str]:
    """The properties of an object node: name, type, required, meaning."""
    properties = node.get("properties", {})
    if not properties:
        return []
    required = set(node.get("required", []))
    lines = ["| property | type | required | meaning |", "| --- | --- | --- | --- |"]
    for name, prop in properties.items():
        extra = _constraints(prop) if isinstance(prop, dict) else ""
        text = prop.get("description", "") if isinstance(prop, dict) else ""
        if extra:
            text = f"{text} ({extra})" if text else extra
        lines.append(
            f"| `{name}` | {type_text(prop)} | {'yes' if name in required else 'no'} "
            f"| {_cell(text)} |"
        )
    if node.get("additionalProperties") is False:
        lines += ["", "No other properties are allowed."]
    return lines


def _inline_objects(prefix: str, node: dict[str, Any]) -> list[str]:
    """A section for each property that is an object written in place (not a ``$ref``)."""
    lines: list[str] = []
    for name, prop in node.get("properties", {}).items():
        if isinstance(prop, dict) and prop.get("properties"):
            path = f"{prefix}.{name}" if prefix else name
            lines += [f"#### `{path}`", "", *object_table(prop), ""]
            lines += _inline_objects(path, prop)
    return lines


def _definition(name: str, node: dict[str, Any]) -> list[str]:
    lines = [f"### `{name}` {{ #{_anchor(name)} }}", ""]
    if node.get("description"):
        lines += [node["description"], ""]
    table = object_table(node)
    if table:
        lines += [*table, "", *_inline_objects(name, node)]
    else:
        lines.append(f"{type_text({k: v for k, v in node.items() if k != 'description'})}.")
        extra = _constraints(node)
        if extra:
            lines[-1] = lines[-1][:-1] + f" ({extra})."
    return [*lines, ""]


def render() -> str:
    """The page."""
    schema = load_schema()
    definitions = schema.get("$defs", {})
    lines = [
        "# Workflow document schema",
        "",
        f"**{schema.get('title', '')}**: {schema.get('description', '')}",
        "",
        f"`$id`: `{schema.get('$id', '')}`, dialect `{schema.get('$schema', '')}`. The same "
        "schema is `configcat_publicapi.workflows.schema()` and the file "
        "`product.schema.json` of the package; a document is checked against it before any "
        "write, then for what a schema cannot say (every name it refers to is defined).",
        "",
        "## The document",
        "",
        *object_table(schema),
        "",
        *_inline_objects("", schema),
        f"## Definitions ({len(definitions)})",
        "",
    ]
    for name, node in definitions.items():
        lines += _definition(name, node)
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """The schema's page."""
    return {PAGE: render()}
