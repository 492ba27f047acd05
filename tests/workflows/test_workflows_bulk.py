"""Bulk edits: many flags set or toggled, a dry run, and failures reported, not fatal."""

from __future__ import annotations

import pytest

from configcat_mock.http.faults import FaultRule
from configcat_publicapi import ConfigCatClient
from configcat_publicapi import workflows as wf
from tests.workflows.workflows_support import Org, full_document


@pytest.fixture
def shop(source: Org) -> str:
    product = str(source.product())
    wf.apply(source.cc, full_document(), product)
    return product


def _defaults(org: Org, product: str, env: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for config in wf.export(org.cc, product)["configs"]:
        for s in config["settings"]:
            v = s["values"][env]
            out[s["key"]] = v["defaultValue"] if "defaultValue" in v else v["value"]
    return out


def test_toggle_by_tag_in_two_environments(source: Org, shop: str) -> None:
    before = _defaults(source, shop, "Staging")
    dry = wf.bulk_set(source.cc, shop, wf.TOGGLE, environments=["Production", "Staging"],
                      keys=["is*"], dry_run=True)  # fmt: skip
    assert [(c.name, c.environment) for c in dry.plan.changes] == [
        ("isBeta", "Production"),
        ("isBeta", "Staging"),
    ]
    assert dry.changed == []
    assert _defaults(source, shop, "Staging") == before

    done = wf.bulk_set(source.cc, shop, wf.TOGGLE, environments=["Production", "Staging"],
                       keys=["is*"], reason="flip")  # fmt: skip
    assert (len(done.changed), done.failed) == (2, [])
    assert _defaults(source, shop, "Staging")["isBeta"] == {"boolValue": False}
    assert _defaults(source, shop, "Production")["isBeta"] == {"boolValue": True}
    # the rules are kept
    beta = wf.export(source.cc, shop)["configs"][0]["settings"][0]
    assert len(beta["values"]["Production"]["targetingRules"]) == 2


def test_set_by_tag_and_a_non_boolean_cannot_toggle(source: Org, shop: str) -> None:
    done = wf.bulk_set(source.cc, shop, "dark", environments=["Staging"], tags=["ui"])
    assert [c.name for c in done.changed] == ["theme"]
    assert _defaults(source, shop, "Staging")["theme"] == {"stringValue": "dark"}
    with pytest.raises(wf.DocumentError, match=r"theme \(config Main\) is not an on/off flag"):
        wf.bulk_set(source.cc, shop, wf.TOGGLE, environments=["Staging"], tags=["ui"])


def test_a_failed_write_is_reported_and_the_rest_goes_on(source: Org, shop: str) -> None:
    strict = ConfigCatClient(
        "demo",
        "demo",
        base_url="http://mock",
        transport=source.mock.transport,
        max_retries=0,
        rate_limit=None,
    )
    source.mock.app.faults.configure([FaultRule("replace-setting-value", rate_500=1.0)])
    result = wf.bulk_set(strict, shop, 7, environments=["Staging"], keys=["legacyLimit", "disc*"])
    assert [c.name for c in result.changed] == ["discount"]
    assert [(c.name, type(e).__name__) for c, e in result.failed] == [
        ("legacyLimit", "InternalServerError")
    ]
    source.mock.app.faults.configure([])
    again = wf.bulk_set(strict, shop, 7, environments=["Staging"], keys=["legacyLimit", "disc*"])
    assert [c.name for c in again.changed] == ["legacyLimit"]
