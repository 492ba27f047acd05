"""Lifecycle scenarios per resource group, written against the overlay client only.

Each scenario takes a :class:`Gen` bound to any target (the mock, or the live API) and the
id of an organization; it creates its own product with a unique, sandbox-style name and
deletes it at the end, so the contract suite runs the same functions against every target
and the unit tests of the mock run them in-process.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from configcat_publicapi_client.api.audit_logs import (
    get_auditlogs,
    get_auditlogs_v2,
    get_deleted_settings,
    get_organization_auditlogs_v2,
)
from configcat_publicapi_client.api.change_requests_approval_flow_scheduled_changes_beta import (
    add_change_request_comment,
    close_change_request,
    create_change_request,
    delete_change_request_comment,
    get_change_request,
    get_change_request_proposed_changes,
    get_change_requests,
    update_change_request,
    update_change_request_comment,
)
from configcat_publicapi_client.api.code_references import (
    delete_code_reference_reports,
    get_code_references,
    upload_code_references,
)
from configcat_publicapi_client.api.configs import (
    create_config,
    delete_config,
    get_config,
    get_configs,
    update_config,
)
from configcat_publicapi_client.api.environments import (
    create_environment,
    delete_environment,
    get_environment,
    get_environments,
    update_environment,
)
from configcat_publicapi_client.api.feature_flag_setting_values import (
    get_setting_value,
    get_setting_values,
    post_setting_values,
    replace_setting_value,
    update_setting_value,
)
from configcat_publicapi_client.api.feature_flag_setting_values_using_sdk_key import (
    get_setting_value_by_sdkkey,
    update_setting_value_by_sdkkey,
)
from configcat_publicapi_client.api.feature_flag_setting_values_using_sdk_key_v2 import (
    get_setting_value_by_sdkkey_v2,
    replace_setting_value_by_sdkkey_v2,
)
from configcat_publicapi_client.api.feature_flag_setting_values_v2 import (
    get_setting_value_v2,
    get_setting_values_v2,
    post_setting_values_v2,
    replace_setting_value_v2,
    update_setting_value_v2,
)
from configcat_publicapi_client.api.feature_flags_settings import (
    create_setting,
    delete_setting,
    get_predefined_variations,
    get_setting,
    get_settings,
    replace_setting,
    update_predefined_variations,
    update_setting,
)
from configcat_publicapi_client.api.integration_links import (
    add_or_update_integration_link,
    delete_integration_link,
    get_integration_link_details,
)
from configcat_publicapi_client.api.integrations import (
    create_integration,
    delete_integration,
    get_integration,
    get_integrations,
    update_integration,
)
from configcat_publicapi_client.api.me import get_me
from configcat_publicapi_client.api.members import (
    delete_invitation,
    get_organization_members,
    get_organization_members_v2,
    get_pending_invitations,
    get_pending_invitations_org,
    get_product_members,
    invite_member,
)
from configcat_publicapi_client.api.organizations import (
    get_organization_limitations,
    get_organizations,
)
from configcat_publicapi_client.api.permission_groups import (
    create_permission_group,
    delete_permission_group,
    get_permission_group,
    get_permission_groups,
    update_permission_group,
)
from configcat_publicapi_client.api.products import (
    create_product,
    delete_product,
    get_product,
    get_product_preferences,
    get_products,
    update_product,
    update_product_preferences,
)
from configcat_publicapi_client.api.proxy_profiles import (
    create_proxy_profile,
    delete_proxy_profile,
    deselect_proxy_profile_sdk_keys,
    generate_proxy_profile_secret,
    get_proxy_profile,
    get_proxy_profile_sdk_keys,
    get_proxy_profiles,
    replace_proxy_profile,
    select_proxy_profile_sdk_keys,
    update_proxy_profile,
)
from configcat_publicapi_client.api.sdk_keys import get_sdk_keys
from configcat_publicapi_client.api.segments import (
    create_segment,
    delete_segment,
    get_segment,
    get_segments,
    update_segment,
)
from configcat_publicapi_client.api.tags import (
    create_tag,
    delete_tag,
    get_settings_by_tag,
    get_tag,
    get_tags,
    update_tag,
)
from configcat_publicapi_client.api.webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    get_webhook_signing_keys,
    get_webhooks,
    replace_webhook,
    update_webhook,
)
from configcat_publicapi_client.api.zombie_stale_flags import get_staleflags
from contract_tests.safety import sandbox_name
from contract_tests.scenarios.generated_calls import Gen

SDK_KEY = re.compile(r"^configcat-sdk-1/[A-Za-z0-9_-]{22}/[A-Za-z0-9_-]{22}$")
Scenario = Callable[[Gen, str], None]


def unique(prefix: str) -> str:
    """A unique name that the sandbox sweeper recognises if a live run dies half way."""
    return f"{sandbox_name()}-{prefix}-{uuid.uuid4().hex[:8]}"


@contextmanager
def sandbox_product(gen: Gen, org: str, **extra: Any) -> Iterator[dict[str, Any]]:
    product = gen(create_product, org, body={"name": unique("sandbox"), **extra}, expect=201)
    try:
        yield product
    finally:
        gen(delete_product, product["productId"])


def _product_env_config(gen: Gen, pid: str, version: str = "v1") -> tuple[str, str, str]:
    env = gen(create_environment, pid, body={"name": "Production"}, expect=201)
    config = gen(
        create_config, pid, body={"name": "Main", "evaluationVersion": version}, expect=201
    )
    return env["environmentId"], config["configId"], config["product"]["productId"]


def _setting(gen: Gen, config_id: str, body: dict[str, Any]) -> int:
    """Create a setting in ``config_id``; return its id."""
    return int(gen(create_setting, config_id, body=body, expect=201)["settingId"])


# -- scenarios --------------------------------------------------------------------------------


def products(gen: Gen, org: str) -> None:
    name = unique("Shop")
    created = gen(
        create_product, org, body={"name": name, "description": "d", "order": 2}, expect=201
    )
    pid = created["productId"]
    try:
        assert uuid.UUID(pid)
        assert created["organization"]["organizationId"] == org
        assert gen(get_product, pid, expect=200)["name"] == name
        assert pid in [p["productId"] for p in gen(get_products, expect=200)]
        # names are unique ignoring case
        gen(create_product, org, body={"name": name.upper()}, expect=400)
        updated = gen(
            update_product, pid, body={"name": name + "2", "description": None}, expect=200
        )
        assert updated["name"] == name + "2"
        assert updated["description"] == "d", "null leaves a field unchanged"
        prefs = gen(get_product_preferences, pid, expect=200)
        assert prefs["reasonRequired"] is False
        prefs = gen(
            update_product_preferences,
            pid,
            body={"reasonRequired": True, "keyGenerationMode": "kebabCase"},
            expect=200,
        )
        assert prefs["reasonRequired"] is True
        assert prefs["keyGenerationMode"] == "kebabCase"
        assert gen(get_product, pid)["reasonRequired"] is True
    finally:
        gen(delete_product, pid, expect=204)
    gen(get_product, pid, expect=404)
    gen(delete_product, pid, expect=404)


def product_cascade(gen: Gen, org: str) -> None:
    product = gen(create_product, org, body={"name": unique("Cascade")}, expect=201)
    pid = product["productId"]
    eid, cid, _ = _product_env_config(gen, pid)
    sid = gen(
        create_setting, cid, body={"key": "f", "name": "F", "settingType": "boolean"}, expect=201
    )["settingId"]
    tag = gen(create_tag, pid, body={"name": "t"}, expect=201)
    gen(delete_product, pid, expect=204)
    gen(get_environment, eid, expect=404)
    gen(get_config, cid, expect=404)
    gen(get_setting, sid, expect=404)
    gen(get_tag, tag["tagId"], expect=404)


def environments(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        b = gen(create_environment, pid, body={"name": "B", "order": 1, "color": "red"}, expect=201)
        a = gen(create_environment, pid, body={"name": "a", "order": 1}, expect=201)
        z = gen(create_environment, pid, body={"name": "Z", "order": 0}, expect=201)
        assert uuid.UUID(b["environmentId"])
        names = [e["name"] for e in gen(get_environments, pid, expect=200)]
        assert names == ["Z", "a", "B"], "ordered by order, then name"
        gen(create_environment, pid, body={"name": "b"}, expect=400)
        gen(update_environment, a["environmentId"], body={"name": "z"}, expect=400)
        got = gen(update_environment, b["environmentId"], body={"description": "x"}, expect=200)
        assert (got["description"], got["color"], got["name"]) == ("x", "red", "B")
        assert gen(get_environment, b["environmentId"], expect=200)["description"] == "x"
        gen(delete_environment, z["environmentId"], expect=204)
        gen(get_environment, z["environmentId"], expect=404)
        assert len(gen(get_environments, pid)) == 2


def configs(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        env = gen(create_environment, pid, body={"name": "Prod"}, expect=201)
        v1 = gen(create_config, pid, body={"name": "Legacy"}, expect=201)
        v2 = gen(create_config, pid, body={"name": "Main", "evaluationVersion": "v2"}, expect=201)
        assert v1["evaluationVersion"] == "v1"
        assert v2["evaluationVersion"] == "v2"
        assert {c["configId"] for c in gen(get_configs, pid, expect=200)} == {
            v1["configId"],
            v2["configId"],
        }
        got = gen(update_config, v1["configId"], body={"name": "Old", "order": 5}, expect=200)
        assert (got["name"], got["order"]) == ("Old", 5)
        keys = gen(get_sdk_keys, v2["configId"], env["environmentId"], expect=200)
        assert SDK_KEY.match(keys["primary"]), keys
        again = gen(get_sdk_keys, v2["configId"], env["environmentId"], expect=200)
        assert again["primary"] == keys["primary"]
        sid = gen(
            create_setting,
            v1["configId"],
            body={"key": "k", "name": "K", "settingType": "int"},
            expect=201,
        )["settingId"]
        gen(delete_config, v1["configId"], expect=204)
        gen(get_config, v1["configId"], expect=404)
        gen(get_setting, sid, expect=404)
        gen(get_sdk_keys, v1["configId"], env["environmentId"], expect=404)


def settings(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid)
        tag = gen(create_tag, pid, body={"name": "beta", "color": "blue"}, expect=201)
        body = {
            "key": "newCheckout",
            "name": "New checkout",
            "settingType": "boolean",
            "hint": "h",
            "tags": [tag["tagId"]],
            "initialValues": [{"environmentId": eid, "value": True}],
        }
        flag = gen(create_setting, cid, body=body, expect=201)
        sid = flag["settingId"]
        assert isinstance(sid, int)
        assert [t["tagId"] for t in flag["tags"]] == [tag["tagId"]]
        assert gen(get_setting_value, eid, sid, expect=200)["value"] is True
        # keys: pattern, length, unique ignoring case
        for bad in ("1abc", "with space", "a" * 256, "NEWCHECKOUT", "ä"):
            gen(create_setting, cid, body={**body, "key": bad, "initialValues": []}, expect=400)
        gen(create_setting, cid, body={**body, "key": "x", "tags": [999_999]}, expect=400)
        gen(
            create_setting,
            cid,
            body={**body, "key": "x", "initialValues": [{"environmentId": eid, "value": "yes"}]},
            expect=400,
        )
        text = gen(
            create_setting,
            cid,
            body={"key": "banner_text-1", "name": "Banner", "settingType": "string", "order": 1},
            expect=201,
        )
        assert [s["key"] for s in gen(get_settings, cid, expect=200)] == [
            "newCheckout",
            "banner_text-1",
        ]
        got = gen(
            replace_setting, sid, body={"name": "Checkout", "hint": None, "tags": []}, expect=200
        )
        assert (got["name"], got["hint"], got["tags"]) == ("Checkout", None, [])
        patched = gen(
            update_setting,
            sid,
            body=[
                {"op": "replace", "path": "/name", "value": "Checkout v2"},
                {"op": "add", "path": "/tags/-", "value": tag["tagId"]},
            ],
            expect=200,
        )
        assert patched["name"] == "Checkout v2"
        assert [t["tagId"] for t in patched["tags"]] == [tag["tagId"]]
        gen(update_setting, sid, body=[{"op": "remove", "path": "/nope"}], expect=400)
        assert gen(get_setting, sid, expect=200)["name"] == "Checkout v2"
        # predefined variations
        variations = gen(
            update_predefined_variations,
            text["settingId"],
            body={
                "predefinedVariations": [
                    {"value": {"stringValue": "A"}, "name": "a"},
                    {"value": {"stringValue": "B"}},
                ]
            },
            expect=200,
        )
        assert len(variations["predefinedVariations"]) == 2
        listed = gen(get_predefined_variations, text["settingId"], expect=200)
        assert [v["value"]["stringValue"] for v in listed["predefinedVariations"]] == ["A", "B"]
        gen(
            update_predefined_variations,
            text["settingId"],
            body={"predefinedVariations": [{"value": {"intValue": 1}}]},
            expect=400,
        )
        # delete, deleted settings
        gen(delete_setting, sid, expect=204)
        gen(get_setting, sid, expect=404)
        gen(get_setting_value, eid, sid, expect=404)
        deleted = gen(get_deleted_settings, cid, expect=200)
        assert [d["key"] for d in deleted] == ["newCheckout"]
        again = gen(create_setting, cid, body={**body, "tags": []}, expect=201)
        assert again["settingId"] != sid, "ids are not reused"


def values_v1(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid, "v1")
        segment = gen(
            create_segment,
            pid,
            body={
                "name": "Beta",
                "comparisonAttribute": "Email",
                "comparator": "contains",
                "comparisonValue": "@example.com",
            },
            expect=201,
        )
        sid = _setting(gen, cid, {"key": "limit", "name": "Limit", "settingType": "int"})
        assert gen(get_setting_value, eid, sid, expect=200)["value"] == 0
        body = {
            "value": 10,
            "rolloutRules": [
                {
                    "comparisonAttribute": "Email",
                    "comparator": "contains",
                    "comparisonValue": "@corp.com",
                    "value": 100,
                },
                {"segmentComparator": "isIn", "segmentId": segment["segmentId"], "value": 50},
            ],
            "rolloutPercentageItems": [
                {"percentage": 30, "value": 20},
                {"percentage": 70, "value": 10},
            ],
        }
        got = gen(replace_setting_value, eid, sid, body=body, expect=200)
        assert got["value"] == 10
        assert [r["value"] for r in got["rolloutRules"]] == [100, 50]
        assert got["rolloutRules"][1]["segmentId"] == segment["segmentId"]
        assert [i["percentage"] for i in got["rolloutPercentageItems"]] == [30, 70]
        assert got["lastUpdaterUserEmail"]
        # bad values
        gen(replace_setting_value, eid, sid, body={"value": "ten"}, expect=400)
        gen(replace_setting_value, eid, sid, body={"value": 1.5}, expect=400)
        gen(
            replace_setting_value,
            eid,
            sid,
            body={**body, "rolloutPercentageItems": [{"percentage": 30, "value": 1}]},
            expect=400,
        )
        gen(
            replace_setting_value,
            eid,
            sid,
            body={
                "value": 1,
                "rolloutRules": [
                    {"segmentComparator": "isIn", "segmentId": str(uuid.uuid4()), "value": 1}
                ],
            },
            expect=400,
        )
        # JSON Patch; a patch that changes nothing answers 204
        patched = gen(
            update_setting_value,
            eid,
            sid,
            body=[{"op": "replace", "path": "/value", "value": 11}],
            expect=200,
        )
        assert patched["value"] == 11
        assert patched["rolloutRules"] == got["rolloutRules"]
        gen(
            update_setting_value,
            eid,
            sid,
            body=[{"op": "replace", "path": "/value", "value": 11}],
            expect=204,
        )
        gen(
            update_setting_value,
            eid,
            sid,
            body=[{"op": "replace", "path": "/value", "value": True}],
            expect=400,
        )
        # by SDK key
        key = gen(get_sdk_keys, cid, eid, expect=200)["primary"]
        by_key = gen(get_setting_value_by_sdkkey, "limit", x_configcat_sdkkey=key, expect=200)
        assert by_key["value"] == 11
        assert gen(get_setting_value_by_sdkkey, str(sid), x_configcat_sdkkey=key)["value"] == 11
        gen(get_setting_value_by_sdkkey, "nope", x_configcat_sdkkey=key, expect=404)
        gen(get_setting_value_by_sdkkey, "limit", expect=404)
        gen(
            get_setting_value_by_sdkkey,
            "limit",
            x_configcat_sdkkey="configcat-sdk-1/x/y",
            expect=404,
        )
        gen(
            update_setting_value_by_sdkkey,
            "limit",
            x_configcat_sdkkey=key,
            body=[{"op": "replace", "path": "/value", "value": 12}],
            expect=200,
        )
        # the whole config
        listed = gen(get_setting_values, cid, eid, expect=200)
        assert [v["value"] for v in listed["settingValues"]] == [12]
        posted = gen(
            post_setting_values,
            cid,
            eid,
            body={"settingValues": [{"settingId": sid, "value": 13}]},
            expect=200,
        )
        assert posted["settingValues"][0]["value"] == 13
        assert posted["settingValues"][0]["rolloutRules"] == []
        # v1 configs read through v2, but do not take v2 writes
        as_v2 = gen(get_setting_value_v2, eid, sid, expect=200)
        assert as_v2["defaultValue"]["intValue"] == 13
        gen(replace_setting_value_v2, eid, sid, body={"defaultValue": {"intValue": 1}}, expect=400)


def reason_required(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid)
        sid = _setting(gen, cid, {"key": "f", "name": "F", "settingType": "boolean"})
        gen(
            update_product_preferences,
            pid,
            body={"reasonRequiredEnvironments": [{"environmentId": eid, "reasonRequired": True}]},
            expect=200,
        )
        gen(replace_setting_value, eid, sid, body={"value": True}, expect=400)
        got = gen(
            replace_setting_value, eid, sid, body={"value": True}, reason="launch", expect=200
        )
        assert got["value"] is True
        entries = gen(get_auditlogs, pid, audit_log_type="settingValueChanged", expect=200)
        assert [e["why"] for e in entries] == ["launch"]


def values_v2(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid, "v2")
        segment = gen(
            create_segment,
            pid,
            body={
                "name": "Staff",
                "comparisonAttribute": "Email",
                "comparator": "isOneOf",
                "comparisonValue": "a@b.c",
            },
            expect=201,
        )["segmentId"]
        base = _setting(gen, cid, {"key": "base", "name": "Base", "settingType": "boolean"})
        sid = _setting(gen, cid, {"key": "banner", "name": "Banner", "settingType": "string"})
        formula = {
            "defaultValue": {"stringValue": "off"},
            "targetingRules": [
                {
                    "conditions": [
                        {
                            "userCondition": {
                                "comparisonAttribute": "Country",
                                "comparator": "isOneOf",
                                "comparisonValue": {"listValue": [{"value": "HU"}]},
                            }
                        }
                    ],
                    "value": {"stringValue": "hu"},
                },
                {
                    "conditions": [
                        {"segmentCondition": {"segmentId": segment, "comparator": "isIn"}}
                    ],
                    "value": {"stringValue": "staff"},
                },
                {
                    "conditions": [
                        {
                            "prerequisiteFlagCondition": {
                                "prerequisiteSettingId": base,
                                "comparator": "equals",
                                "prerequisiteComparisonValue": {"boolValue": True},
                            }
                        }
                    ],
                    "value": {"stringValue": "pre"},
                },
                {
                    "percentageOptions": [
                        {"percentage": 30, "value": {"stringValue": "a"}},
                        {"percentage": 70, "value": {"stringValue": "b"}},
                    ]
                },
            ],
            "percentageEvaluationAttribute": "Identifier",
        }
        got = gen(replace_setting_value_v2, eid, sid, body=formula, expect=200)
        rules = got["targetingRules"]
        assert got["defaultValue"]["stringValue"] == "off"
        assert (
            rules[0]["conditions"][0]["userCondition"]["comparisonValue"]["listValue"][0]["value"]
            == "HU"
        )
        assert rules[1]["conditions"][0]["segmentCondition"]["segmentId"] == segment
        assert (
            rules[2]["conditions"][0]["prerequisiteFlagCondition"]["prerequisiteSettingId"] == base
        )
        assert [o["percentage"] for o in rules[3]["percentageOptions"]] == [30, 70]
        assert got["percentageEvaluationAttribute"] == "Identifier"
        assert gen(get_setting_value_v2, eid, base)["settingIdsWherePrerequisite"] == [sid]
        version = got["lastVersionId"]
        # invalid formulas
        for bad in (
            {"defaultValue": {"boolValue": True}},
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {
                        "value": {"stringValue": "y"},
                        "percentageOptions": [{"percentage": 100, "value": {"stringValue": "z"}}],
                    }
                ],
            },
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {"percentageOptions": [{"percentage": 50, "value": {"stringValue": "z"}}]}
                ],
            },
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {
                        "conditions": [
                            {
                                "prerequisiteFlagCondition": {
                                    "prerequisiteSettingId": sid,
                                    "comparator": "equals",
                                    "prerequisiteComparisonValue": {"stringValue": "x"},
                                }
                            }
                        ],
                        "value": {"stringValue": "y"},
                    }
                ],
            },
            {
                "defaultValue": {"stringValue": "x"},
                "targetingRules": [
                    {
                        "conditions": [
                            {
                                "userCondition": {
                                    "comparisonAttribute": "Age",
                                    "comparator": "numberGreater",
                                    "comparisonValue": {"stringValue": "x"},
                                }
                            }
                        ],
                        "value": {"stringValue": "y"},
                    }
                ],
            },
        ):
            gen(replace_setting_value_v2, eid, sid, body=bad, expect=400)
        # patch, no-op patch, stale version
        patched = gen(
            update_setting_value_v2,
            eid,
            sid,
            body=[{"op": "replace", "path": "/defaultValue/stringValue", "value": "on"}],
            expect=200,
        )
        assert patched["defaultValue"]["stringValue"] == "on"
        assert patched["lastVersionId"] != version
        gen(
            update_setting_value_v2,
            eid,
            sid,
            body=[{"op": "replace", "path": "/defaultValue/stringValue", "value": "on"}],
            expect=204,
        )
        gen(
            update_setting_value_v2,
            eid,
            sid,
            latest_version_id=version,
            body=[{"op": "replace", "path": "/defaultValue/stringValue", "value": "x"}],
            expect=400,
        )
        # the base flag cannot go while it is a prerequisite; the segment neither
        gen(delete_setting, base, expect=400)
        gen(delete_segment, segment, expect=400)
        # by SDK key and the whole config
        key = gen(get_sdk_keys, cid, eid)["primary"]
        by_key = gen(get_setting_value_by_sdkkey_v2, "banner", x_configcat_sdkkey=key, expect=200)
        assert by_key["defaultValue"]["stringValue"] == "on"
        gen(
            replace_setting_value_by_sdkkey_v2,
            "base",
            x_configcat_sdkkey=key,
            body={"defaultValue": {"boolValue": True}},
            expect=200,
        )
        listed = gen(get_setting_values_v2, cid, eid, expect=200)
        keys = [f["setting"]["key"] for f in listed["settingFormulas"]]
        assert keys == ["banner", "base"], "same order: by name"
        posted = gen(
            post_setting_values_v2,
            cid,
            eid,
            body={"updateFormulas": [{"settingId": sid, "defaultValue": {"stringValue": "bulk"}}]},
            expect=200,
        )
        by_id = {f["setting"]["settingId"]: f for f in posted["settingFormulas"]}
        assert by_id[sid]["defaultValue"]["stringValue"] == "bulk"
        assert by_id[sid]["targetingRules"] == []
        assert by_id[base]["defaultValue"]["boolValue"] is True
        # v2 configs take no v1 calls
        gen(get_setting_value, eid, sid, expect=400)


def tags_and_segments(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        _, cid, _ = _product_env_config(gen, pid)
        tag = gen(create_tag, pid, body={"name": "ops"}, expect=201)
        tid = tag["tagId"]
        assert isinstance(tid, int)
        assert gen(update_tag, tid, body={"color": "red"}, expect=200)["color"] == "red"
        assert [t["name"] for t in gen(get_tags, pid, expect=200)] == ["ops"]
        sid = _setting(gen, cid, {"key": "f", "name": "F", "settingType": "boolean", "tags": [tid]})
        assert [s["settingId"] for s in gen(get_settings_by_tag, tid, expect=200)] == [sid]
        gen(delete_tag, tid, expect=204)
        gen(get_tag, tid, expect=404)
        assert gen(get_setting, sid)["tags"] == []

        seg = gen(
            create_segment,
            pid,
            body={
                "name": "Beta",
                "comparisonAttribute": "Email",
                "comparator": "contains",
                "comparisonValue": "@x",
            },
            expect=201,
        )
        assert uuid.UUID(seg["segmentId"])
        gen(
            create_segment,
            pid,
            body={
                "name": "BETA",
                "comparisonAttribute": "a",
                "comparator": "contains",
                "comparisonValue": "b",
            },
            expect=400,
        )
        got = gen(update_segment, seg["segmentId"], body={"description": "d"}, expect=200)
        assert (got["description"], got["name"]) == ("d", "Beta")
        assert gen(get_segment, seg["segmentId"], expect=200)["comparator"] == "contains"
        assert [s["usage"] for s in gen(get_segments, pid, expect=200)] == [0]
        gen(delete_segment, seg["segmentId"], expect=204)
        gen(get_segment, seg["segmentId"], expect=404)


def webhooks(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid)
        body = {
            "url": "https://example.com/hook",
            "httpMethod": "post",
            "content": "{}",
            "webHookHeaders": [
                {"key": "X-Token", "value": "s3cret", "isSecure": True},
                {"key": "X-Plain", "value": "v"},
            ],
        }
        hook = gen(create_webhook, cid, eid, body=body, expect=201)
        wid = hook["webhookId"]
        assert isinstance(wid, int)
        assert [h["value"] for h in hook["webHookHeaders"]] == ["******", "v"]
        assert hook["config"]["configId"] == cid
        assert [h["webhookId"] for h in gen(get_webhooks, pid, expect=200)] == [wid]
        keys = gen(get_webhook_signing_keys, wid, expect=200)
        assert keys["key1"] and keys["key1"] != keys["key2"]
        got = gen(replace_webhook, wid, body={"url": "https://example.com/2"}, expect=200)
        assert (got["url"], got["httpMethod"], got["webHookHeaders"]) == (
            "https://example.com/2",
            "get",
            [],
        )
        got = gen(
            update_webhook,
            wid,
            body=[{"op": "replace", "path": "/httpMethod", "value": "post"}],
            expect=200,
        )
        assert got["httpMethod"] == "post"
        gen(update_webhook, wid, body=[{"op": "replace", "path": "/url", "value": "x"}], expect=400)
        assert gen(get_webhook, wid, expect=200)["url"] == "https://example.com/2"
        gen(delete_webhook, wid, expect=204)
        gen(get_webhook, wid, expect=404)


def members_and_permissions(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        env = gen(create_environment, pid, body={"name": "Prod"}, expect=201)
        groups = gen(get_permission_groups, pid, expect=200)
        assert [g["name"] for g in groups] == ["Administrators"]
        group = gen(
            create_permission_group,
            pid,
            body={
                "name": "Readers",
                "accessType": "custom",
                "canViewSdkKey": True,
                "environmentAccesses": [
                    {"environmentId": env["environmentId"], "environmentAccessType": "readOnly"}
                ],
            },
            expect=201,
        )
        gid = group["permissionGroupId"]
        assert isinstance(gid, int)
        assert group["environmentAccesses"][0]["environmentAccessType"] == "readOnly"
        got = gen(update_permission_group, gid, body={"canDeleteTag": True}, expect=200)
        assert (got["canDeleteTag"], got["canViewSdkKey"], got["name"]) == (True, True, "Readers")
        assert gen(get_permission_group, gid, expect=200)["accessType"] == "custom"
        me = gen(get_me, expect=200)
        assert me["email"]
        members = gen(get_product_members, pid, expect=200)
        assert [m["email"] for m in members] == [me["email"]]
        assert me["email"] in [u["email"] for u in gen(get_organization_members, org, expect=200)]
        v2 = gen(get_organization_members_v2, org, expect=200)
        assert me["email"] in [u["email"] for u in v2["members"]]
        email = f"{unique('invitee')}@example.com".lower()  # a plain lower-case address
        gen(invite_member, pid, body={"emails": [email], "permissionGroupId": gid}, expect=200)
        invitations = gen(get_pending_invitations, pid, expect=200)
        assert [(i["email"], i["permissionGroupId"]) for i in invitations] == [(email, gid)]
        org_invites = gen(get_pending_invitations_org, org, expect=200)
        assert email in [i["email"] for i in org_invites]
        gen(delete_invitation, invitations[0]["invitationId"], expect=204)
        assert gen(get_pending_invitations, pid) == []
        gen(
            invite_member,
            pid,
            body={"emails": ["no-at-sign"], "permissionGroupId": gid},
            expect=400,
        )
        gen(delete_permission_group, gid, expect=204)
        gen(get_permission_group, gid, expect=404)


def integrations(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid)
        body = {
            "integrationType": "slack",
            "name": "Alerts",
            "parameters": {"incoming_webhook.url": "u"},
            "environmentIds": [eid],
            "configIds": [cid],
        }
        integration = gen(create_integration, pid, body=body, expect=201)
        iid = integration["integrationId"]
        assert uuid.UUID(iid)
        gen(create_integration, pid, body={**body, "configIds": [str(uuid.uuid4())]}, expect=400)
        assert [i["integrationId"] for i in gen(get_integrations, pid)["integrations"]] == [iid]
        got = gen(
            update_integration,
            iid,
            body={"name": "Ops", "parameters": {}, "environmentIds": [], "configIds": []},
            expect=200,
        )
        assert (got["name"], got["environmentIds"]) == ("Ops", [])
        assert gen(get_integration, iid, expect=200)["name"] == "Ops"
        gen(delete_integration, iid, expect=204)
        gen(get_integration, iid, expect=404)
        sid = _setting(gen, cid, {"key": "f", "name": "F", "settingType": "boolean"})
        key = unique("CARD")
        link = gen(
            add_or_update_integration_link,
            eid,
            sid,
            "trello",
            key,
            body={"description": "card", "url": "https://trello.com/c/1"},
            expect=200,
        )
        assert (link["key"], link["integrationLinkType"]) == (key, "trello")
        value = gen(get_setting_value, eid, sid)
        assert [x["key"] for x in value["integrationLinks"]] == [key]
        details = gen(get_integration_link_details, "trello", key, expect=200)
        assert details["allIntegrationLinkCount"] == 1
        assert gen(delete_integration_link, eid, sid, "trello", key, expect=200) == {
            "hasRemainingIntegrationLink": False
        }
        gen(delete_integration_link, eid, sid, "trello", key, expect=404)


def proxy_profiles(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid)
        profile = gen(
            create_proxy_profile,
            org,
            body={
                "name": unique("proxy"),
                "sdkKeySelectionRules": [{"kind": "include", "productIdFilter": pid}],
            },
            expect=201,
        )
        ppid = profile["proxyProfileId"]
        try:
            assert uuid.UUID(ppid)
            assert ppid in [p["proxyProfileId"] for p in gen(get_proxy_profiles, org)["profiles"]]
            items = gen(get_proxy_profile_sdk_keys, ppid, expect=200)["items"]
            assert [(i["configId"], i["environmentId"]) for i in items] == [(cid, eid)]
            assert SDK_KEY.match(items[0]["primarySdkKey"])
            pair = {"items": [{"configId": cid, "environmentId": eid}]}
            assert gen(deselect_proxy_profile_sdk_keys, ppid, body=pair, expect=200)["items"] == []
            assert (
                len(gen(select_proxy_profile_sdk_keys, ppid, body=pair, expect=200)["items"]) == 1
            )
            got = gen(
                replace_proxy_profile,
                ppid,
                body={"name": "renamed", "connectionPreferences": {"sdkPollInterval": 90}},
                expect=200,
            )
            assert got["connectionPreferences"]["sdkPollInterval"] == 90
            got = gen(
                update_proxy_profile,
                ppid,
                body=[{"op": "replace", "path": "/description", "value": "d"}],
                expect=200,
            )
            assert (got["name"], got["description"]) == ("renamed", "d")
            first = gen(generate_proxy_profile_secret, ppid, expect=200)["secretToken"]
            assert first != gen(generate_proxy_profile_secret, ppid)["secretToken"]
            assert gen(get_proxy_profile, ppid, expect=200)["name"] == "renamed"
        finally:
            gen(delete_proxy_profile, ppid, expect=204)
        gen(get_proxy_profile, ppid, expect=404)


def audit_logs(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid)
        for i in range(3):
            gen(create_tag, pid, body={"name": f"t{i}"}, expect=201)
        entries = gen(get_auditlogs, pid, expect=200)
        kinds = [e["auditLogTypeEnum"] for e in entries]
        assert kinds[:3] == ["tagAdded"] * 3, "newest first"
        assert {"productCreated", "environmentCreated", "configCreated"} <= set(kinds)
        only_env = gen(get_auditlogs, pid, environment_id=eid, expect=200)
        assert [e["auditLogTypeEnum"] for e in only_env] == ["environmentCreated"]
        page1 = gen(get_auditlogs_v2, pid, page_size=2, expect=200)
        assert len(page1["data"]) == 2
        assert page1["paging"]["totalCount"] == len(entries)
        assert page1["paging"]["hasNext"] is True
        last = gen(get_auditlogs_v2, pid, page_size=2, page_number=page1["paging"]["totalPages"])
        assert last["paging"]["hasNext"] is False
        org_logs = gen(get_organization_auditlogs_v2, org, product_id=pid, expect=200)
        assert org_logs["paging"]["totalCount"] == len(entries)
        del cid


def code_references_and_stale_flags(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid)
        sid = _setting(gen, cid, {"key": "old", "name": "Old", "settingType": "boolean"})
        report = {
            "configId": cid,
            "repository": "shop",
            "branch": "main",
            "activeBranches": ["main"],
            "flagReferences": [
                {
                    "settingId": sid,
                    "references": [
                        {
                            "file": "app.py",
                            "referenceLine": {
                                "lineNumber": 7,
                                "lineText": "client.get_value('old')",
                            },
                        }
                    ],
                }
            ],
        }
        gen(upload_code_references, body=report, expect=200)
        refs = gen(get_code_references, sid, expect=200)
        assert [(r["repository"], r["branch"]) for r in refs] == [("shop", "main")]
        assert refs[0]["references"][0]["referenceLine"]["lineNumber"] == 7
        gen(delete_code_reference_reports, body={"configId": cid, "repository": "shop"}, expect=200)
        assert gen(get_code_references, sid, expect=200) == []
        stale = gen(get_staleflags, pid, expect=200)
        assert stale["productId"] == pid
        assert [e["environmentId"] for e in stale["environments"]] == [eid]
        assert stale["configs"][0]["settings"] == [], "a flag created just now is not stale"


def change_requests(gen: Gen, org: str) -> None:
    with sandbox_product(gen, org) as product:
        pid = product["productId"]
        eid, cid, _ = _product_env_config(gen, pid, "v2")
        sid = _setting(gen, cid, {"key": "f", "name": "F", "settingType": "boolean"})
        body = {
            "title": "Turn on",
            "bypassApproval": False,
            "proposedChanges": [
                {"proposedChange": {"settingId": sid, "defaultValue": {"boolValue": True}}}
            ],
        }
        cr = gen(create_change_request, cid, eid, body=body, expect=201)
        crid = cr["changeRequestId"]
        assert cr["changeRequestStatus"] == "open"
        assert cr["settingValues"][0]["proposedEvaluationFormula"]["defaultValue"]["boolValue"]
        assert gen(get_setting_value_v2, eid, sid)["changeRequestCount"] == 1
        listed = gen(get_change_requests, pid, expect=200)["changeRequests"]["data"]
        assert [c["changeRequestId"] for c in listed] == [crid]
        proposed = gen(get_change_request_proposed_changes, crid, expect=200)
        assert proposed["proposedChanges"][0]["defaultValue"]["boolValue"] is True
        comment = gen(add_change_request_comment, crid, body={"body": "lgtm?"}, expect=200)
        edited = gen(
            update_change_request_comment,
            comment["changeRequestCommentId"],
            body={"body": "edited"},
            expect=200,
        )
        assert edited["editedAt"] is not None
        got = gen(
            update_change_request, crid, body={"title": "Turn on now", "reason": "r"}, expect=200
        )
        assert (got["title"], got["reason"]) == ("Turn on now", "r")
        # a change to the value meanwhile is a conflict
        gen(
            replace_setting_value_v2,
            eid,
            sid,
            body={"defaultValue": {"boolValue": False}},
            expect=200,
        )
        current = gen(get_change_request, crid, expect=200)
        assert current["settingValues"][0]["hasConflict"] is True
        gen(delete_change_request_comment, comment["changeRequestCommentId"], expect=204)
        closed = gen(close_change_request, crid, expect=200)
        assert closed["changeRequestStatus"] == "closed"
        gen(close_change_request, crid, expect=400)
        assert gen(get_setting_value_v2, eid, sid)["changeRequestCount"] == 0


def organizations(gen: Gen, org: str) -> None:
    orgs = gen(get_organizations, expect=200)
    assert org in [o["organizationId"] for o in orgs]
    limits = gen(get_organization_limitations, org, expect=200)
    assert limits["maxTargetingRuleCount"] > 0
    gen(get_organization_limitations, str(uuid.uuid4()), expect=404)


SCENARIOS: dict[str, Scenario] = {
    fn.__name__: fn
    for fn in (
        organizations,
        products,
        product_cascade,
        environments,
        configs,
        settings,
        values_v1,
        reason_required,
        values_v2,
        tags_and_segments,
        webhooks,
        members_and_permissions,
        integrations,
        proxy_profiles,
        audit_logs,
        code_references_and_stale_flags,
        change_requests,
    )
}
