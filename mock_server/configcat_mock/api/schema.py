"""The spec's component schemas as JSON Schema: validators, error messages and response shaping.

OpenAPI 3.0 is not JSON Schema: ``nullable: true`` has no meaning to ``jsonschema``, so each
schema is rewritten once (``nullable`` becomes ``anyOf [..., null]``, ``$ref`` points into one
``referencing`` resource) and validators are compiled lazily and cached.

Every check runs twice only when it fails: a compiled ``jsonschema-rs`` validator answers
"valid or not" first (the common case, about a hundred times faster than the pure-Python
validator on a long list), and only an invalid instance goes through ``jsonschema``, whose
messages the 400 answers and the response-violation reports keep word for word. The compiled
validator is never more lenient than ``jsonschema``: it calls the same format checks for
``uuid`` and ``date-time``, and ``int32``/``int64`` (which ``jsonschema`` checks on numbers,
``jsonschema-rs`` only on strings) become ``minimum``/``maximum``; where it is stricter
(a format it knows and ``jsonschema`` here does not check), the pure-Python answer decides.
A test compares the two over every component schema of the spec.

:meth:`SchemaSet.shape` projects a stored record onto a response schema: it keeps the schema's
properties in schema order, recurses into nested models and fills every property the record
does not carry with the schema's neutral value (``null`` when nullable, ``[]``, ``false``,
``0``). Handlers therefore return what they know and the answer still has every required field.
"""

from __future__ import annotations

import copy
import functools
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
    from referencing import Registry

# jsonschema, referencing and jsonschema-rs are imported on first use: a server answers its
# first requests (and `import configcat_mock` returns) without their import time

JSON = dict[str, Any]
SPEC_URI = "urn:configcat-publicapi"
_REF_PREFIX = "#/components/schemas/"


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value or " " in value


def _is_int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


@functools.cache
def format_checker() -> FormatChecker:
    """The formats the spec names that ``jsonschema`` checks here (uuid, date-time, int32,
    int64); no others."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("uuid", raises=ValueError)(_is_uuid)
    checker.checks("date-time", raises=ValueError)(_is_datetime)
    checker.checks("int32")(_is_int32)
    checker.checks("int64")(_is_int64)
    return checker


_FAST_FORMATS: dict[str, Callable[[str], bool]] = {}


def _fast_format(name: str, check: Callable[[object], bool]) -> None:
    def fast(value: str) -> bool:
        try:
            return check(value)
        except ValueError:
            return False

    _FAST_FORMATS[name] = fast


_fast_format("uuid", _is_uuid)
_fast_format("date-time", _is_datetime)
_INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def for_fast_validator(node: Any) -> Any:
    """A converted schema as ``jsonschema-rs`` needs it to be as strict as ``jsonschema``: the
    integer formats become bounds (``jsonschema-rs`` checks formats on strings only)."""
    if isinstance(node, list):
        return [for_fast_validator(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: for_fast_validator(v) if k not in ("enum", "required", "const") else v
        for k, v in node.items()
    }
    fmt = node.get("format")
    bounds = _INT_BOUNDS.get(fmt) if isinstance(fmt, str) else None
    if bounds is not None:
        # jsonschema's int32/int64 checks look at ints only (a float passes): so do these
        low, high = bounds
        out["if"] = {"type": "integer"}
        out["then"] = {"minimum": low, "maximum": high}
    return out


def to_json_schema(node: Any) -> Any:
    """Rewrite one OpenAPI 3.0 schema (recursively) into JSON Schema 2020-12."""
    if isinstance(node, list):
        return [to_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: JSON = {}
    for key, value in node.items():
        if key in ("example", "examples", "description", "nullable", "xml", "externalDocs"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
            out[key] = SPEC_URI + value
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {k: to_json_schema(v) for k, v in value.items()}
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _path(error: ValidationError) -> str:
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def field_of(error: ValidationError) -> str:
    """The ``Field`` key an error is reported under, in the service's ``{"Field": [..]}`` shape."""
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next((r for r in error.validator_value if r not in error.instance), None)
        if missing is not None:
            base = _path(error)
            return f"{base}.{missing}" if base else str(missing)
    return _path(error) or "body"


_ARTICLE = {"array": "an array", "object": "an object", "integer": "an integer"}


def _kind(name: Any) -> str:
    return _ARTICLE.get(name, f"a {name}") if name != "null" else "null"


def _json(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _sentence(error: ValidationError) -> str | None:
    """The service-like text of one failed keyword, or ``None`` for a generic one."""
    rule, expected, value = error.validator, error.validator_value, error.instance
    if rule == "required":
        return "The field is required."
    if rule == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return f"The value must be {' or '.join(_kind(k) for k in kinds)}."
    if rule == "enum":
        return f"The value must be one of {', '.join(_json(v) for v in expected)}."
    if rule == "const":
        return f"The value must be {_json(expected)}."
    if rule in ("maxLength", "minLength"):
        bound = "maximum" if rule == "maxLength" else "minimum"
        return f"The field must be a string with a {bound} length of {expected}."
    if rule in ("maxItems", "minItems"):
        bound = "at most" if rule == "maxItems" else "at least"
        return f"The field must hold {bound} {expected} item{'s' * (expected != 1)}."
    if rule in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "greater than",
            "exclusiveMaximum": "less than",
        }[rule]
        return f"The value must be {word} {_json(expected)}."
    if rule == "pattern":
        return f"The value must match the pattern {expected}."
    if rule == "format":
        return f"The value is not a valid {expected}."
    if rule == "additionalProperties" and isinstance(value, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        names = ", ".join(extra)
        return (
            f"The field {names} is not allowed here."
            if len(extra) == 1
            else (f"The fields {names} are not allowed here.")
        )
    if rule == "uniqueItems":
        return "The items must be unique."
    return None


def message_of(error: ValidationError) -> str:
    """The error's text as the service words it: a sentence, never a Python repr of the value.

    jsonschema's own messages quote the value with ``repr`` (``"[None, None] is not of type
    'object'"``), so each keyword gets its sentence here; values in them are JSON."""
    best = error
    if error.context:
        best = min(error.context, key=lambda e: len(list(e.absolute_path)) * -1)
    return _sentence(best) or _sentence(error) or "The value is not valid."


class SchemaSet:
    """The component schemas of one spec document."""

    def __init__(self, components: JSON) -> None:
        self.components = components
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, Any] = {}
        self._shapers: dict[int, Callable[[Any], Any]] = {}
        self._scalars: set[Callable[[Any], Any]] = set()
        """Shapers that give back any value but ``None`` as it is."""
        self._keep: list[JSON] = []

    @cached_property
    def _root(self) -> JSON:
        """The components, converted, as one document (the target of every ``$ref``)."""
        converted = {name: to_json_schema(s) for name, s in self.components.items()}
        return {"components": {"schemas": converted}}

    @cached_property
    def _registry(self) -> Registry[Any]:
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(self._root)
        )
        return registry

    @cached_property
    def _fast_registry(self) -> Any:
        import jsonschema_rs

        return jsonschema_rs.Registry([(SPEC_URI, for_fast_validator(self._root))])

    def validator(self, schema: JSON) -> Draft202012Validator:
        key = repr(schema)
        found = self._validators.get(key)
        if found is None:
            from jsonschema import Draft202012Validator

            found = Draft202012Validator(
                self.inline(to_json_schema(schema)),
                registry=self._registry,
                format_checker=format_checker(),
            )
            self._validators[key] = found
        return found

    def inline(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        """Replace ``$ref`` with the schema it names (not recursive ones), so validation does
        no reference lookups."""
        if isinstance(node, list):
            return [self.inline(x, seen) for x in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SPEC_URI + _REF_PREFIX) and len(node) == 1:
            name = ref[len(SPEC_URI + _REF_PREFIX) :]
            if name in seen or name not in self.components:
                return node
            return self.inline(to_json_schema(self.components[name]), (*seen, name))
        return {
            k: self.inline(v, seen) if k not in ("enum", "required") else v for k, v in node.items()
        }

    def fast_validator(self, schema: JSON) -> Any:
        """The compiled (``jsonschema-rs``) validator of ``schema``, cached."""
        key = repr(schema)
        found = self._fast.get(key)
        if found is None:
            import jsonschema_rs

            found = self._fast[key] = jsonschema_rs.Draft202012Validator(
                for_fast_validator(self.inline(to_json_schema(schema))),
                formats=_FAST_FORMATS,
                validate_formats=True,
                ignore_unknown_formats=True,
                registry=self._fast_registry,
            )
        return found

    def is_valid(self, schema: JSON, instance: Any) -> bool:
        """Whether ``instance`` fits ``schema`` (decided by ``jsonschema`` when the compiled
        validator finds fault)."""
        if self.fast_validator(schema).is_valid(instance):
            return True
        return not any(True for _ in self.validator(schema).iter_errors(instance))

    def errors(self, schema: JSON, instance: Any) -> list[str]:
        if self.fast_validator(schema).is_valid(instance):
            return []
        return [
            f"{_path(e) or '$'}: {e.message[:300]}"
            for e in self.validator(schema).iter_errors(instance)
        ]

    def field_errors(self, schema: JSON, instance: Any) -> dict[str, list[str]]:
        """Errors keyed by field, or an empty dict when ``instance`` is valid."""
        if self.fast_validator(schema).is_valid(instance):
            return {}
        out: dict[str, list[str]] = {}
        for error in self.validator(schema).iter_errors(instance):
            out.setdefault(field_of(error), []).append(message_of(error))
        return out

    # -- shaping ---------------------------------------------------------------------------

    def resolve(self, schema: JSON) -> tuple[JSON, bool]:
        """Follow ``$ref`` and single ``allOf`` wrappers; return the target and nullability."""
        nullable = bool(schema.get("nullable"))
        while True:
            if "$ref" in schema:
                schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
            elif "allOf" in schema and len(schema["allOf"]) == 1 and "properties" not in schema:
                schema = schema["allOf"][0]
            else:
                return schema, nullable or bool(schema.get("nullable"))
            nullable = nullable or bool(schema.get("nullable"))

    def default(self, schema: JSON) -> Any:
        """The neutral value of a schema, used for a field a record does not carry."""
        target, nullable = self.resolve(schema)
        if nullable:
            return None
        if "enum" in target:
            return target["enum"][0]
        kind = target.get("type")
        if kind == "object" or "properties" in target:
            return self.shape(target, {})
        if kind == "array":
            return []
        if kind == "string":
            fmt = target.get("format")
            if fmt == "uuid":
                return "00000000-0000-0000-0000-000000000000"
            if fmt == "date-time":
                return "1970-01-01T00:00:00Z"
            return ""
        if kind == "integer":
            return 0
        if kind == "number":
            return 0.0
        if kind == "boolean" or "oneOf" in target:
            return False
        return None

    def shape(self, schema: JSON | str, data: Any) -> Any:
        """Project ``data`` onto ``schema`` (a schema or a component name)."""
        target: JSON = self.components[schema] if isinstance(schema, str) else schema
        return self.shaper(target)(data)

    def shaper(self, schema: JSON) -> Callable[[Any], Any]:
        """The compiled form of :meth:`shape` for one schema (built once, cached by identity)."""
        key = id(schema)
        found = self._shapers.get(key)
        if found is None:
            found = self._shapers[key] = self._compile(schema)
            self._keep.append(schema)  # ids stay valid while the schema lives
        return found

    def _compile(self, schema: JSON) -> Callable[[Any], Any]:
        target, nullable = self.resolve(schema)
        props = target.get("properties")
        missing = object()
        fields: list[tuple[str, Callable[[Any], Any], Any]] = []

        def neutral() -> Any:
            return None if nullable else copy.deepcopy(self.default(target))

        if props is not None:

            def shape_object(data: Any) -> Any:
                if data is None:
                    return neutral()
                if not isinstance(data, dict):
                    return data
                if not fields:
                    for name, sub in props.items():
                        sub_shape = self.shaper(sub)
                        fields.append((name, sub_shape, self.default(sub)))
                out = {}
                scalars = self._scalars
                for name, sub_shape, default in fields:
                    value = data.get(name, missing)
                    if value is missing:
                        value = (
                            copy.deepcopy(default) if isinstance(default, (dict, list)) else default
                        )
                        out[name] = value
                    elif value is not None and sub_shape in scalars:
                        out[name] = value  # what shape_scalar returns, without the call
                    else:
                        out[name] = sub_shape(value)
                return out

            return shape_object
        if target.get("type") == "array":
            items = target.get("items", {})

            def shape_array(data: Any) -> Any:
                if data is None:
                    return neutral()
                if not isinstance(data, list):
                    return data
                item_shape = self.shaper(items)
                return [item_shape(x) for x in data]

            return shape_array

        def shape_scalar(data: Any) -> Any:
            return neutral() if data is None else data

        self._scalars.add(shape_scalar)
        return shape_scalar
