"""Discovery commands, names where ids go, filters that match nothing, and messages for a shell."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from configcat_mock import MockConfigCat
from configcat_mock.http.server import LoopbackServer
from configcat_mock.state.seed import DEFAULT_SEED
from configcat_publicapi import ConfigCatClient, __version__
from configcat_publicapi import workflows as wf
from configcat_publicapi_client.models import CreateProductRequest
from tests.workflows.cli_support import Served, run_piped, served_env
from tests.workflows.workflows_support import full_document

__all__ = ["served_env"]


@pytest.fixture
def shop(served_env: Served) -> str:
    product = str(served_env.org.product())
    wf.apply(served_env.org.cc, full_document(), product)
    return product


def test_version() -> None:
    done = run_piped({}, "--version")
    assert (done.returncode, done.stdout) == (0, f"configcat-publicapi {__version__}\n")


def test_products_configs_environments_flags(served_env: Served, shop: str) -> None:
    env = served_env.env
    done = run_piped(env, "products")
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].split() == ["NAME", "ID", "ORGANIZATION"]
    assert any(line.split()[:2] == ["Shop", shop] for line in done.stdout.splitlines())
    configs = json.loads(run_piped(env, "configs", "Shop", "--json").stdout)
    assert [(c["name"], c["evaluationVersion"]) for c in configs] == [
        ("Main", "v2"),
        ("Legacy", "v1"),
    ]
    environments = json.loads(run_piped(env, "environments", shop, "--json").stdout)
    assert [e["name"] for e in environments] == ["Production", "Staging"]
    legacy_id = configs[1]["id"]
    done = run_piped(env, "flags", "Shop", "--config", legacy_id)
    assert [line.split()[0] for line in done.stdout.splitlines()] == [
        "KEY",
        "legacyBanner",
        "legacyLimit",
    ]


def test_names_are_taken_where_ids_are(served_env: Served, shop: str, tmp_path: Path) -> None:
    env = served_env.env
    environments = json.loads(run_piped(env, "environments", "Shop", "--json").stdout)
    staging = environments[1]["id"]
    by_name = run_piped(env, "diff", "shop", "--from", "Production", "--to", "staging",
                        "--config", "Legacy")  # fmt: skip
    by_id = run_piped(env, "diff", shop, "--from", "Production", "--to", staging,
                      "--config", "Legacy")  # fmt: skip
    assert by_name.returncode == by_id.returncode == 0
    assert by_name.stdout == by_id.stdout
    assert by_name.stdout.splitlines()[-1] == "2 flags differ"
    out = tmp_path / "shop.yaml"
    assert run_piped(env, "export", "Shop", "-o", str(out)).returncode == 0
    assert wf.canonical(wf.load(out)) == wf.canonical(full_document())


def _two_organizations() -> dict[str, Any]:
    seed = copy.deepcopy(DEFAULT_SEED)
    tables = seed["tables"]
    second = "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"
    tables["organizations"].append(
        tables["organizations"][0] | {"organization_id": second, "name": "Second Org"}
    )
    tables["memberships"].append(tables["memberships"][0] | {"organization_id": second})
    return seed


def test_an_ambiguous_or_unknown_name_is_refused(served_env: Served, shop: str) -> None:
    seed = _two_organizations()
    organizations = [o["organization_id"] for o in seed["tables"]["organizations"]]
    with (
        MockConfigCat(seed=seed, rate_limits=False) as mock,
        LoopbackServer(mock.app) as server,
        ConfigCatClient("demo", "demo", base_url=server.url, rate_limit=None) as cc,
    ):
        body = CreateProductRequest(name="Shop")
        made = [
            str(cc.products.create_product(UUID(o), body=body).product_id) for o in organizations
        ]
        done = run_piped(served_env.env | {"CONFIGCAT_API_HOST": server.url}, "export", "Shop")
    assert done.returncode == 1
    assert done.stderr == (
        f"configcat-publicapi: 2 products are named 'Shop': Shop ({made[0]}), Shop ({made[1]});"
        " give the id instead\n"
    )
    done = run_piped(served_env.env, "export", "12")
    assert done.returncode == 1
    assert done.stderr == (
        "configcat-publicapi: no product is named '12' (known: Shop);"
        " `configcat-publicapi products` lists them\n"
    )
    done = run_piped(served_env.env, "diff", shop, "--from", "Prod", "--to", "Staging")
    assert done.returncode == 1
    assert done.stderr == (
        f"configcat-publicapi: no environment in product {shop} is named 'Prod'"
        f" (known: Production, Staging); `configcat-publicapi environments {shop}` lists them\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bulk", "Shop", "--env", "Staging", "--tag", "nosuchtag", "--toggle"],
         "--tag 'nosuchtag': no flag has the tag 'nosuchtag': nothing to do"),
        (["bulk", "Shop", "--env", "Staging", "--flag", "nomatch*", "--value", "true"],
         "--flag 'nomatch*': no flag key matches 'nomatch*': nothing to do"),
        (["bulk", "Shop", "--env", "Staging", "--tag", "ui", "--flag", "isBeta", "--toggle"],
         "the filters: no flag matches every filter given together (each matches some):"
         " nothing to do"),
        (["promote", "Shop", "--from", "Production", "--to", "Staging", "--config", "Main",
          "--flag", "nomatch*"],
         "--flag 'nomatch*': no flag key of config 'Main' matches 'nomatch*': nothing to do"),
    ],
)  # fmt: skip
def test_a_filter_that_matches_nothing_exits_3(
    served_env: Served, shop: str, argv: list[str], message: str
) -> None:
    served_env.org.mock.journal.clear()
    done = run_piped(served_env.env, *argv)
    assert (done.returncode, done.stderr) == (3, f"configcat-publicapi: {message}\n")
    assert [e for e in served_env.org.mock.journal.entries if e.method != "GET"] == []


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("False", "write it in lower case: --value false"),
        ("dark", "a text value needs JSON quotes: --value '\"dark\"'"),
    ],
)
def test_a_value_that_is_not_json_says_how_to_write_it(value: str, hint: str) -> None:
    done = run_piped({}, "bulk", "Shop", "--env", "Staging", "--flag", "x", "--value", value)
    assert done.returncode == 2
    assert done.stderr == (
        f"configcat-publicapi: argument --value: {value!r} is not a JSON value (true, false,"
        f' 42, 0.5 or "text"); {hint} (see `configcat-publicapi bulk --help`)\n'
    )


def test_missing_credentials_name_the_variables(tmp_path: Path) -> None:
    done = run_piped({"PATH": "/usr/bin:/bin"}, "products")
    assert done.returncode == 1
    assert done.stderr == (
        "configcat-publicapi: no credentials: set CONFIGCAT_API_USER and CONFIGCAT_API_PASS"
        " (create a pair at https://app.configcat.com/my-account/public-api-credentials)\n"
    )


def test_a_yaml_error_names_the_file(served_env: Served, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("product:\n  name: [unclosed\n", encoding="utf-8")
    done = run_piped(served_env.env, "plan", str(path), "Shop")
    assert done.returncode == 1
    assert done.stderr.startswith(f"configcat-publicapi: {path}:3:1: not YAML:")
    assert "<unicode string>" not in done.stderr
    assert done.stderr.count(str(path)) == 1


def test_diff_shows_an_evaluation_version_and_a_type(served_env: Served, shop: str) -> None:
    other = full_document()
    other["configs"][0]["evaluationVersion"] = "v1"
    for setting in other["configs"][0]["settings"]:
        setting["values"] = {}
    legacy = other["configs"][1]["settings"]
    legacy[1] |= {"settingType": "double"}
    for value in legacy[1]["values"].values():
        value["value"] = float(value["value"])
        for rule in value.get("rolloutRules", []):
            rule["value"] = float(rule["value"])
    right = str(served_env.org.product("Right"))
    wf.apply(served_env.org.cc, other, right)
    done = run_piped(served_env.env, "diff", shop, "--product", right, "--detailed-exitcode")
    assert done.returncode == 2, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == [
        "~ config Main",
        "    ~ evaluation version: v1 → v2",
        "~ flag legacyLimit (config Legacy)",
        "    ~ type: double → int",
    ]


def test_a_document_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"product:\n  name: Caf\xe9\n")
    done = run_piped({"CONFIGCAT_API_USER": "u", "CONFIGCAT_API_PASS": "p"}, "plan", str(path), "x")
    assert (done.returncode, done.stderr) == (
        1,
        f"configcat-publicapi: {path}:2:12: not UTF-8 text (byte 0xe9)\n",
    )
