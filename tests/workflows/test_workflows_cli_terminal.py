"""On a terminal the command asks before deleting and shows colour; elsewhere it does neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from configcat_publicapi import workflows as wf
from tests.workflows.cli_support import Served, run_on_terminal, run_piped, served_env
from tests.workflows.workflows_support import full_document

__all__ = ["served_env"]

ESCAPE = "\x1b["


@pytest.fixture
def pruning(served_env: Served, tmp_path: Path) -> tuple[str, Path]:
    """A product and a document whose apply --prune deletes one flag."""
    product = str(served_env.org.product())
    wf.apply(served_env.org.cc, full_document(), product)
    doc = full_document()
    doc["configs"][1]["settings"].pop()
    path = tmp_path / "shop.yaml"
    path.write_text(wf.dumps(doc), encoding="utf-8")
    return product, path


def _flags(served: Served, product: str) -> list[str]:
    legacy = wf.export(served.org.cc, product)["configs"][1]
    return [s["key"] for s in legacy["settings"]]


def test_without_a_terminal_deletes_need_yes(served_env: Served, pruning: tuple[str, Path]) -> None:
    product, path = pruning
    done = run_piped(served_env.env, "apply", str(path), product, "--prune")
    assert done.returncode == 2
    assert done.stderr == (
        "configcat-publicapi: this plan deletes 1 item (flag legacyLimit (config Legacy)) and"
        " there is no terminal to ask on: give --yes (or --auto-approve) to apply it\n"
    )
    assert ESCAPE not in done.stdout
    assert _flags(served_env, product) == ["legacyBanner", "legacyLimit"]
    done = run_piped(served_env.env, "apply", str(path), product, "--prune", "--auto-approve")
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "1 change applied")
    assert _flags(served_env, product) == ["legacyBanner"]


def test_on_a_terminal_only_yes_deletes(served_env: Served, pruning: tuple[str, Path]) -> None:
    product, path = pruning
    code, text = run_on_terminal(served_env.env, "apply", str(path), product, "--prune",
                                 answer="y")  # fmt: skip
    assert code == 1
    assert "Only 'yes' will be accepted to approve." in text
    assert "apply cancelled: nothing was written" in text
    assert _flags(served_env, product) == ["legacyBanner", "legacyLimit"]
    code, text = run_on_terminal(served_env.env, "apply", str(path), product, "--prune",
                                 answer="yes")  # fmt: skip
    assert code == 0, text
    assert _flags(served_env, product) == ["legacyBanner"]


def test_colour_on_a_terminal_unless_no_color(
    served_env: Served, pruning: tuple[str, Path]
) -> None:
    product, path = pruning
    code, text = run_on_terminal(served_env.env, "plan", str(path), product, "--prune")
    assert code == 0
    assert f"{ESCAPE}31m- flag legacyLimit (config Legacy)" in text  # red
    code, text = run_on_terminal(
        dict(served_env.env, NO_COLOR="1"), "plan", str(path), product, "--prune"
    )
    assert code == 0
    assert ESCAPE not in text
    assert "- flag legacyLimit (config Legacy)\n" in text
