"""OFREP on the fake: the OpenFeature OFREP provider gets what the official SDK computes."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.contrib.provider.ofrep import OFREPProvider
from openfeature.evaluation_context import EvaluationContext
from openfeature.flag_evaluation import FlagEvaluationDetails, Reason
from protocol_support import KEYS, Make, context_of, official, targeted_flags

from configcat_mock.flags import Flag, FlagSet, user, when

_DOMAINS = itertools.count()


def ofrep_client(flags: FlagSet, **headers: str) -> OpenFeatureClient:
    """An OpenFeature client of its own domain, with the OFREP provider pointed at ``flags``."""
    provider = OFREPProvider(
        flags.ofrep_url,
        headers_factory=lambda: headers or {"X-ConfigCat-SdkKey": flags.sdk_key},
    )
    domain = f"ofrep-{next(_DOMAINS)}"
    api.set_provider(provider, domain)
    return api.get_client(domain)


def typed_details(
    client: OpenFeatureClient, key: str, like: Any, context: EvaluationContext
) -> FlagEvaluationDetails[Any]:
    """The provider's details through the getter of ``like``'s type."""
    if isinstance(like, bool):
        return client.get_boolean_details(key, not like, context)
    if isinstance(like, int):
        return client.get_integer_details(key, -1, context)
    if isinstance(like, float):
        return client.get_float_details(key, -1.0, context)
    return client.get_string_details(key, "", context)


def test_the_ofrep_provider_gets_the_official_values_and_variation_ids(
    configcat_flags: Make,
) -> None:
    flags = targeted_flags(configcat_flags)
    client = ofrep_client(flags)
    seen_reasons = set()
    for targeting_key, key, value, variation_id in official(flags):
        attributes = dict(context_of(targeting_key))
        context = EvaluationContext(attributes.pop("targetingKey"), attributes)
        details = typed_details(client, key, value, context)
        assert details.error_code is None, (key, details.error_message)
        assert (details.value, details.variant) == (value, variation_id), (targeting_key, key)
        seen_reasons.add((key, details.reason))
    assert ("banner", Reason.STATIC) in seen_reasons
    assert ("discount", Reason.TARGETING_MATCH) in seen_reasons
    assert ("discount", Reason.SPLIT) in seen_reasons
    assert ("plan", Reason.SPLIT) in seen_reasons  # a rule's percentage options
    assert ("isBeta", Reason.TARGETING_MATCH) in seen_reasons


@pytest.mark.parametrize("form", ["sdk-key", "sdk-id", "api-key", "bearer", "bearer-id"])
def test_every_way_of_naming_the_sdk(configcat_flags: Make, form: str) -> None:
    flags = configcat_flags({"banner": "Hello"})
    headers = {
        "sdk-key": {"X-ConfigCat-SdkKey": flags.sdk_key},
        "sdk-id": {"X-ConfigCat-SdkId": flags.sdk_id},
        "api-key": {"X-API-Key": flags.sdk_key},
        "bearer": {"Authorization": f"Bearer {flags.sdk_key}"},
        "bearer-id": {"Authorization": f"Bearer {flags.sdk_id}"},
    }[form]
    client = ofrep_client(flags, **headers)
    assert client.get_string_value("banner", "", EvaluationContext("u")) == "Hello"


def post(flags: FlagSet, path: str, body: Any, **headers: str) -> httpx.Response:
    sent = {"X-ConfigCat-SdkKey": flags.sdk_key, **headers}
    url = f"{flags.ofrep_url}/ofrep/v1/evaluate/flags{path}"
    if isinstance(body, bytes):
        return httpx.post(url, content=body, headers=sent)
    return httpx.post(url, json=body, headers=sent)


def test_bulk_evaluation_etag_304_and_a_new_etag_after_a_change(configcat_flags: Make) -> None:
    flags = targeted_flags(configcat_flags)
    body = {"context": context_of("3")}
    first = post(flags, "", body)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    by_key = {f["key"]: f for f in first.json()["flags"]}
    assert sorted(by_key) == sorted(KEYS)
    want = {(k, v, i) for t, k, v, i in official(flags) if t == "3"}
    assert {(k, f["value"], f.get("variant")) for k, f in by_key.items()} == want
    again = post(flags, "", body, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other_context = post(flags, "", {"context": context_of("1")}, **{"If-None-Match": etag})
    assert other_context.status_code == 200  # the ETag names the context too
    flags.set("banner", "Changed")
    changed = post(flags, "", body, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert {f["key"]: f["value"] for f in changed.json()["flags"]}["banner"] == "Changed"


def test_bad_input(configcat_flags: Make) -> None:
    flags = configcat_flags(
        {
            "banner": "Hello",
            "gated": Flag(False, rules=[when(user("Email").is_one_of("a@b.c")).then(True)]),
        }
    )
    broken = post(flags, "/banner", b"{not json")
    assert (broken.status_code, broken.json()["errorCode"]) == (400, "PARSE_ERROR")
    not_object = post(flags, "/banner", {"context": ["a"]})
    assert (not_object.status_code, not_object.json()["errorCode"]) == (400, "PARSE_ERROR")
    bad_attribute = post(flags, "/banner", {"context": {"targetingKey": "u", "nested": {"a": 1}}})
    assert (bad_attribute.status_code, bad_attribute.json()["errorCode"]) == (
        400,
        "INVALID_CONTEXT",
    )
    missing = post(flags, "/nope", {"context": {"targetingKey": "u"}})
    assert missing.status_code == 404
    assert missing.json() == {
        "key": "nope",
        "errorCode": "FLAG_NOT_FOUND",
        "errorDetails": "flag 'nope' was not found",
    }
    no_key = post(flags, "/gated", {"context": {"email": "a@b.c"}})
    assert (no_key.status_code, no_key.json()["errorCode"]) == (400, "TARGETING_KEY_MISSING")
    static = post(flags, "/banner", {"context": {}})
    assert static.json() == {
        "key": "banner",
        "value": "Hello",
        "reason": "STATIC",
        "variant": static.json()["variant"],
    }
    bulk = post(flags, "", {"context": {}}).json()["flags"]
    assert {f["key"]: f.get("errorCode") for f in bulk} == {
        "banner": None,
        "gated": "TARGETING_KEY_MISSING",
    }
    unknown = post(
        flags, "/banner", {"context": {}}, **{"X-ConfigCat-SdkKey": "configcat-sdk-1/no/such"}
    )
    assert unknown.status_code == 401
    anonymous = httpx.post(
        f"{flags.ofrep_url}/ofrep/v1/evaluate/flags/banner", json={"context": {}}
    )
    assert anonymous.status_code == 401


def test_bodies_past_the_limit_and_injected_rate_limits() -> None:
    from configcat_mock import MockConfigCat
    from configcat_mock.flags import FlagServer
    from configcat_mock.http.faults import FaultRule

    rules = [FaultRule(route="ofrep-evaluate-flag", rate_429=1.0)]
    mock = MockConfigCat(rate_limits=False, body_limit=4096, faults=rules)
    with FlagServer(mock) as server:
        flags = server.flags({"banner": "Hello"})
        big = {"context": {"targetingKey": "u", "padding": "x" * 5000}}
        too_large = post(flags, "", big)
        assert too_large.status_code == 413
        limited = post(flags, "/banner", {"context": {"targetingKey": "u"}})
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
        assert post(flags, "", {"context": {"targetingKey": "u"}}).status_code == 200
    mock.close()
