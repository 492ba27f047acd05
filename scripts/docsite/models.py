"""The models and enums pages: every generated model with its fields, every enum with values.

Fields and types come from the generated attrs classes (what a user constructs and reads);
what a field means and whether the service requires it, from the spec's schema of the same
name.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from functools import cache
from typing import Any

import attrs

from scripts.docsite import spec

MODELS_PAGE = "reference/models.md"
ENUMS_PAGE = "reference/enums.md"
_PACKAGE = "configcat_publicapi_client.models"


@cache
def classes() -> tuple[dict[str, type[Any]], dict[str, type[enum.Enum]]]:
    """Every generated model (attrs class) and enum, by class name."""
    package = importlib.import_module(_PACKAGE)
    models: dict[str, type[Any]] = {}
    enums: dict[str, type[enum.Enum]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{_PACKAGE}.{info.name}")
        for value in vars(module).values():
            if not isinstance(value, type) or value.__module__ != module.__name__:
                continue
            if issubclass(value, enum.Enum):
                enums[value.__name__] = value
            elif attrs.has(value):
                models[value.__name__] = value
    return dict(sorted(models.items())), dict(sorted(enums.items()))


def anchor(name: str) -> str:
    """The anchor of a model or enum on its page."""
    return name.lower()


def _relative_page(page: str, from_dir: str) -> str:
    depth = from_dir.count("/") + 1 if from_dir else 0
    return "../" * depth + page


def link_types(annotation: str, *, from_dir: str) -> str:
    """A type annotation as Markdown, each model and enum name linked to its entry."""
    models, enums = classes()
    out: list[str] = []
    plain = ""
    for piece in re.split(r"([A-Za-z_][A-Za-z0-9_]*)", annotation):
        page = MODELS_PAGE if piece in models else ENUMS_PAGE if piece in enums else None
        if page is None:
            plain += piece
            continue
        if plain.strip():
            out.append(f"`{plain.strip()}`")
        plain = ""
        out.append(f"[`{piece}`]({_relative_page(page, from_dir)}#{anchor(piece)})")
    if plain.strip():
        out.append(f"`{plain.strip()}`")
    return " ".join(out)


def _snake(name: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text).replace("-", "_").lower()


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _schema_for(name: str) -> dict[str, Any]:
    schemas = spec.schemas()
    if name in schemas:
        found: dict[str, Any] = schemas[name]
        return found
    folded = {key.replace("_", "").lower(): value for key, value in schemas.items()}
    return folded.get(name.lower(), {})  # type: ignore[no-any-return]


def render_model(name: str, model: type[Any]) -> str:
    """One model's entry: its fields, their types, whether required, what they mean."""
    schema = _schema_for(name)
    properties = {_snake(key): (key, value) for key, value in schema.get("properties", {}).items()}
    required = set(schema.get("required", []))
    lines = [f"## `{name}` {{ #{anchor(name)} }}", ""]
    if schema.get("description"):
        lines += [_cell(schema["description"]), ""]
    fields = [field for field in attrs.fields(model) if field.init]
    if not fields:
        return "\n".join([*lines, "No fields.", ""])
    lines += ["| field | JSON | type | required | description |", "| --- | --- | --- | --- | --- |"]
    for field in fields:
        json_name, prop = properties.get(field.name, ("", {}))
        is_required = field.default is attrs.NOTHING or json_name in required
        kind = link_types(str(field.type), from_dir="reference")
        text = prop.get("description", "") if isinstance(prop, dict) else ""
        json_cell = f"`{json_name}`" if json_name else ""
        lines.append(
            f"| `{field.name}` | {json_cell} | {kind} | {'yes' if is_required else 'no'} "
            f"| {_cell(text)} |"
        )
    return "\n".join(lines) + "\n"


def render_enum(name: str, enum_class: type[enum.Enum]) -> str:
    """One enum's entry: its members and the strings the service sends."""
    schema = _schema_for(name)
    lines = [f"## `{name}` {{ #{anchor(name)} }}", ""]
    if schema.get("description"):
        lines += [_cell(schema["description"]), ""]
    lines += ["| member | value |", "| --- | --- |"]
    lines += [f"| `{member.name}` | `{member.value!r}` |" for member in enum_class]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """The models page and the enums page."""
    models, enums = classes()
    models_page = [
        "# Models",
        "",
        f"The {len(models)} request and response models of "
        "`configcat_publicapi_client.models`, generated from the pinned spec. Construct a "
        "request model with its fields as keyword arguments; every model has `to_dict()` and "
        "`from_dict()`, and keeps fields the spec does not know in `additional_properties`. "
        "A field that is not required defaults to `UNSET` and is left out of the request.",
        "",
        *(render_model(name, model) for name, model in models.items()),
    ]
    enums_page = [
        "# Enums",
        "",
        f"The {len(enums)} enums of `configcat_publicapi_client.models`. A value the pinned "
        "spec does not know, in an answer of a newer service, is kept as a pseudo-member "
        "(`configcat_publicapi.is_known(value)` is `False` for it); a request carries known "
        "values only.",
        "",
        *(render_enum(name, enum_class) for name, enum_class in enums.items()),
    ]
    return {MODELS_PAGE: "\n".join(models_page), ENUMS_PAGE: "\n".join(enums_page)}
