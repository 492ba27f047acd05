"""make regenerate: deterministic output in which every module imports."""

from __future__ import annotations

import filecmp
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import configcat_publicapi_client
from spec.generate import generate
from spec.tree_digest import pinned_digest, tree_digest

REPO = Path(__file__).resolve().parents[2]
NORMALISED = REPO / "spec" / "build" / "normalised.json"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def fresh_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package generated from the pinned spec, once for the tests that compare it."""
    if not NORMALISED.is_file():
        pytest.fail("spec/build/normalised.json is missing: run `make regenerate`")
    target = tmp_path_factory.mktemp("fresh") / "configcat_publicapi_client"
    generate(NORMALISED, target)
    return target


@pytest.mark.slow
def test_generated_code_is_the_pinned_tree(fresh_package: Path) -> None:
    """The generated code is byte for byte what ``spec/generated.sha256`` pins: a change to
    ``spec/`` (the templates, :mod:`spec.namespaces`, the normaliser) that alters it by
    accident fails here. After a deliberate change, ``make generated-digest`` regenerates and
    rewrites the digest (see :mod:`spec.tree_digest`); commit it with the change."""
    assert tree_digest(fresh_package) == pinned_digest()


@pytest.mark.slow
def test_two_runs_give_byte_identical_trees(fresh_package: Path, tmp_path: Path) -> None:
    first, second = fresh_package, tmp_path / "b" / "pkg"
    generate(NORMALISED, second)
    a, b = _tree(first), _tree(second)
    assert len(a) > 300
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    # and the installed package is what the pinned spec gives today
    installed = Path(configcat_publicapi_client.__file__).parent
    cmp = filecmp.dircmp(first, installed, ignore=["__pycache__"])
    assert (cmp.left_only, cmp.right_only, cmp.diff_files) == ([], [], [])


def test_every_generated_module_imports() -> None:
    names = [
        m.name
        for m in pkgutil.walk_packages(
            configcat_publicapi_client.__path__, configcat_publicapi_client.__name__ + "."
        )
    ]
    assert len(names) > 300
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # collect every failure, not the first
            failures[name] = repr(exc)
    assert failures == {}


def test_every_operation_has_an_endpoint_module(pinned_doc: dict[str, object]) -> None:
    from spec.normalise import iter_operations, normalise

    doc, _ = normalise(pinned_doc, log=lambda _: None)
    api = Path(configcat_publicapi_client.__file__).parent / "api"
    modules = {p.stem for p in api.rglob("*.py") if p.stem != "__init__"}
    expected = {op["operationId"].replace("-", "_") for _, _, op in iter_operations(doc)}
    assert len(expected) == 123
    assert expected - modules == set()


@pytest.mark.slow
def test_generation_failure_keeps_previous_package(tmp_path: Path) -> None:
    from spec.generate import GenerationError

    target = tmp_path / "pkg"
    target.mkdir()
    (target / "__init__.py").write_text("# previous\n")
    bad = tmp_path / "bad.json"
    missing_ref = {"schema": {"$ref": "#/components/schemas/Missing"}}
    ok = {"description": "ok", "content": {"application/json": missing_ref}}
    doc = {"openapi": "3.0.4", "info": {"title": "x", "version": "1"}}
    doc["paths"] = {"/a": {"get": {"responses": {"200": ok}}}}
    bad.write_text(json.dumps(doc))
    with pytest.raises(GenerationError):
        generate(bad, target)
    assert (target / "__init__.py").read_text() == "# previous\n"


def test_generated_package_is_marked_typed() -> None:
    assert (Path(configcat_publicapi_client.__file__).parent / "py.typed").is_file()


@pytest.mark.slow
def test_an_operation_added_upstream_appears_with_no_line_written(tmp_path: Path) -> None:
    """A new operation in a known tag and one in a new tag both become typed namespace
    methods of the clients, documented from the spec, after generation alone."""
    doc = json.loads(NORMALISED.read_text())
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductModel"}}},
    }
    uuid_param = {"in": "path", "name": "productId", "required": True}
    uuid_param["schema"] = {"type": "string", "format": "uuid"}
    doc["paths"]["/v1/products/{productId}/twin"] = {
        "get": {
            "tags": ["Products"],
            "operationId": "get-product-twin",
            "summary": "Get the twin of a Product",
            "parameters": [uuid_param],
            "responses": {"200": ok},
        }
    }
    doc["paths"]["/v1/gadgets/{productId}"] = {
        "delete": {
            "tags": ["Gadgets"],
            "operationId": "delete-gadget",
            "summary": "Delete a Gadget",
            "parameters": [uuid_param],
            "responses": {"204": {"description": "gone"}},
        }
    }
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(doc))
    generate(spec, tmp_path / "configcat_publicapi_client")
    code = (
        "import inspect\n"
        "from configcat_publicapi import ConfigCatClient, AsyncConfigCatClient\n"
        "cc = ConfigCatClient('u', 'p')\n"
        "op = cc.products.get_product_twin\n"
        "print(op.name, op.endpoint, inspect.signature(type(op).__call__))\n"
        "print((type(op).__call__.__doc__ or '').splitlines()[0])\n"
        "gone = AsyncConfigCatClient('u', 'p').gadgets.delete_gadget\n"
        "print(gone.name, inspect.signature(type(gone).__call__))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.splitlines()
    assert out == [
        "products.get_product_twin GET /v1/products/{}/twin "
        "(self, product_id: 'UUID') -> 'ProductModel'",
        "Get the twin of a Product",
        "gadgets.delete_gadget (self, product_id: 'UUID') -> 'None'",
    ]
