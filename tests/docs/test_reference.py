"""The generated reference leaves nothing out: every operation, model, enum, error, setting,
subcommand, option, control route, fixture, marker and schema definition has its entry."""

from __future__ import annotations

import ast
import importlib
import json
from functools import cache
from pathlib import Path

import pytest

from scripts.docsite import build_pages, commands, errors, mock_server, models, operations, plugin
from scripts.docsite import spec as spec_pages

ROOT = Path(__file__).resolve().parents[2]


@cache
def pages() -> dict[str, str]:
    return build_pages()


def test_every_operation_of_the_spec_has_its_entry() -> None:
    listed = list(operations.all_operations())
    spec_ids = {op.operation_id for op in spec_pages.operations().values()}
    assert {op.spec.operation_id for op in listed} == spec_ids
    assert len(listed) == len(spec_ids) >= 123
    for op in listed:
        page = pages()[op.page]
        assert f"## `{op.method}` {{ #{op.method} }}" in page
        assert f"`{op.spec.method.upper()} {op.spec.path}`" in page
        assert f"await acc.{op.namespace}.{op.method}(...)" in page
        assert f"cc.{op.namespace}.{op.method}.raw(...)" in page
        assert (f"cc.{op.namespace}.{op.method}.paginate(...)" in page) == op.paged


def test_an_alias_is_named_on_its_namespace_page() -> None:
    assert operations.aliases() == {"flags": "settings"}
    assert "(also `cc.flags`)" in pages()["reference/operations/settings.md"]
    assert "(also" not in pages()["reference/operations/products.md"]


def test_the_spec_anchors_point_at_the_operation_pages() -> None:
    text = "\n".join(pages().values())
    assert "](#operation/" not in text
    assert "](#tag/" not in text
    # the upstream's "[List Products](#operation/get-products)" names the products page
    rewritten = operations.rewrite_anchors("[List Products](#operation/get-products)")
    assert rewritten == "[List Products](products.md#get_products)"


def test_every_parameter_of_an_operation_is_in_its_table() -> None:
    op = next(o for o in operations.all_operations() if o.method == "get_auditlogs_v2")
    page = pages()[op.page]
    section = page[page.index("## `get_auditlogs_v2`") :]
    for name in ("product_id", "config_id", "audit_log_type", "page_size"):
        assert f"| `{name}` |" in section
    assert "[`AuditLogType`](../../reference/enums.md#auditlogtype)" in section


def test_every_model_and_enum_has_its_entry() -> None:
    model_classes, enum_classes = models.classes()
    assert len(model_classes) > 100
    assert enum_classes
    for name, model in model_classes.items():
        page = pages()[models.MODELS_PAGE]
        assert f"## `{name}` {{ #{models.anchor(name)} }}" in page
        for field in (f for f in __import__("attrs").fields(model) if f.init):
            assert f"| `{field.name}` |" in page
    for name, enum_class in enum_classes.items():
        page = pages()[models.ENUMS_PAGE]
        assert f"## `{name}` {{ #{models.anchor(name)} }}" in page
        for member in enum_class:
            assert f"`{member.value!r}`" in page


def test_the_errors_listed_do_not_depend_on_what_was_imported_before() -> None:
    # the command's private modules define exceptions of their own; once imported (a test
    # ran the command in this process) they are subclasses too, and must still be left out
    importlib.import_module("configcat_publicapi._cli.commands")
    errors.exception_classes.cache_clear()
    paths = [errors._public_path(cls) for cls in errors.exception_classes()]
    assert [path for path in paths if "._" in path] == []
    assert "configcat_publicapi.NotFoundError" in paths


def test_every_error_and_setting_has_its_entry() -> None:
    page = pages()[errors.ERRORS_PAGE]
    names = {cls.__name__ for cls in errors.exception_classes()}
    assert {"NotFoundError", "RateLimitError", "DocumentError", "StateFileError"} <= names
    for name in names:
        assert f"## `{name}`" in page
    source = (ROOT / "overlay" / "configcat_publicapi" / "_constants.py").read_text()
    constants = {
        node.targets[0].id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    for name in constants:
        assert f"| `{name}` |" in pages()[errors.SETTINGS_PAGE]


def test_the_message_index_holds_the_messages_users_meet() -> None:
    page = pages()[errors.MESSAGES_PAGE]
    assert "ConfigCat Public API credentials are missing" in page
    assert "is not a configcat-mock state file" in page
    assert len(errors.messages()) > 50


@pytest.mark.parametrize("command", commands.COMMANDS, ids=lambda c: c.name)
def test_every_subcommand_and_option_has_its_entry(command: commands.Command) -> None:
    page = pages()[command.page]
    subs = commands.subcommands(commands.parser_of(command))
    assert subs
    for name, sub in subs.items():
        assert f"## `{command.name} {name}` {{ #{name} }}" in page
        section = page[page.index(f"{{ #{name} }}") :]
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in section, f"{command.name} {name} {option}"


def test_every_subcommand_has_an_example() -> None:
    assert commands.missing_examples() == []


def test_the_detailed_exit_code_is_documented() -> None:
    page = pages()["reference/cli.md"]
    assert "`--detailed-exitcode`" in page
    assert "| `2` | `EXIT_PENDING` |" in page


def test_every_route_of_the_fake_is_described() -> None:
    routes = mock_server.routes()
    assert any(route.path == "/_mock/reset" for route in routes)
    assert any(route.path.startswith("/configuration-files/") for route in routes)
    assert mock_server.undescribed_routes() == []
    page = pages()[mock_server.PAGE]
    for route in routes:
        assert f"`{route.shown_path}`" in page
        assert ":path}" not in route.shown_path and ":int}" not in route.shown_path


def test_the_delivery_protocols_preflights_and_dashboard_are_listed() -> None:
    """The protocols' routes answer OPTIONS (CORS preflights) and the dashboard has its own
    route table: both come out of the route tables, in the page's own sections."""
    page = pages()[mock_server.PAGE]
    for anchor in ("ofrep", "proxy-api", "proxy-streams", "proxy-profiles", "cors", "dashboard"):
        assert f"{{ #{anchor} }}" in page, anchor
    assert "| `POST`, `OPTIONS` | `/ofrep/v1/evaluate/flags` |" in page
    assert "| `GET`, `OPTIONS` | `/sse/{sdk_id}/eval-all/{data}` |" in page
    assert "| `POST`, `OPTIONS` | `/api/{sdk_id}/eval` |" in page
    assert "| `GET` | `/v1/proxy/config/{profile_key}` |" in page
    assert "| `GET`, `POST` | `/_dashboard/values/{setting_id}/{environment_id}` |" in page
    dashboard = [route for route in mock_server.routes() if route.dashboard]
    assert {route.path for route in dashboard} >= {"/", "/_dashboard/", "/_dashboard/login"}
    assert not any(route.dashboard for route in mock_server.routes() if route.control)


def test_methods_are_listed_reads_first_and_preflights_last() -> None:
    assert mock_server._by_usual_order(["OPTIONS", "POST", "GET", "TRACE", "DELETE"]) == [
        "GET",
        "POST",
        "DELETE",
        "OPTIONS",
        "TRACE",
    ]


def test_every_fixture_marker_and_option_of_the_plugin_is_described() -> None:
    page = pages()[plugin.PAGE]
    fixtures = plugin.fixtures()
    assert {"configcat_mock", "configcat_client", "configcat_flags"} <= {f.name for f in fixtures}
    for fixture in fixtures:
        assert fixture.doc, f"fixture {fixture.name} has no description"
        assert f"| `{fixture.name}` |" in page
    assert [name for name, _ in plugin.markers()]
    for name, text in plugin.markers():
        assert text and f"`@pytest.mark.{name}`" in page
    command_line, ini = plugin.options()
    for option in command_line:
        assert f"`{', '.join(option['names'])}`" in page
    for name in ini:
        assert f"| `{name}` |" in page


def test_every_part_of_the_workflow_schema_is_rendered() -> None:
    schema = json.loads(
        (ROOT / "overlay/configcat_publicapi/workflows/product.schema.json").read_text()
    )
    page = pages()["reference/workflow-schema.md"]
    for name in schema["properties"]:
        assert f"| `{name}` |" in page
    for name in schema["$defs"]:
        assert f"### `{name}`" in page
    for name, prop in schema["properties"].items():
        for inner in prop.get("properties", {}):
            assert f"#### `{name}`" in page
            assert f"| `{inner}` |" in page


def test_the_troubleshooting_guide_names_every_error() -> None:
    guide = (ROOT / "docs" / "guides" / "troubleshooting.md").read_text(encoding="utf-8")
    missing = [cls.__name__ for cls in errors.exception_classes() if cls.__name__ not in guide]
    assert missing == [], f"docs/guides/troubleshooting.md does not say what to do about {missing}"
