"""What the namespace templates write, decided here from the generator's parse of the spec.

``spec/templates/api_init.py.jinja`` and ``endpoint_init.py.jinja`` lay out the typed
namespaces the ``configcat_publicapi`` clients expose (one class per spec tag, one operation
class per endpoint); every decision behind that text is made in this module, where unit tests
reach it: the client attribute of each tag, an operation's return type, whether and how it
pages, its signature, the arguments of its request, its docstring.

The input is openapi-python-client's own model of the spec (``EndpointCollection``,
``Endpoint``, the ``Property`` union): a new operation or tag upstream is rendered with no line
written here. The properties are read by duck typing (``getattr``), as the generator's own
templates read them: which attributes a property has depends on its kind (a model has
``required_properties``, a list has ``inner_property``, a union ``inner_properties``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from openapi_python_client.parser.openapi import Endpoint, EndpointCollection
from openapi_python_client.strings import (
    PythonIdentifier,
    in_double_quote_literal,
    pascal_case,
    safe_for_docstring,
)

#: The client attribute(s) of each generated folder (one folder per spec tag) where the tag's
#: own snake_case name is not the one users call; the first name is the namespace's, the
#: others are aliases. A tag missing here is called by its folder name, so a tag added
#: upstream appears after ``make regenerate`` with no line written.
NAMES: Mapping[str, tuple[str, ...]] = {
    "change_requests_approval_flow_scheduled_changes_beta": ("change_requests",),
    "feature_flags_settings": ("settings", "flags"),
    "feature_flag_setting_values": ("setting_values",),
    "feature_flag_setting_values_v2": ("setting_values_v2",),
    "feature_flag_setting_values_using_sdk_key": ("sdk_key_values",),
    "feature_flag_setting_values_using_sdk_key_v2": ("sdk_key_values_v2",),
    "zombie_stale_flags": ("stale_flags",),
}

#: Docstring paragraphs are wrapped at this width before the template indents them.
DOC_WIDTH = 92
#: A paged operation's default page size when the spec gives none.
DEFAULT_PAGE_SIZE = "100"
#: The import every namespace module needs whatever its operations (``UNSET`` defaults).
BASE_IMPORT = "from ...types import UNSET, Unset"


def names_of(tag: str) -> tuple[str, ...]:
    """The client attributes of a tag's folder: the namespace's name, then its aliases."""
    return NAMES.get(tag, (tag,))


def class_of(tag: str, prefix: str = "") -> str:
    """The namespace class of a tag (``prefix`` is ``"Async"`` for the asynchronous one)."""
    return f"{prefix}{pascal_case(names_of(tag)[0])}Namespace"


def wrap(text: str, width: int = DOC_WIDTH) -> str:
    """Wrap each line of ``text`` at ``width``, keeping its line breaks (as Jinja's
    ``wordwrap`` filter does, so the docstrings read as the generator's own)."""
    return "\n".join(
        "\n".join(
            textwrap.wrap(
                line,
                width=width,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=True,
                break_on_hyphens=True,
            )
        )
        for line in text.splitlines()
    )


def _code(value: Any) -> str:
    """The text of a ``PythonCode`` the generator returns for types and parameters."""
    text: str = value.as_unembedded_code()
    return text


def _properties(model: Any) -> list[Any]:
    """A model's properties, required first; none for a property that is not a model."""
    required = getattr(model, "required_properties", None) or []
    optional = getattr(model, "optional_properties", None) or []
    return [*required, *optional]


def _is_success(response: Any) -> bool:
    code_range = response.status_code.range
    return bool(code_range) and code_range[0] >= 200 and code_range[1] <= 299


def success_type(endpoint: Endpoint) -> str:
    """The return type of an operation: the union of its 2xx answers' types, ``None`` for
    an answer with no body (or no 2xx answer at all)."""
    types: list[str] = []
    for response in endpoint.responses:
        if not _is_success(response):
            continue
        if response.source["attribute"] == "None":
            found = "None"
        else:
            found = _code(response.prop.get_type_string())
        if found not in types:
            types.append(found)
    return " | ".join(types) or "None"


def list_item(model: Any) -> str | None:
    """The item type of a paged list (a model with ``data`` and ``paging``), else None."""
    properties = _properties(model)
    if "paging" not in [prop.python_name for prop in properties]:
        return None
    for prop in properties:
        if prop.python_name != "data":
            continue
        for candidate in getattr(prop, "inner_properties", None) or [prop]:
            inner = getattr(candidate, "inner_property", None)
            if inner is not None:
                return _code(inner.get_type_string())
    return None


@dataclass(frozen=True)
class Paging:
    """How an operation pages: the type of its items, and the attribute of its answer that
    holds the paged list (empty when the answer is the paged list itself)."""

    item: str
    attribute: str = ""


def paging(endpoint: Endpoint) -> Paging | None:
    """How an operation pages, or None: it pages when it takes ``page_number`` and
    ``page_size`` and a 2xx answer is (or holds, in one attribute) a paged list."""
    query = [parameter.python_name for parameter in endpoint.query_parameters]
    if "page_number" not in query or "page_size" not in query:
        return None
    for response in endpoint.responses:
        if not _is_success(response) or not hasattr(response.prop, "required_properties"):
            continue
        item = list_item(response.prop)
        if item:
            return Paging(item=item)
        for prop in _properties(response.prop):
            if not hasattr(prop, "required_properties"):
                continue
            inner = list_item(prop)
            if inner:
                return Paging(item=inner, attribute=prop.python_name)
    return None


def _path_literal(endpoint: Endpoint, placeholder: Mapping[str, str]) -> str:
    """The path as a string literal's content, each path parameter's ``{python_name}``
    replaced by ``placeholder[python_name]``."""
    text = in_double_quote_literal(endpoint.path)
    for parameter in endpoint.path_parameters:
        python_name = parameter.python_name
        text = text.replace("{" + python_name + "}", placeholder[python_name])
    return text


def limiter_path(endpoint: Endpoint) -> str:
    """The operation as the rate limiter keys it: method and path with ``{}`` for each
    path value (one bucket per operation, not per product)."""
    placeholders = {str(parameter.python_name): "{}" for parameter in endpoint.path_parameters}
    return f"{endpoint.method.upper()} {_path_literal(endpoint, placeholders)}"


def spec_path(endpoint: Endpoint) -> str:
    """The path as the spec writes it (the generator renames its parameters)."""
    placeholders = {
        str(parameter.python_name): "{" + in_double_quote_literal(parameter.name) + "}"
        for parameter in endpoint.path_parameters
    }
    return _path_literal(endpoint, placeholders)


def parameters(endpoint: Endpoint, paged: bool = False) -> list[str]:
    """The signature after ``self``, one parameter a line: path values first (positional,
    by keyword too), the rest keyword-only. ``reason`` defaults to the client's own; a
    ``paginate`` signature (``paged``) starts at page 1."""
    lines = [f"{_code(parameter.to_string())}," for parameter in endpoint.path_parameters]
    if endpoint.bodies or endpoint.query_parameters or endpoint.header_parameters:
        lines.append("*,")
    if len(endpoint.bodies) == 1:
        body = endpoint.bodies[0].prop
        default = "" if body.required else " = UNSET"
        lines.append(f"body: {_code(body.get_type_string())}{default},")
    for parameter in [*endpoint.query_parameters, *endpoint.header_parameters]:
        name = parameter.python_name
        if name == "reason":
            lines.append("reason: str | NotGiven = NOT_GIVEN,")
        elif paged and name == "page_number":
            lines.append("page_number: int = 1,")
        elif paged and name == "page_size":
            size = _code(parameter.default.python_code) if parameter.default else DEFAULT_PAGE_SIZE
            lines.append(f"page_size: int = {size},")
        else:
            lines.append(f"{_code(parameter.to_string())},")
    return lines


def request_arguments(endpoint: Endpoint, page: str = "") -> list[str]:
    """The arguments of the endpoint module's ``_get_kwargs``, one a line; ``page`` names
    the variable that carries the page number while paginating."""
    lines = [f"{parameter.python_name}," for parameter in endpoint.path_parameters]
    if endpoint.bodies:
        lines.append("body=body,")
    for parameter in [*endpoint.query_parameters, *endpoint.header_parameters]:
        name = parameter.python_name
        if name == "reason":
            lines.append(
                "reason=self._client._reason if isinstance(reason, NotGiven) else reason,"
                "  # type: ignore[arg-type]"
            )
        elif page and name == "page_number":
            lines.append(f"page_number={page},")
        else:
            lines.append(f"{name}={name},")
    return lines


def summary_of(endpoint: Endpoint) -> str:
    """The operation's one-line summary for a docstring, its name when the spec has none."""
    if endpoint.summary:
        return safe_for_docstring(endpoint.summary)
    return str(endpoint.name)


def doc(endpoint: Endpoint, what: str = "") -> str:
    """An operation's docstring before the template's closing lines: the summary (with
    ``what`` the method gives), the description, then the method and the spec's path."""
    first = wrap(safe_for_docstring(endpoint.summary)) if endpoint.summary else str(endpoint.name)
    text = f"{first}{what}\n\n"
    if endpoint.description:
        text += f"{wrap(safe_for_docstring(endpoint.description))}\n\n"
    return text + f"``{endpoint.method.upper()} {spec_path(endpoint)}``\n"


@dataclass(frozen=True)
class Operation:
    """One endpoint as a namespace method: everything its operation class needs."""

    method: str
    module: str
    class_name: str
    returns: str
    paging: Paging | None
    limiter_path: str
    spec_path: str
    http_method: str
    summary: str
    doc: str
    doc_raw: str
    doc_every_item: str
    parameters: list[str]
    paged_parameters: list[str]
    arguments: list[str]
    page_arguments: list[str]

    @classmethod
    def of(cls, endpoint: Endpoint, field_prefix: str) -> Operation:
        method = str(PythonIdentifier(endpoint.name, field_prefix))
        pages = paging(endpoint)
        return cls(
            method=method,
            module=f"_{method}",
            class_name=f"{pascal_case(method)}Operation",
            returns=success_type(endpoint),
            paging=pages,
            limiter_path=limiter_path(endpoint),
            spec_path=spec_path(endpoint),
            http_method=endpoint.method.upper(),
            summary=summary_of(endpoint),
            doc=doc(endpoint),
            doc_raw=doc(endpoint, " (the whole response)"),
            doc_every_item=doc(endpoint, " (every item)") if pages else "",
            parameters=parameters(endpoint),
            paged_parameters=parameters(endpoint, paged=True) if pages else [],
            arguments=request_arguments(endpoint),
            page_arguments=request_arguments(endpoint, page="page") if pages else [],
        )


@dataclass(frozen=True)
class Namespace:
    """One spec tag as a client namespace: its folder, attributes, classes and operations."""

    tag: str
    names: tuple[str, ...]
    operations: list[Operation]
    imports: list[str]

    @property
    def name(self) -> str:
        """The client attribute of the namespace (the others are aliases)."""
        return self.names[0]

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.names[1:]

    def class_name(self, prefix: str = "") -> str:
        return class_of(self.tag, prefix)

    @classmethod
    def of(cls, collection: EndpointCollection, field_prefix: str) -> Namespace:
        endpoints = sorted(collection.endpoints, key=lambda endpoint: str(endpoint.name).lower())
        imports = {BASE_IMPORT}
        for endpoint in collection.endpoints:
            imports.update(endpoint.relative_imports)
        return cls(
            tag=collection.tag,
            names=names_of(collection.tag),
            operations=[Operation.of(endpoint, field_prefix) for endpoint in endpoints],
            imports=sorted(imports, key=str.lower),
        )


def namespaces(collections: Iterable[EndpointCollection], field_prefix: str) -> list[Namespace]:
    """Every tag's namespace, in the order of their folders' names (a collection's tag is
    its folder's name)."""
    ordered = sorted(collections, key=lambda collection: collection.tag.lower())
    return [Namespace.of(collection, field_prefix) for collection in ordered]


def operation_calls(collections: Iterable[EndpointCollection], field_prefix: str) -> dict[str, str]:
    """Each operation's client call, ``namespace.method``, by its method name."""
    return {
        str(PythonIdentifier(endpoint.name, field_prefix)): (
            f"{names_of(collection.tag)[0]}.{PythonIdentifier(endpoint.name, field_prefix)}"
        )
        for collection in collections
        for endpoint in collection.endpoints
    }
