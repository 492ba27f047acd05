"""The product document: reading, writing and checking it before anything is written.

A document is plain JSON data (``dict``/``list``/scalars) in the shape of
``product.schema.json`` beside this module, the published schema. The schema checks the
shape; :func:`check_document` then checks what a schema cannot say: every segment, tag,
environment, prerequisite flag and predefined variation named is defined, keys and names are
unique, and a v1 config holds v1 values only (a v2 config v2 formulas only). Every error names
the path of the offending item (``configs[0].settings[2].values.Production``), so bad input
is refused before any write.

YAML needs PyYAML and schema checks need jsonschema: both come with the ``workflows`` extra
and are imported only when used, so JSON export works with the core install.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from configcat_publicapi._exceptions import ConfigCatError
from configcat_publicapi.workflows.preferences import PER_ENVIRONMENT

FORMAT = "configcat-product"
VERSION = 1
SCHEMA_FILE = "product.schema.json"
EXTRA_HINT = "pip install 'configcat-publicapi[workflows]'"

Document = dict[str, Any]


class DocumentError(ConfigCatError):
    """A document that cannot be applied; ``path`` says where (``configs[0].settings[1]``)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path or '$'}: {message}")


def schema() -> dict[str, Any]:
    """The document's JSON Schema (draft 2020-12): the package's file with the service's
    lengths and ranges read from its OpenAPI spec (:mod:`.limits`)."""
    return dict(_schema())


@cache
def published_schema() -> Mapping[str, Any]:
    """``product.schema.json`` as the package holds it (no limits read from the spec)."""
    text = (
        resources.files("configcat_publicapi.workflows")
        .joinpath(SCHEMA_FILE)
        .read_text(encoding="utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _schema() -> Mapping[str, Any]:
    from configcat_publicapi.workflows.limits import bounded, service_spec

    return bounded(published_schema(), service_spec())


@cache
def _key_pattern() -> re.Pattern[str]:
    """The schema's key pattern, matched whole (a JSON Schema ``$`` lets a final newline by)."""
    pattern = str(published_schema()["$defs"]["setting"]["properties"]["key"]["pattern"])
    return re.compile(pattern.removeprefix("^").removesuffix("$"))


def shown(value: Any) -> str:
    """``value``'s repr, cut short: an error message stays one readable line."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:59]}…"


def _key_message(key: str) -> str:
    """Why ``key`` is no flag key, naming the first character the service would refuse."""
    rule = "a key starts with a letter (A-Z, a-z) and holds only letters, digits, '_' and '-'"
    for index, char in enumerate(key):
        allowed = char.isascii() and (char.isalpha() or (index > 0 and char in "_-0123456789"))
        if not allowed:
            name = unicodedata.name(char, "a control character")
            return f"{rule}; character {index + 1} is U+{ord(char):04X} ({name})"
    return rule


def _message(error: Any) -> str:
    """One short line for a schema error: never the whole value (a key may be 50 MB)."""
    if error.validator in ("maximum", "minimum"):
        schema = error.schema
        return f"{error.instance} is outside {schema['minimum']:,}..{schema['maximum']:,}"
    text = " ".join(str(error.message).split())
    return text if len(text) <= 200 else f"{text[:199]}…"


def _path(parts: Iterable[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _jsonschema() -> Any:
    try:
        import jsonschema  # type: ignore[import-untyped]
        import jsonschema.exceptions  # type: ignore[import-untyped]
        import jsonschema.validators  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - the extra is installed in development
        raise ImportError(f"checking a document needs jsonschema: {EXTRA_HINT}") from exc
    return jsonschema


@cache
def _validator_class() -> Any:
    """Draft 2020-12, with the string keywords' errors saying lengths, never the whole value.

    jsonschema's own messages hold the value's repr: a 50 MB key would be copied into one.
    """
    jsonschema = _jsonschema()

    def length(too: Callable[[int, int], bool], what: str) -> Any:
        def check(validator: Any, bound: int, instance: Any, schema: Any) -> Iterator[Any]:
            if validator.is_type(instance, "string") and too(len(instance), bound):
                yield jsonschema.ValidationError(
                    f"{len(instance):,} characters long; the service takes {what} {bound:,}"
                )

        return check

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not re.search(regex, instance):
            yield jsonschema.ValidationError(_key_message(instance))

    return jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        {
            "maxLength": length(int.__gt__, "at most"),
            "minLength": length(int.__lt__, "at least"),
            "pattern": pattern,
        },
    )


def validate_schema(document: Any) -> None:
    """Raise :class:`DocumentError` for the first schema failure (the deepest, most precise)."""
    jsonschema = _jsonschema()
    validator = _validator_class()(_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: (len(e.absolute_path), e.path))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        raise DocumentError(_path(best.absolute_path), _message(best))


def _dupes(items: Iterable[tuple[int, str]], where: str, what: str) -> Iterator[DocumentError]:
    seen: set[str] = set()
    for i, name in items:
        if name.casefold() in seen:  # the service's sameness: "Maße" is "MASSE"
            yield DocumentError(f"{where}[{i}]", f"{what} {shown(name)} appears twice")
        seen.add(name.casefold())


def covers(document: Document) -> set[str] | None:
    """The names of the configs a document covers; ``None`` when it covers the whole product.

    A document with a ``scope`` (an export of chosen configs) owns only the flags of its
    configs: what else it holds (environments, tags, segments) is shared by every config of
    the product and is there for its references to resolve, so prune deletes none of it,
    nor another config, and the product's description is no part of it.
    """
    scope = document.get("scope")
    return None if scope is None else set(scope["configs"])


def scoped(document: Document, names: Iterable[str]) -> Document:
    """``document``, read for the configs ``names`` only, marked as covering just those."""
    wanted = list(dict.fromkeys(names))
    held = [c["name"] for c in document["configs"]]
    for i, name in enumerate(wanted):
        if name not in held:
            raise DocumentError(f"scope.configs[{i}]", f"config {name!r} is not in the product")
    out: Document = {}
    for key, value in document.items():
        if key == "preferences":
            continue  # product-wide, like the description
        out[key] = {"name": value["name"]} if key == "product" else value
        if key == "product":
            out["scope"] = {"configs": held}
    return out


def _preference_problems(document: Document, envs: list[str]) -> Iterator[DocumentError]:
    prefs = document.get("preferences")
    if prefs is None:
        return
    if covers(document) is not None:
        yield DocumentError(
            "preferences", "a document of some configs holds no product-wide preferences"
        )
    for field in PER_ENVIRONMENT:
        for env in prefs.get(field, {}):
            if env not in envs:
                yield DocumentError(
                    f"preferences.{field}.{env}", f"environment {env!r} is not defined"
                )


def _scope_problems(document: Document) -> Iterator[DocumentError]:
    names = covers(document)
    if names is None:
        return
    held = [c["name"] for c in document["configs"]]
    for i, name in enumerate(held):
        if name not in names:
            yield DocumentError(f"configs[{i}]", f"config {name!r} is outside the scope")
    for i, name in enumerate(document["scope"]["configs"]):
        if name not in held:
            yield DocumentError(
                f"scope.configs[{i}]", f"config {name!r} is in the scope but not in the document"
            )


def _number_problems(document: Document) -> Iterator[DocumentError]:
    """Numbers JSON cannot carry (YAML's ``.inf`` and ``.nan``)."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            yield DocumentError(where, f"{item} is not a number the service can hold")
        elif isinstance(item, Mapping):
            stack += [(f"{where}.{k}" if where else str(k), v) for k, v in item.items()]
        elif isinstance(item, list):
            stack += [(f"{where}[{i}]", v) for i, v in enumerate(item)]


def problems(document: Document) -> list[DocumentError]:
    """Every reference or version mistake of a schema-valid document (empty when it is sound)."""
    out: list[DocumentError] = list(_number_problems(document))
    out += _scope_problems(document)
    envs = [e["name"] for e in document.get("environments", [])]
    tags = {t["name"] for t in document.get("tags", [])}
    segments = {s["name"] for s in document.get("segments", [])}
    out += _dupes(enumerate(envs), "environments", "environment")
    out += _preference_problems(document, envs)
    out += _dupes(((i, t["name"]) for i, t in enumerate(document.get("tags", []))), "tags", "tag")
    out += _dupes(
        ((i, s["name"]) for i, s in enumerate(document.get("segments", []))), "segments", "segment"
    )
    out += _dupes(((i, c["name"]) for i, c in enumerate(document["configs"])), "configs", "config")
    for ci, config in enumerate(document["configs"]):
        here = f"configs[{ci}]"
        settings = config["settings"]
        keys = {s["key"]: s for s in settings}
        out += _dupes(((i, s["key"]) for i, s in enumerate(settings)), f"{here}.settings", "key")
        for si, setting in enumerate(settings):
            at = f"{here}.settings[{si}]"
            if not _key_pattern().fullmatch(setting["key"]):
                out.append(DocumentError(f"{at}.key", _key_message(setting["key"])))
            for ti, tag in enumerate(setting.get("tags", [])):
                if tag not in tags:
                    out.append(DocumentError(f"{at}.tags[{ti}]", f"tag {tag!r} is not defined"))
            variations = {v["name"] for v in setting.get("predefinedVariations", [])}
            for env, value in setting.get("values", {}).items():
                vat = f"{at}.values.{env}"
                if env not in envs:
                    out.append(DocumentError(vat, f"environment {env!r} is not defined"))
                out += _value_problems(
                    config["evaluationVersion"], value, vat, segments, keys, variations
                )
                out += _type_problems(setting["settingType"], value, vat)
            for vi, variation in enumerate(setting.get("predefinedVariations", [])):
                out += _type_problems(
                    setting["settingType"],
                    {"value": variation["value"]},
                    f"{at}.predefinedVariations[{vi}]",
                )
    return out


def _value_problems(
    version: str,
    value: Mapping[str, Any],
    at: str,
    segments: set[str],
    keys: Mapping[str, Any],
    variations: set[str],
) -> Iterator[DocumentError]:
    is_v2 = "defaultValue" in value
    if version == "v2" and not is_v2:
        yield DocumentError(at, "a v1 value (value, rolloutRules) in a v2 config")
        return
    if version == "v1" and is_v2:
        yield DocumentError(at, "a v2 formula (defaultValue, targetingRules) in a v1 config")
        return

    def ref(v: Mapping[str, Any], where: str) -> Iterator[DocumentError]:
        name = v.get("predefinedVariation")
        if name is not None and name not in variations:
            yield DocumentError(where, f"predefined variation {name!r} is not defined")

    if not is_v2:
        for ri, rule in enumerate(value.get("rolloutRules", [])):
            if "segment" in rule and rule["segment"] not in segments:
                name = rule["segment"]
                yield DocumentError(
                    f"{at}.rolloutRules[{ri}].segment", f"segment {name!r} is not defined"
                )
        return
    yield from ref(value["defaultValue"], f"{at}.defaultValue")
    for ri, rule in enumerate(value.get("targetingRules", [])):
        rat = f"{at}.targetingRules[{ri}]"
        if "value" in rule:
            yield from ref(rule["value"], f"{rat}.value")
        for pi, option in enumerate(rule.get("percentageOptions", [])):
            yield from ref(option["value"], f"{rat}.percentageOptions[{pi}].value")
        for ki, cond in enumerate(rule["conditions"]):
            cat = f"{rat}.conditions[{ki}]"
            if "segmentCondition" in cond:
                name = cond["segmentCondition"]["segment"]
                if name not in segments:
                    yield DocumentError(
                        f"{cat}.segmentCondition.segment", f"segment {name!r} is not defined"
                    )
            if "prerequisiteFlagCondition" in cond:
                key = cond["prerequisiteFlagCondition"]["prerequisiteKey"]
                if key not in keys:
                    yield DocumentError(
                        f"{cat}.prerequisiteFlagCondition.prerequisiteKey",
                        f"flag {key!r} is not in this config",
                    )


_LITERAL = {
    "boolean": "boolValue",
    "string": "stringValue",
    "int": "intValue",
    "double": "doubleValue",
}
_V1_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "string": (str,),
    "int": (int,),
    "double": (int, float),
}


def _type_problems(setting_type: str, value: Mapping[str, Any], at: str) -> Iterator[DocumentError]:
    """Values of another type than the flag's (a v2 literal field, a v1 scalar)."""
    want = _LITERAL[setting_type]

    def walk(item: Any, where: str) -> Iterator[DocumentError]:
        if isinstance(item, Mapping):
            literal = [k for k in _LITERAL.values() if k in item]
            if literal and literal != [want] and "comparisonValue" not in where:
                yield DocumentError(
                    f"{where}.{literal[0]}", f"a flag of type {setting_type} takes {want}"
                )
            for k, v in item.items():
                if k not in ("conditions",):
                    yield from walk(v, f"{where}.{k}")
        elif isinstance(item, list):
            for i, v in enumerate(item):
                yield from walk(v, f"{where}[{i}]")

    if "defaultValue" in value or ("value" in value and isinstance(value["value"], Mapping)):
        yield from walk(value, at)
        return
    kinds = _V1_TYPES[setting_type]
    scalars = [("value", value["value"])]
    scalars += [
        (f"rolloutRules[{i}].value", r["value"])
        for i, r in enumerate(value.get("rolloutRules", []))
    ]
    scalars += [
        (f"rolloutPercentageItems[{i}].value", r["value"])
        for i, r in enumerate(value.get("rolloutPercentageItems", []))
    ]
    for where, scalar in scalars:
        bad_bool = isinstance(scalar, bool) and setting_type != "boolean"
        if bad_bool or not isinstance(scalar, kinds):
            yield DocumentError(
                f"{at}.{where}", f"a flag of type {setting_type} takes no {shown(scalar)}"
            )
        elif setting_type == "int":
            span = _schema()["$defs"]["literal"]["properties"]["intValue"]
            if not span.get("minimum", scalar) <= scalar <= span.get("maximum", scalar):
                yield DocumentError(
                    f"{at}.{where}",
                    f"{scalar} is outside {span['minimum']:,}..{span['maximum']:,}",
                )


def check_document(document: Any) -> Document:
    """The document if it is sound; else :class:`DocumentError` naming the first problem."""
    validate_schema(document)
    found = problems(document)
    if found:
        raise found[0]
    checked: Document = document
    return checked


def _yaml() -> Any:
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - the extra is installed in development
        raise ImportError(f"YAML documents need PyYAML: {EXTRA_HINT}") from exc
    return yaml


def loads(text: str, *, fmt: str = "auto", source: str = "<document>") -> Any:
    """Parse a document (``fmt`` is ``json``, ``yaml`` or ``auto``: JSON when it looks like it).

    Reading is bounded (nesting, YAML aliases, repeated keys: see :mod:`.reading`); an error
    names ``source`` and the line and column.
    """
    from configcat_publicapi.workflows.reading import parse

    return parse(text, source, fmt=fmt)


def dumps(document: Document, *, fmt: str = "yaml") -> str:
    """The document as YAML (keys in document order) or as indented JSON."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    text: str = _yaml().dump(document, Dumper=_dumper(), sort_keys=False, allow_unicode=True)
    return text


_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\ufeff")
"""Characters YAML 1.1 reads as line breaks (or a byte order mark), which PyYAML writes bare
in plain and single-quoted text, so that they come back as spaces: such text is double-quoted,
where PyYAML escapes them."""


@cache
def _dumper() -> Any:
    yaml = _yaml()

    class Dumper(yaml.SafeDumper):  # type: ignore[misc, name-defined]
        pass

    def text(dumper: Any, value: str) -> Any:
        style = '"' if any(ch in value for ch in _YAML_BREAKS) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def load(path: str | Path) -> Document:
    """Read and check a document file (``.json``, else YAML)."""
    from configcat_publicapi.workflows.reading import decode, parse_json, parse_yaml

    p = Path(path)
    data = p.read_bytes()
    text = decode(data, str(path))
    # one copy of a large file in memory: JSON is parsed from the text, YAML from the bytes
    if p.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        del data
        return check_document(parse_json(text, str(path)))
    del text
    return check_document(parse_yaml(data, str(path)))
