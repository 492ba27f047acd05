"""The configcat-publicapi command against the fake served on 127.0.0.1."""

from __future__ import annotations

import functools
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from configcat_mock.http.server import LoopbackServer
from configcat_publicapi import ConfigCatClient
from configcat_publicapi import workflows as wf
from configcat_publicapi._cli import commands
from configcat_publicapi.cli import main
from tests.workflows.workflows_support import Org, full_document


@pytest.fixture
def served(source: Org, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    with LoopbackServer(source.mock.app) as server:
        monkeypatch.setenv("CONFIGCAT_API_HOST", server.url)
        monkeypatch.setenv("CONFIGCAT_API_USER", "demo")
        monkeypatch.setenv("CONFIGCAT_API_PASS", "demo")
        # the fake limits no rate, so the command's client spaces no request either (the
        # command as a subprocess, with its own client as built, is tested beside this)
        unlimited = functools.partial(ConfigCatClient, rate_limit=None)
        monkeypatch.setattr(commands, "ConfigCatClient", unlimited)
        yield source


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_plan_apply_export(served: Org, tmp_path: Path) -> None:
    product = str(served.product())
    doc = tmp_path / "shop.yaml"
    doc.write_text(wf.dumps(full_document()), encoding="utf-8")

    code, text = run("plan", str(doc), product, "--detailed-exitcode")
    assert code == 2
    assert text.splitlines()[-1] == "15 to create, 16 to change, 0 to delete"

    code, text = run("apply", str(doc), product, "--reason", "restore")
    assert code == 0
    assert "[1/31] ~ product Shop" in text.splitlines()
    assert text.splitlines()[-1] == "31 changes applied"

    code, text = run("plan", str(doc), product, "--detailed-exitcode", "--json")
    assert (code, json.loads(text)["summary"]) == (0, {"create": 0, "update": 0, "delete": 0})

    out = tmp_path / "back.json"
    assert run("export", product, "-o", str(out)) == (0, "")
    assert wf.canonical(json.loads(out.read_text())) == wf.canonical(full_document())


def test_bad_document_exits_1_with_its_path(served: Org, tmp_path: Path) -> None:
    product = str(served.product())
    bad = full_document()
    bad["configs"][0]["settings"][0]["values"]["Staging"] = {"value": True}
    doc = tmp_path / "bad.json"
    doc.write_text(json.dumps(bad), encoding="utf-8")
    code, text = run("apply", str(doc), product, "--json")
    assert code == 1
    assert json.loads(text)["path"] == "configs[0].settings[0].values.Staging"


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [[], ["export"], ["plan"], ["apply"], ["show"], ["diff"], ["promote"], ["bulk"], ["products"],
     ["configs"], ["environments"], ["flags"]],
)  # fmt: skip
def test_help_on_every_subcommand(command: list[str]) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "configcat_publicapi.cli", *command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "usage: configcat-publicapi" in done.stdout
    assert "examples:\n  $ configcat-publicapi" in done.stdout
    assert "exit codes:\n  0    done, or nothing to do\n  1    an error" in done.stdout


def test_diff_and_promote(served: Org) -> None:
    product = str(served.product())
    wf.apply(served.cc, full_document(), product)
    env = ("--from", "Production", "--to", "Staging", "--config", "Legacy")

    code, text = run("diff", product, *env, "--detailed-exitcode")
    assert code == 2
    assert text.splitlines()[-1] == "2 flags differ"
    assert text.splitlines()[:2] == [
        "~ flag legacyBanner (config Legacy): Production → Staging",
        '    ~ value: "off" → "on"',
    ]

    code, text = run("promote", product, *env, "--flag", "legacyL*", "--dry-run")
    assert (code, text.splitlines()[-1]) == (0, "0 to create, 1 to change, 0 to delete")
    assert run("diff", product, *env, "--json")[1].count('"key"') == 2  # nothing written

    code, text = run("promote", product, *env, "--reason", "release", "--json")
    assert code == 0
    assert [c["name"] for c in json.loads(text)["applied"]] == ["legacyBanner", "legacyLimit"]
    assert run("diff", product, *env, "--detailed-exitcode") == (0, "0 flags differ\n")

    other = str(served.product("Other"))
    code, text = run("diff", product, "--product", other, "--detailed-exitcode", "--json")
    assert (code, json.loads(text)["summary"]["create"]) == (2, 15)


def test_bulk(served: Org, capsys: pytest.CaptureFixture[str]) -> None:
    product = str(served.product())
    wf.apply(served.cc, full_document(), product)
    envs = ("--env", "Production", "--env", "Staging")
    code, text = run("bulk", product, *envs, "--tag", "ui", "--value", '"dark"', "--dry-run")
    assert code == 0
    assert "~ value of theme in Production (config Main)" in text
    assert '    ~ default: variation Light → "dark"' in text
    # isBeta would take true, but theme, a text flag, cannot: refused before any write
    code, text = run("bulk", product, *envs, "--tag", "client", "--value", "true")
    assert code == 1
    assert capsys.readouterr().err == (
        "configcat-publicapi: flag theme (config Main) is a text flag: it cannot serve true;"
        " choose the flags with --flag or --tag, or give a value of its type\n"
    )
    code, text = run("bulk", product, "--env", "Staging", "--flag", "isBeta", "--toggle")
    assert (code, text.splitlines()[-1]) == (0, "1 change applied, 0 failed")


def test_apply_with_writes_in_flight(served: Org, tmp_path: Path) -> None:
    product = str(served.product())
    doc = tmp_path / "shop.json"
    doc.write_text(wf.dumps(full_document(), fmt="json"), encoding="utf-8")
    code, out = run("apply", str(doc), product, "--concurrency", "4")
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith("[")] + ["last"]
    total = len(
        wf.plan(served.cc, wf.loads(wf.dumps(full_document())), served.product("x")).changes
    )
    assert [line.split("]")[0] for line in lines[:-1]] == [
        f"[{n}/{total}" for n in range(1, total + 1)
    ]
    assert out.splitlines()[-1] == f"{total} changes applied"
    assert run("plan", str(doc), product, "--detailed-exitcode")[0] == 0


@pytest.mark.parametrize("bad", ["0", "-2", "many"])
def test_concurrency_must_be_a_whole_number_of_one_or_more(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        run("apply", "doc.yaml", "p", "--concurrency", bad)
    assert stop.value.code == 2
    assert f"a whole number of 1 or more, not {bad!r}" in capsys.readouterr().err


def test_a_partial_export_prunes_only_its_flags(served: Org, tmp_path: Path) -> None:
    product = str(served.product())
    wf.apply(served.cc, full_document(), product)
    out = tmp_path / "legacy.yaml"
    assert run("export", product, "--config", "Legacy", "-o", str(out)) == (0, "")
    doc = wf.load(out)
    assert doc["scope"] == {"configs": ["Legacy"]}
    doc["configs"][0]["settings"].pop()
    out.write_text(wf.dumps(doc), encoding="utf-8")
    code, text = run("plan", str(out), product, "--prune", "--json")
    assert code == 0
    changes = json.loads(text)["changes"]
    assert [(c["action"], c["kind"], c["name"]) for c in changes] == [
        ("delete", "setting", "legacyLimit")
    ]


def test_a_missing_reason_is_asked_for_before_any_write(
    served: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    product = str(served.product())
    doc = full_document()
    doc["preferences"]["reasonRequired"] = True
    wf.apply(served.cc, doc, product)
    doc["configs"][1]["settings"][1]["values"]["Staging"] = {"value": 7}
    path = tmp_path / "shop.json"
    path.write_text(wf.dumps(doc, fmt="json"), encoding="utf-8")

    code, text = run("plan", str(path), product)
    assert text.splitlines()[-2:] == [
        "the product requires a reason for changes in Staging: give --reason TEXT to apply",
        "0 to create, 1 to change, 0 to delete",
    ]
    assert json.loads(run("plan", str(path), product, "--json")[1])["needsReason"] == ["Staging"]
    served.mock.journal.clear()
    code, text = run("apply", str(path), product)
    assert (code, text.splitlines()[0]) == (1, "~ value of legacyLimit in Staging (config Legacy)")
    assert capsys.readouterr().err == (
        "configcat-publicapi: the product requires a reason for changes in Staging,"
        " and none was given: give --reason TEXT\n"
    )
    code, text = run("apply", str(path), product, "--json")
    assert (code, json.loads(text)["environments"]) == (1, ["Staging"])
    assert [e.method for e in served.mock.journal.entries if e.method != "GET"] == []
    code, text = run("apply", str(path), product, "--reason", "limit")
    assert (code, text.splitlines()[-1]) == (0, "1 change applied")
    assert run("bulk", product, "--env", "Staging", "--flag", "isBeta", "--toggle") == (1, "")
    assert capsys.readouterr().err.endswith("Staging, and none was given: give --reason TEXT\n")
    promote = ("promote", product, "--from", "Production", "--to", "Staging", "--config", "Main")
    code, text = run(*promote)
    assert (code, text.splitlines()[-2]) == (
        1,
        "the product requires a reason for changes in Staging: give --reason TEXT to apply",
    )
    assert "need --reason" not in run(*promote, "--reason", "release", "--dry-run")[1]
    assert "give --reason TEXT" in capsys.readouterr().err


def test_plan_notes_an_environment_that_looks_renamed(served: Org, tmp_path: Path) -> None:
    product = str(served.product())
    wf.apply(served.cc, full_document(), product)
    doc = full_document()
    doc["environments"][1]["name"] = "QA"
    for config in doc["configs"]:
        for setting in config["settings"]:
            setting["values"].pop("Staging")
    for per_env in ("reasonRequiredEnvironments", "approveRequiredEnvironments"):
        doc["preferences"][per_env].pop("Staging")
    path = tmp_path / "renamed.json"
    path.write_text(wf.dumps(doc, fmt="json"), encoding="utf-8")
    code, text = run("plan", str(path), product, "--prune")
    assert code == 0
    assert text.splitlines()[:2] == ["+ environment QA", '    + name: "QA"']
    assert text.splitlines()[-2].startswith("note: environments are matched by name: QA will")
