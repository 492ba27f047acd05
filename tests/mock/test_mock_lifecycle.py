"""Lifecycle scenarios against the mock, through the overlay client.

The contract suite's scenarios (:func:`contract_tests.public.scenarios`) run here
in-process, and every answer of every scenario is checked against the spec's response schema
from the request journal, independently of the mock's own shaping.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from configcat_mock import MockConfigCat
from configcat_mock.api.rules.change_requests import apply_due
from configcat_mock.state.seed import DEFAULT_SEED, DEMO_ORGANIZATION_ID
from configcat_publicapi import BadRequestError, ConfigCatClient
from configcat_publicapi_client.models import (
    CreateChangeRequestModel,
    CreateIntegrationModel,
    CreateProductRequest,
    UpdatePreferencesRequest,
)
from contract_tests.public import (
    Scenario,
    environment_and_config,
    flag,
    scenarios,
)

BASE_URL = "http://configcat-mock"
SCENARIOS = scenarios()


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


def _client(mock: MockConfigCat, username: str, password: str) -> ConfigCatClient:
    # the fake limits no rate here, so the client spaces no request either
    return ConfigCatClient(
        username=username,
        password=password,
        base_url=BASE_URL,
        transport=mock.transport,
        rate_limit=None,
    )


@pytest.fixture
def cc(mock: MockConfigCat) -> Iterator[ConfigCatClient]:
    with _client(mock, "demo", "demo") as client:
        yield client


def test_every_scenario_module_is_found() -> None:
    modules = {name.split("::")[0] for name in SCENARIOS}
    assert {"test_products", "test_settings", "test_setting_values_v2"} <= modules
    assert len(SCENARIOS) >= 17


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(name: str, cc: ConfigCatClient, mock: MockConfigCat) -> None:
    scenario: Scenario = SCENARIOS[name]
    scenario(cc, DEMO_ORGANIZATION_ID)
    checked = assert_answers_fit_the_spec(mock)
    assert checked >= 2, "a scenario makes successful calls"


def test_all_scenarios_in_one_state_leave_nothing_behind(
    cc: ConfigCatClient, mock: MockConfigCat
) -> None:
    before = mock.dump()["tables"]["products"]
    for scenario in SCENARIOS.values():
        scenario(cc, DEMO_ORGANIZATION_ID)
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


def _turn_on(flag_id: int, **extra: object) -> CreateChangeRequestModel:
    return CreateChangeRequestModel.from_dict(
        {
            "title": "on",
            "bypassApproval": False,
            "proposedChanges": [
                {"proposedChange": {"settingId": flag_id, "defaultValue": {"boolValue": True}}}
            ],
            **extra,
        }
    )


def _product_with_flag(cc: ConfigCatClient) -> tuple[UUID, UUID, UUID, int]:
    """A new product, its environment, a v2 config and boolean flag ``f``."""
    pid = cc.products.create_product(
        UUID(DEMO_ORGANIZATION_ID), body=CreateProductRequest(name="S")
    ).product_id
    env, config = environment_and_config(cc, pid, "v2")
    return pid, env.environment_id, config.config_id, flag(cc, config.config_id, "f")


def test_change_request_needs_another_users_approval() -> None:
    with MockConfigCat(rate_limits=False, seed=_two_user_seed(), journal_bodies=True) as mock:
        with _client(mock, "demo", "demo") as author, _client(mock, "rev", "pw") as reviewer:
            pid, eid, cid, sid = _product_with_flag(author)
            author.products.update_product_preferences(
                pid,
                body=UpdatePreferencesRequest.from_dict(
                    {
                        "approveRequiredEnvironments": [
                            {"environmentId": str(eid), "approveRequired": True}
                        ]
                    }
                ),
            )
            crid = author.change_requests.create_change_request(
                cid, eid, body=_turn_on(sid)
            ).change_request_id
            with pytest.raises(BadRequestError):
                author.change_requests.apply_change_request(crid)
            with pytest.raises(BadRequestError):
                author.change_requests.approve_change_request(crid)
            assert reviewer.change_requests.approve_change_request(crid).approved is True
            assert reviewer.change_requests.remove_change_request_approval(crid).approved is False
            reviewer.change_requests.approve_change_request(crid)
            applied = author.change_requests.apply_change_request(crid)
            assert applied.change_request_status == "applied"
            assert applied.applied_by_user_email == "demo@example.com"
            value = author.setting_values_v2.get_setting_value_v2(eid, sid)
            assert value.default_value.bool_value is True
        assert_answers_fit_the_spec(mock)


def test_scheduled_change_request_applies_when_due(
    cc: ConfigCatClient, mock: MockConfigCat
) -> None:
    _, eid, cid, sid = _product_with_flag(cc)
    soon = datetime.now(UTC) + timedelta(hours=1)
    body = _turn_on(sid, bypassApproval=True, applyAt=soon.isoformat())
    crid = cc.change_requests.create_change_request(cid, eid, body=body).change_request_id
    assert cc.change_requests.get_change_request(crid).change_request_status == "open"
    assert cc.setting_values_v2.get_setting_value_v2(eid, sid).default_value.bool_value is False
    assert apply_due(mock.backend, soon - timedelta(minutes=1)) == 0
    assert apply_due(mock.backend, soon + timedelta(seconds=1)) == 1
    assert cc.change_requests.get_change_request(crid).change_request_status == "applied"
    assert cc.setting_values_v2.get_setting_value_v2(eid, sid).default_value.bool_value is True


def test_past_schedule_applies_on_the_next_request(cc: ConfigCatClient) -> None:
    _, eid, cid, sid = _product_with_flag(cc)
    body = _turn_on(sid, bypassApproval=True, applyAt="2020-01-01T00:00:00Z")
    crid = cc.change_requests.create_change_request(cid, eid, body=body).change_request_id
    assert cc.change_requests.get_change_request(crid).change_request_status == "applied"


def test_deleting_a_config_or_environment_clears_references(cc: ConfigCatClient) -> None:
    pid = cc.products.create_product(
        UUID(DEMO_ORGANIZATION_ID), body=CreateProductRequest(name="R")
    ).product_id
    env, config = environment_and_config(cc, pid)
    integration = cc.integrations.create_integration(
        pid,
        body=CreateIntegrationModel.from_dict(
            {
                "integrationType": "dataDog",
                "name": "dd",
                "parameters": {"apikey": "k"},
                "environmentIds": [str(env.environment_id)],
                "configIds": [str(config.config_id)],
            }
        ),
    )
    cc.configs.delete_config(config.config_id)
    cc.environments.delete_environment(env.environment_id)
    got = cc.integrations.get_integration(integration.integration_id)
    assert (got.config_ids, got.environment_ids) == ([], [])
