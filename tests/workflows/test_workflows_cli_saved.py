"""Saved plans: reviewed now, applied later exactly as saved, or refused if the product moved."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import jsonschema
import pytest

from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows.saved import PLAN_FORMAT, plan_schema
from configcat_publicapi_client.models import UpdateEvaluationFormulaModel
from tests.workflows.cli_support import Served, run_piped, served_env
from tests.workflows.workflows_support import full_document

__all__ = ["served_env"]


def _edited(tmp_path: Path) -> Path:
    doc = full_document()
    main = doc["configs"][0]["settings"]
    main[0]["values"]["Staging"]["defaultValue"] = {"boolValue": False}
    main[1]["name"] = "Discount rate"
    doc["configs"][1]["settings"].pop()  # legacyLimit: deleted with --prune
    path = tmp_path / "shop.yaml"
    path.write_text(wf.dumps(doc), encoding="utf-8")
    return path


def _writes(served: Served) -> list[str]:
    return [f"{e.method} {e.path}" for e in served.org.mock.journal.entries if e.method != "GET"]


@pytest.fixture
def shop(served_env: Served) -> str:
    product = str(served_env.org.product())
    wf.apply(served_env.org.cc, full_document(), product)
    return product


def test_a_saved_plan_is_applied_exactly(served_env: Served, shop: str, tmp_path: Path) -> None:
    document = _edited(tmp_path)
    saved = tmp_path / "shop.plan.json"
    done = run_piped(served_env.env, "plan", str(document), "Shop", "--prune", "-out", str(saved))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == [
        "0 to create, 2 to change, 1 to delete",
        f"Saved the plan to {saved}: apply exactly these changes with"
        f" `configcat-publicapi apply {saved}`",
    ]
    data = json.loads(saved.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(plan_schema()).validate(data)
    assert (data["format"], data["version"], data["productId"]) == (PLAN_FORMAT, 1, shop)
    assert data["target"]["fingerprint"].startswith("sha256:")

    shown = run_piped(served_env.env, "show", str(saved))
    assert shown.returncode == 0
    assert "~ value of isBeta in Staging (config Main)\n    ~ default: true → false" in shown.stdout
    assert "- flag legacyLimit (config Legacy)" in shown.stdout

    served_env.org.mock.journal.clear()
    applied = run_piped(served_env.env, "apply", str(saved), "--yes", "--json")
    assert applied.returncode == 0, applied.stderr
    made = [(c["action"], c["kind"], c["name"]) for c in json.loads(applied.stdout)["applied"]]
    assert made == [(c["action"], c["kind"], c["name"]) for c in data["plan"]["changes"]]
    assert len(_writes(served_env)) == 3
    again = run_piped(served_env.env, "plan", str(document), shop, "--prune", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout


def test_a_change_between_plan_and_apply_is_refused(
    served_env: Served, shop: str, tmp_path: Path
) -> None:
    saved = tmp_path / "shop.plan.json"
    planned = run_piped(served_env.env, "plan", str(_edited(tmp_path)), shop, "--out", str(saved))
    assert planned.returncode == 0, planned.stderr
    # someone turns on ratio in Staging in the dashboard meanwhile
    cc = served_env.org.cc
    snap = wf.snapshot(cc, shop)
    config = snap.configs["Main"]
    cc.setting_values_v2.replace_setting_value_v2(
        UUID(snap.environments["Staging"]),
        config.settings["ratio"].setting_id,
        body=UpdateEvaluationFormulaModel.from_dict(
            {"defaultValue": {"doubleValue": 9.5}, "targetingRules": []}
        ),
    )
    served_env.org.mock.journal.clear()
    refused = run_piped(served_env.env, "apply", str(saved))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"configcat-publicapi: product {shop} changed since the plan was saved"
        " (flag ratio (config Main) changed): nothing was written; make a new plan\n"
    )
    assert _writes(served_env) == []


def test_apply_refuses_a_saved_plan_for_another_product(
    served_env: Served, shop: str, tmp_path: Path
) -> None:
    saved = tmp_path / "p.json"
    assert run_piped(served_env.env, "plan", str(_edited(tmp_path)), shop, "--out", str(saved))
    other = str(served_env.org.product("Other"))
    done = run_piped(served_env.env, "apply", str(saved), other)
    assert done.returncode == 1
    assert (
        done.stderr == f"configcat-publicapi: {saved} is a plan for product {shop}, not {other}\n"
    )


def test_promote_and_bulk_save_their_plans(served_env: Served, shop: str, tmp_path: Path) -> None:
    promoted = tmp_path / "promote.json"
    env = served_env.env
    done = run_piped(env, "promote", shop, "--from", "Production", "--to", "Staging",
                     "--config", "Main", "--flag", "ratio", "--out", str(promoted))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(promoted.read_text())["command"] == "promote"
    assert "~ default: 1.5 → 0.25" in done.stdout
    bulked = tmp_path / "bulk.json"
    done = run_piped(env, "bulk", shop, "--env", "Production", "--flag", "isBeta", "--toggle",
                     "--out", str(bulked))  # fmt: skip
    assert done.returncode == 0, done.stderr
    served_env.org.mock.journal.clear()
    assert run_piped(env, "apply", str(bulked)).returncode == 0
    assert len(_writes(served_env)) == 1
    # the bulk write moved isBeta, not ratio: the promote plan still holds
    done = run_piped(env, "apply", str(promoted))
    assert done.returncode == 1
    assert "(flag isBeta (config Main) changed)" in done.stderr
    assert "ratio" not in done.stderr


def test_a_file_that_is_no_saved_plan_is_refused(served_env: Served, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": PLAN_FORMAT, "version": 7}), encoding="utf-8")
    done = run_piped(served_env.env, "show", str(broken))
    assert done.returncode == 1
    assert done.stderr.startswith(f"configcat-publicapi: {broken}: version: a saved plan of")
