"""Lifecycle scenarios against the mock, through the overlay client and generated functions.

Every answer of every scenario is checked against the spec's response schema from the
request journal, independently of the mock's own shaping.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from configcat_mock import MockConfigCat
from configcat_mock.rules.change_requests import apply_due
from configcat_mock.seed import DEFAULT_SEED, DEMO_ORGANIZATION_ID
from configcat_publicapi import ConfigCatClient
from configcat_publicapi_client.api.change_requests_approval_flow_scheduled_changes_beta import (
    apply_change_request,
    approve_change_request,
    create_change_request,
    get_change_request,
    remove_change_request_approval,
)
from configcat_publicapi_client.api.configs import create_config
from configcat_publicapi_client.api.environments import create_environment
from configcat_publicapi_client.api.feature_flag_setting_values_v2 import get_setting_value_v2
from configcat_publicapi_client.api.feature_flags_settings import create_setting
from configcat_publicapi_client.api.products import create_product, update_product_preferences
from contract_tests.scenarios.generated_calls import Gen
from contract_tests.scenarios.lifecycle import SCENARIOS

BASE_URL = "http://configcat-mock"


def assert_answers_fit_the_spec(mock: MockConfigCat) -> int:
    spec = mock.spec
    problems = []
    checked = 0
    for entry in mock.journal.entries:
        if entry.operation_id is None or not 200 <= entry.status < 300:
            continue
        op = spec.by_id[entry.operation_id]
        checked += 1
        for problem in spec.response_errors(op, entry.status, entry.response_body):
            problems.append(f"{entry.method} {entry.path} {entry.status}: {problem}")
    assert problems == []
    assert mock.app.internal_errors == []
    return checked


@pytest.fixture
def mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False, journal_bodies=True) as m:
        yield m
        assert_answers_fit_the_spec(m)


@pytest.fixture
def gen(mock: MockConfigCat) -> Iterator[Gen]:
    with ConfigCatClient(
        username="demo", password="demo", base_url=BASE_URL, transport=mock.transport
    ) as cc:
        yield Gen(cc)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(name: str, gen: Gen, mock: MockConfigCat) -> None:
    SCENARIOS[name](gen, DEMO_ORGANIZATION_ID)
    checked = assert_answers_fit_the_spec(mock)
    assert checked >= 2, "a scenario makes successful calls"


def test_all_scenarios_in_one_state_leave_nothing_behind(gen: Gen, mock: MockConfigCat) -> None:
    before = mock.dump()["tables"]["products"]
    for scenario in SCENARIOS.values():
        scenario(gen, DEMO_ORGANIZATION_ID)
    assert mock.dump()["tables"]["products"] == before
    operations = {e.operation_id for e in mock.journal.entries if e.status < 300}
    assert len(operations) >= 100, f"scenarios cover {len(operations)} operations"


def _two_user_seed() -> dict[str, object]:
    seed = copy.deepcopy(DEFAULT_SEED)
    tables = seed["tables"]
    tables["users"].append(
        {
            "user_id": "reviewer",
            "email": "rev@example.com",
            "full_name": "Reviewer",
            "username": "rev",
            "password": "pw",
        }
    )
    tables["memberships"].append({"organization_id": DEMO_ORGANIZATION_ID, "user_id": "reviewer"})
    return seed


def test_change_request_needs_another_users_approval() -> None:
    with MockConfigCat(rate_limits=False, seed=_two_user_seed(), journal_bodies=True) as mock:
        with (
            ConfigCatClient(
                username="demo", password="demo", base_url=BASE_URL, transport=mock.transport
            ) as author,
            ConfigCatClient(
                username="rev", password="pw", base_url=BASE_URL, transport=mock.transport
            ) as reviewer,
        ):
            a, r = Gen(author), Gen(reviewer)
            pid = a(create_product, DEMO_ORGANIZATION_ID, body={"name": "P"}, expect=201)[
                "productId"
            ]
            eid = a(create_environment, pid, body={"name": "Prod"}, expect=201)["environmentId"]
            cid = a(create_config, pid, body={"name": "C", "evaluationVersion": "v2"}, expect=201)[
                "configId"
            ]
            sid = a(
                create_setting,
                cid,
                body={"key": "f", "name": "F", "settingType": "boolean"},
                expect=201,
            )["settingId"]
            a(
                update_product_preferences,
                pid,
                body={
                    "approveRequiredEnvironments": [{"environmentId": eid, "approveRequired": True}]
                },
                expect=200,
            )
            cr = a(
                create_change_request,
                cid,
                eid,
                body={
                    "title": "on",
                    "bypassApproval": False,
                    "proposedChanges": [
                        {"proposedChange": {"settingId": sid, "defaultValue": {"boolValue": True}}}
                    ],
                },
                expect=201,
            )["changeRequestId"]
            a(apply_change_request, cr, expect=400)
            a(approve_change_request, cr, expect=400)
            assert r(approve_change_request, cr, expect=200)["approved"] is True
            assert r(remove_change_request_approval, cr, expect=200)["approved"] is False
            r(approve_change_request, cr, expect=200)
            applied = a(apply_change_request, cr, expect=200)
            assert applied["changeRequestStatus"] == "applied"
            assert applied["appliedByUserEmail"] == "demo@example.com"
            value = a(get_setting_value_v2, eid, sid, expect=200)
            assert value["defaultValue"]["boolValue"] is True
        assert_answers_fit_the_spec(mock)


def _product_with_flag(gen: Gen) -> tuple[str, str, int]:
    """A new product, its environment and v2 config, and boolean flag ``f``: env, config, flag."""
    pid = gen(create_product, DEMO_ORGANIZATION_ID, body={"name": "S"}, expect=201)["productId"]
    eid = gen(create_environment, pid, body={"name": "Prod"}, expect=201)["environmentId"]
    cid = gen(create_config, pid, body={"name": "C", "evaluationVersion": "v2"}, expect=201)[
        "configId"
    ]
    sid = gen(
        create_setting, cid, body={"key": "f", "name": "F", "settingType": "boolean"}, expect=201
    )["settingId"]
    return eid, cid, sid


def test_scheduled_change_request_applies_when_due(gen: Gen, mock: MockConfigCat) -> None:
    eid, cid, sid = _product_with_flag(gen)
    soon = datetime.now(UTC) + timedelta(hours=1)
    body = {
        "title": "later",
        "bypassApproval": True,
        "applyAt": soon.isoformat(),
        "proposedChanges": [
            {"proposedChange": {"settingId": sid, "defaultValue": {"boolValue": True}}}
        ],
    }
    crid = gen(create_change_request, cid, eid, body=body, expect=201)["changeRequestId"]
    assert gen(get_change_request, crid)["changeRequestStatus"] == "open"
    assert gen(get_setting_value_v2, eid, sid)["defaultValue"]["boolValue"] is False
    assert apply_due(mock.backend, soon - timedelta(minutes=1)) == 0
    assert apply_due(mock.backend, soon + timedelta(seconds=1)) == 1
    assert gen(get_change_request, crid)["changeRequestStatus"] == "applied"
    assert gen(get_setting_value_v2, eid, sid)["defaultValue"]["boolValue"] is True


def test_past_schedule_applies_on_the_next_request(gen: Gen) -> None:
    eid, cid, sid = _product_with_flag(gen)
    body = {
        "title": "now",
        "bypassApproval": True,
        "applyAt": "2020-01-01T00:00:00Z",
        "proposedChanges": [
            {"proposedChange": {"settingId": sid, "defaultValue": {"boolValue": True}}}
        ],
    }
    crid = gen(create_change_request, cid, eid, body=body, expect=201)["changeRequestId"]
    assert gen(get_change_request, crid)["changeRequestStatus"] == "applied"


def test_deleting_a_config_or_environment_clears_references(gen: Gen) -> None:
    from configcat_publicapi_client.api.configs import delete_config
    from configcat_publicapi_client.api.environments import delete_environment
    from configcat_publicapi_client.api.integrations import create_integration, get_integration

    pid = gen(create_product, DEMO_ORGANIZATION_ID, body={"name": "R"}, expect=201)["productId"]
    eid = gen(create_environment, pid, body={"name": "Prod"}, expect=201)["environmentId"]
    cid = gen(create_config, pid, body={"name": "C"}, expect=201)["configId"]
    iid = gen(
        create_integration,
        pid,
        body={
            "integrationType": "dataDog",
            "name": "dd",
            "parameters": {"apikey": "k"},
            "environmentIds": [eid],
            "configIds": [cid],
        },
        expect=201,
    )["integrationId"]
    gen(delete_config, cid, expect=204)
    gen(delete_environment, eid, expect=204)
    got = gen(get_integration, iid, expect=200)
    assert (got["configIds"], got["environmentIds"]) == ([], [])
