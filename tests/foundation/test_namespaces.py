"""spec/namespaces.py: what the namespace templates write, from the generator's parse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import EndpointCollection

from spec import namespaces
from spec.namespaces import Namespace, Operation, Paging


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema}}}}


PRODUCT_ID = {
    "in": "path",
    "name": "productId",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
PAGE = [
    {"in": "query", "name": "pageNumber", "schema": {"type": "integer"}},
    {"in": "query", "name": "pageSize", "schema": {"type": "integer", "default": 50}},
]
REASON = {"in": "query", "name": "reason", "schema": {"type": "string"}}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.4",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/products/{productId}/things": {
            "get": {
                "tags": ["Things"],
                "operationId": "list-things",
                "summary": "List Things",
                "description": "Every Thing of a Product.",
                "parameters": [PRODUCT_ID, *PAGE],
                "responses": _answer(_ref("ThingList")),
            },
            "post": {
                "tags": ["Things"],
                "operationId": "create-thing",
                "parameters": [PRODUCT_ID, REASON],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("Thing")}},
                },
                "responses": _answer(_ref("Thing"), "201"),
            },
        },
        "/v1/things/{thingId}": {
            "delete": {
                "tags": ["Things"],
                "operationId": "delete-thing",
                "summary": "Delete a Thing",
                "parameters": [
                    {"in": "path", "name": "thingId", "required": True}
                    | {"schema": {"type": "integer"}}
                ],
                "responses": {"204": {"description": "gone"}},
            }
        },
        "/v1/wrapped": {
            "get": {
                "tags": ["Feature Flags & Settings"],
                "operationId": "get-wrapped",
                "summary": "Wrapped",
                "parameters": PAGE,
                "responses": _answer(_ref("Wrapper")),
            }
        },
    },
    "components": {
        "schemas": {
            "Thing": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Paging": {"type": "object", "properties": {"page": {"type": "integer"}}},
            "ThingList": {
                "type": "object",
                "required": ["data", "paging"],
                "properties": {
                    "data": {"type": "array", "items": _ref("Thing")},
                    "paging": _ref("Paging"),
                },
            },
            "Wrapper": {
                "type": "object",
                "required": ["things"],
                "properties": {"things": _ref("ThingList")},
            },
        }
    },
}


def _parse() -> tuple[list[EndpointCollection], str]:
    """The generator's parse of ``DOCUMENT``: its collections and the field prefix."""
    config = Config.from_sources(
        ConfigFile(), MetaType.NONE, Path("doc.json"), "utf-8", False, output_path=None
    )
    data = GeneratorData.from_dict(DOCUMENT, config=config)
    assert isinstance(data, GeneratorData)
    return list(data.endpoint_collections_by_tag.values()), config.field_prefix


@pytest.fixture(scope="module")
def parsed() -> dict[str, Namespace]:
    views = namespaces.namespaces(*_parse())
    return {view.tag: view for view in views}


def _operation(parsed: dict[str, Namespace], tag: str, method: str) -> Operation:
    return next(found for found in parsed[tag].operations if found.method == method)


def test_a_tag_is_called_by_its_folder_unless_named_otherwise() -> None:
    assert namespaces.names_of("products") == ("products",)
    assert namespaces.names_of("feature_flags_settings") == ("settings", "flags")
    assert namespaces.class_of("feature_flags_settings") == "SettingsNamespace"
    assert namespaces.class_of("zombie_stale_flags", "Async") == "AsyncStaleFlagsNamespace"


def test_namespaces_are_ordered_by_folder_and_operations_by_name(
    parsed: dict[str, Namespace],
) -> None:
    assert list(parsed) == ["feature_flags_settings", "things"]
    things = parsed["things"]
    methods = [operation.method for operation in things.operations]
    assert methods == ["create_thing", "delete_thing", "list_things"]
    assert (things.name, things.aliases) == ("things", ())
    assert (parsed["feature_flags_settings"].name, parsed["feature_flags_settings"].aliases) == (
        "settings",
        ("flags",),
    )
    assert things.class_name("Async") == "AsyncThingsNamespace"


def test_imports_are_the_endpoints_own_and_unset_once(parsed: dict[str, Namespace]) -> None:
    imports = parsed["things"].imports
    assert imports.count(namespaces.BASE_IMPORT) == 1
    assert "from ...models.thing_list import ThingList" in imports
    assert imports == sorted(imports, key=str.lower)


def test_a_paged_list_answer_pages_over_its_items(parsed: dict[str, Namespace]) -> None:
    listing = _operation(parsed, "things", "list_things")
    assert listing.returns == "ThingList"
    assert listing.paging == Paging(item="Thing", attribute="")
    assert listing.parameters == [
        "product_id: UUID,",
        "*,",
        "page_number: int | Unset = UNSET,",
        "page_size: int | Unset = 50,",
    ]
    # paginate starts at page 1 and keeps the spec's default page size
    assert listing.paged_parameters[2:] == ["page_number: int = 1,", "page_size: int = 50,"]
    assert listing.page_arguments == ["product_id,", "page_number=page,", "page_size=page_size,"]


def test_an_answer_holding_the_paged_list_pages_through_its_attribute(
    parsed: dict[str, Namespace],
) -> None:
    wrapped = _operation(parsed, "feature_flags_settings", "get_wrapped")
    assert wrapped.paging == Paging(item="Thing", attribute="things")


def test_an_operation_that_does_not_page_has_no_paginate(parsed: dict[str, Namespace]) -> None:
    creating = _operation(parsed, "things", "create_thing")
    assert creating.paging is None
    assert (creating.paged_parameters, creating.page_arguments, creating.doc_every_item) == (
        [],
        [],
        "",
    )


def test_reason_defaults_to_the_clients_own(parsed: dict[str, Namespace]) -> None:
    creating = _operation(parsed, "things", "create_thing")
    assert creating.returns == "Thing"
    assert creating.parameters == [
        "product_id: UUID,",
        "*,",
        "body: Thing,",
        "reason: str | NotGiven = NOT_GIVEN,",
    ]
    assert creating.arguments[:2] == ["product_id,", "body=body,"]
    assert creating.arguments[2].startswith(
        "reason=self._client._reason if isinstance(reason, NotGiven) else reason,"
    )


def test_an_answer_with_no_body_returns_none(parsed: dict[str, Namespace]) -> None:
    deleting = _operation(parsed, "things", "delete_thing")
    assert deleting.returns == "None"
    assert deleting.parameters == ["thing_id: int,"]
    assert deleting.arguments == ["thing_id,"]


def test_paths_keep_the_specs_names_and_the_limiter_drops_the_values(
    parsed: dict[str, Namespace],
) -> None:
    listing = _operation(parsed, "things", "list_things")
    assert listing.spec_path == "/v1/products/{productId}/things"
    assert listing.limiter_path == "GET /v1/products/{}/things"
    assert (listing.http_method, listing.module, listing.class_name) == (
        "GET",
        "_list_things",
        "ListThingsOperation",
    )


def test_docstrings_say_summary_description_and_request(parsed: dict[str, Namespace]) -> None:
    listing = _operation(parsed, "things", "list_things")
    assert listing.doc == (
        "List Things\n\nEvery Thing of a Product.\n\n``GET /v1/products/{productId}/things``\n"
    )
    assert listing.doc_raw.startswith("List Things (the whole response)\n\n")
    assert listing.doc_every_item.startswith("List Things (every item)\n\n")
    # no summary: the operation's name stands in
    creating = _operation(parsed, "things", "create_thing")
    assert creating.summary == "create_thing"
    assert creating.doc == "create_thing\n\n``POST /v1/products/{productId}/things``\n"


def test_wrap_keeps_line_breaks_and_wraps_long_lines() -> None:
    text = "first line\n" + "word " * 30
    wrapped = namespaces.wrap(text, width=20)
    lines = wrapped.splitlines()
    assert lines[0] == "first line"
    assert all(len(line) <= 20 for line in lines)
    assert " ".join(lines[1:]).split() == ["word"] * 30


def test_operation_calls_name_the_namespace_users_call() -> None:
    assert namespaces.operation_calls(*_parse()) == {
        "get_wrapped": "settings.get_wrapped",
        "create_thing": "things.create_thing",
        "delete_thing": "things.delete_thing",
        "list_things": "things.list_things",
    }
