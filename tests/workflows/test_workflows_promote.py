"""Promote values between environments and configs; diff environments and products."""

from __future__ import annotations

import pytest

from configcat_publicapi import workflows as wf
from tests.workflows.workflows_support import Org


def test_diff_environments_lists_the_flags_that_differ(source: Org, shop: str) -> None:
    doc = wf.export(source.cc, shop)
    diffs = wf.diff_environments(doc, "Production", "Staging", config="Main")
    assert [d.key for d in diffs] == ["isBeta", "discount", "theme", "ratio", "layout"]
    assert diffs[0].right == {"defaultValue": {"boolValue": True}}
    assert wf.diff_environments(doc, "Staging", "Staging", config="Main") == []


def test_promote_shows_the_diff_first_then_copies_rules(source: Org, shop: str) -> None:
    the_plan, result = wf.promote(
        source.cc, shop, "Production", "Staging", keys=["is*", "theme"], config="Main",
        dry_run=True,
    )  # fmt: skip
    assert result is None
    assert [(c.kind, c.name, c.environment) for c in the_plan.changes] == [
        ("value", "isBeta", "Staging"),
        ("value", "theme", "Staging"),
    ]
    assert wf.diff_environments(wf.export(source.cc, shop), "Production", "Staging",
                                config="Main")[0].key == "isBeta"  # fmt: skip

    the_plan, result = wf.promote(
        source.cc, shop, "Production", "Staging", keys=["is*", "theme"], config="Main",
        reason="promote",
    )  # fmt: skip
    assert result is not None
    assert len(result.done) == 2
    after = wf.export(source.cc, shop)
    assert [d.key for d in wf.diff_environments(after, "Production", "Staging", config="Main")] == [
        "discount",
        "ratio",
        "layout",
    ]
    # segment conditions were mapped by name, and a second promote has nothing to do
    again, _ = wf.promote(source.cc, shop, "Production", "Staging", keys=["isBeta"],
                          config="Main", dry_run=True)  # fmt: skip
    assert not again


def test_promote_all_in_a_v1_config(source: Org, shop: str) -> None:
    _, result = wf.promote(source.cc, shop, "Production", "Staging", config="Legacy")
    assert result is not None
    assert {c.name for c in result.done} == {"legacyBanner", "legacyLimit"}
    after = wf.export(source.cc, shop)
    assert wf.diff_environments(after, "Production", "Staging", config="Legacy") == []


def test_what_cannot_be_mapped_is_refused(source: Org, shop: str) -> None:
    doc = wf.export(source.cc, shop)
    with pytest.raises(wf.DocumentError, match="environment 'Dev' is not in the product"):
        wf.promoted(doc, "Production", "Dev", config="Main")
    with pytest.raises(wf.DocumentError, match="other evaluation versions"):
        wf.promoted(doc, "Production", "Staging", config="Main", target_config="Legacy")
    with pytest.raises(wf.DocumentError, match="name a config"):
        wf.promoted(doc, "Production", "Staging")


def test_diff_products(source: Org, shop: str) -> None:
    other = str(source.product("Other"))
    the_plan = wf.diff_products(source.cc, shop, other)
    assert the_plan.counts()["create"] == 15
    wf.apply(source.cc, wf.export(source.cc, shop), other)
    assert not wf.diff_products(source.cc, shop, other)
