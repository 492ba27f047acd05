"""Users' type checkers see each operation's model: the typed namespaces match the generated
package, and mypy on a user's code infers models, flags typos and paginates typed items."""

from __future__ import annotations

import re
import types
import typing
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient
from configcat_publicapi import _namespace_types as ns
from configcat_publicapi._operations import API_PACKAGE, NAMESPACES, operations_of

ROOT = Path(__file__).resolve().parents[2]
_ANNOTATION = re.compile(r"_NamespaceAttr\[ns\.(\w+)\[(Sync|Async)\]\]")


def _returned_model(folder: str, name: str) -> Any:
    """What an overlay call returns: the generated response type without ``Any`` and ``None``."""
    module = import_module(f"{API_PACKAGE}.{folder}.{name}")
    (parsed,) = typing.get_args(typing.get_type_hints(module.sync_detailed)["return"])
    if typing.get_origin(parsed) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(parsed) if a not in (Any, type(None))]
    else:
        members = [] if parsed in (Any, type(None)) else [parsed]
    if not members:
        return None
    return members[0] if len(members) == 1 else typing.Union[tuple(members)]  # noqa: UP007


@pytest.mark.parametrize(
    ("client", "kind"), [(ConfigCatClient, "Sync"), (AsyncConfigCatClient, "Async")]
)
def test_every_namespace_is_typed_with_its_folders_operations(client: type, kind: str) -> None:
    annotations: dict[str, str] = vars(client).get("__annotations__", {})
    assert set(NAMESPACES) <= set(annotations)
    for short, folder in NAMESPACES.items():
        match = _ANNOTATION.fullmatch(annotations[short])
        assert match, annotations[short]
        assert match.group(2) == kind
        typed = getattr(ns, match.group(1))
        declared = {k for k, v in vars(typed).items() if isinstance(v, ns.Op)}
        assert declared == set(operations_of(folder)), short


def test_each_typed_operation_returns_the_generated_model() -> None:
    checked = 0
    for folder in set(NAMESPACES.values()):
        classes = [
            c
            for c in vars(ns).values()
            if isinstance(c, type)
            and issubclass(c, ns._NamespaceBase)
            and {k for k, v in vars(c).items() if isinstance(v, ns.Op)}
            == set(operations_of(folder))
        ]
        assert len(classes) == 1, folder
        for name in operations_of(folder):
            op = vars(classes[0])[name]
            (declared,) = typing.get_args(op.__orig_class__)
            declared = None if declared is type(None) else declared
            assert declared == _returned_model(folder, name), f"{folder}.{name}"
            checked += 1
    assert checked == 123


USER_CODE = """
from typing import reveal_type
from configcat_publicapi import AsyncConfigCatClient, ConfigCatClient

def sync_use(cc: ConfigCatClient) -> None:
    product = cc.products.get_product("id")
    reveal_type(product)
    reveal_type(cc.flags.get_settings("config"))
    reveal_type(cc.settings.delete_setting(1))
    reveal_type(cc.paginate(cc.audit_logs.get_auditlogs_v2, "p"))
    reveal_type(cc.products.get_product.raw("id"))
    cc.products.get_prodcut("id")
    cc.products.get_products.paginate()
    print(product.nme)

async def async_use(acc: AsyncConfigCatClient) -> None:
    reveal_type(await acc.configs.get_config("id"))
    async for item in acc.audit_logs.get_auditlogs_v2.paginate("p"):
        reveal_type(item)
"""


@pytest.mark.slow
def test_mypy_sees_models_in_user_code(tmp_path: Path) -> None:
    from mypy import api

    user = tmp_path / "user_code.py"
    user.write_text(USER_CODE)
    out, err, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", str(user)]
    )
    assert status == 1, out + err  # the three mistakes below are found
    revealed = re.findall(r":(\d+): note: Revealed type is \"([^\"]+)\"", out)
    models = "configcat_publicapi_client.models"
    assert revealed == [
        ("7", f"{models}.product_model.ProductModel"),
        ("8", f"list[{models}.setting_model.SettingModel]"),
        ("9", "None"),
        ("10", f"typing.Iterator[{models}.audit_log_item_model.AuditLogItemModel]"),
        ("11", "configcat_publicapi._operations.RawResponse"),
        ("17", f"{models}.config_model.ConfigModel"),
        ("19", f"{models}.audit_log_item_model.AuditLogItemModel"),
    ], out
    errors = re.findall(r":(\d+): error: (.*)", out)
    assert [line for line, _ in errors] == ["12", "13", "14"], out
    assert "get_prodcut" in errors[0][1]
    assert "paginate" in errors[1][1]  # get_products is not a paged operation
    assert "nme" in errors[2][1]
