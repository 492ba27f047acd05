"""The official ConfigCat SDK evaluates flags the mock serves.

Flags are created and changed through the management API (overlay client, generated endpoint
functions); the SDK downloads ``config_v6.json`` from the same server and evaluates it. The SDK
reports a refresh as successful even on 4xx/5xx, so every test checks evaluated values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
import pytest
from configcatclient import ConfigCatClient as SdkClient
from configcatclient import ConfigCatOptions, PollingMode
from configcatclient.user import User
from delivery_support import Manager

from configcat_mock.http.app import MockApp
from configcat_mock.http.server import LoopbackServer

SdkFactory = Callable[[str], SdkClient]


@pytest.fixture
def sdk(live: LoopbackServer) -> Iterator[SdkFactory]:
    clients: list[SdkClient] = []

    def make(sdk_key: str) -> SdkClient:
        options = ConfigCatOptions(base_url=live.url, polling_mode=PollingMode.manual_poll())
        client = SdkClient.get(sdk_key, options)
        clients.append(client)
        client.force_refresh()
        return client

    yield make
    for client in clients:
        client.close()


def user_cond(attribute: str, comparator: str, **value: Any) -> dict[str, Any]:
    cv = {"stringValue": None, "doubleValue": None, "listValue": None}
    if "items" in value:
        cv["listValue"] = [{"value": v, "hint": None} for v in value.pop("items")]
    cv.update(value)
    return {
        "userCondition": {
            "comparisonAttribute": attribute,
            "comparator": comparator,
            "comparisonValue": cv,
        },
        "segmentCondition": None,
        "prerequisiteFlagCondition": None,
    }


def rule(conditions: list[dict[str, Any]], value: dict[str, Any]) -> dict[str, Any]:
    return {"conditions": conditions, "percentageOptions": [], "value": value}


def s(text: str) -> dict[str, Any]:
    return {"stringValue": text}


def b(flag: bool) -> dict[str, Any]:
    return {"boolValue": flag}


@attrs.define
class Product:
    product_id: str
    environment_id: str
    config_id: str
    sdk_key: str


@pytest.fixture
def v2(manager: Manager) -> Product:
    product_id = manager.product("Shop")
    env_id = manager.environment(product_id, "Production")
    config_id = manager.config(product_id, "Main", "v2")
    return Product(product_id, env_id, config_id, manager.sdk_key(config_id, env_id))


#: Setting type of a flag, by the field its default value uses.
_KINDS = {
    "stringValue": "string",
    "boolValue": "boolean",
    "intValue": "int",
    "doubleValue": "double",
}


def flag(
    manager: Manager,
    p: Product,
    key: str,
    default: dict[str, Any],
    rules: list[dict[str, Any]] | None = None,
) -> int:
    """A flag of the default value's type, served with that default and these rules."""
    (field,) = default
    setting_id = manager.flag(p.config_id, key, _KINDS[field])
    formula = {"defaultValue": default, "targetingRules": rules or []}
    manager.formula(p.environment_id, setting_id, formula)
    return setting_id


def assert_cases(client: SdkClient, key: str, cases: dict[User, Any]) -> None:
    """Each user gets the value named for it; compared at once, so a failure shows every miss."""
    got = {u.get_identifier(): client.get_value(key, "?", u) for u in cases}
    assert got == {u.get_identifier(): want for u, want in cases.items()}


def test_text_comparators(manager: Manager, v2: Product, sdk: SdkFactory) -> None:
    flag(
        manager,
        v2,
        "text",
        s("none"),
        [
            rule([user_cond("Email", "textEquals", stringValue="boss@shop.io")], s("equals")),
            rule([user_cond("Email", "textEndsWithAnyOf", items=["@example.com"])], s("ends")),
            rule([user_cond("Email", "textStartsWithAnyOf", items=["qa-", "test-"])], s("starts")),
            rule([user_cond("Country", "isOneOf", items=["HU", "NL"])], s("oneof")),
            rule([user_cond("Email", "containsAnyOf", items=["support"])], s("contains")),
            rule(
                [
                    user_cond("Plan", "textDoesNotEqual", stringValue="free"),
                    user_cond("Country", "isNotOneOf", items=["US"]),
                ],
                s("paid-non-us"),
            ),
        ],
    )
    client = sdk(v2.sdk_key)
    cases = {
        User("1", email="boss@shop.io"): "equals",
        User("2", email="ann@example.com"): "ends",
        User("3", email="test-7@shop.io"): "starts",
        User("4", email="x@shop.io", country="NL"): "oneof",
        User("5", email="support@shop.io", country="US"): "contains",
        User("6", email="y@shop.io", country="DE", custom={"Plan": "pro"}): "paid-non-us",
        User("7", email="z@shop.io", country="US", custom={"Plan": "pro"}): "none",
        User("8", email="w@shop.io", country="DE", custom={"Plan": "free"}): "none",
    }
    assert_cases(client, "text", cases)
    assert client.get_value("text", "?") == "none"


def test_number_semver_date_array(manager: Manager, v2: Product, sdk: SdkFactory) -> None:
    flag(
        manager,
        v2,
        "number",
        s("none"),
        [
            rule([user_cond("Age", "numberLess", doubleValue=18)], s("minor")),
            rule([user_cond("Age", "numberEquals", doubleValue=42)], s("answer")),
            rule([user_cond("Age", "numberGreaterOrEquals", doubleValue=65)], s("senior")),
        ],
    )
    flag(
        manager,
        v2,
        "semver",
        s("none"),
        [
            rule([user_cond("Version", "semVerIsOneOf", items=["2.1.0", "2.2.0"])], s("listed")),
            rule([user_cond("Version", "semVerLess", stringValue="2.0.0")], s("old")),
            rule(
                [user_cond("Version", "semVerGreaterOrEquals", stringValue="3.0.0-beta")], s("new")
            ),
        ],
    )
    cutoff = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
    flag(
        manager,
        v2,
        "date",
        s("none"),
        [
            rule([user_cond("Signup", "dateTimeBefore", doubleValue=cutoff)], s("early")),
            rule([user_cond("Signup", "dateTimeAfter", doubleValue=cutoff + 86400)], s("late")),
        ],
    )
    flag(
        manager,
        v2,
        "array",
        s("none"),
        [
            rule([user_cond("Roles", "arrayContainsAnyOf", items=["admin"])], s("admin")),
            rule([user_cond("Roles", "arrayDoesNotContainAnyOf", items=["viewer"])], s("editor")),
        ],
    )
    client = sdk(v2.sdk_key)

    def value(key: str, **custom: Any) -> Any:
        return client.get_value(key, "?", User("u", custom=custom))

    assert [value("number", Age=a) for a in (12, 42, "42,0", 30, 70)] == [
        "minor", "answer", "answer", "none", "senior",
    ]  # fmt: skip
    assert [value("semver", Version=v) for v in ("2.2.0", "1.9.9", "3.0.0", "2.5.0")] == [
        "listed", "old", "new", "none",
    ]  # fmt: skip
    signups = (
        datetime(2023, 6, 1, tzinfo=UTC),
        datetime(2024, 3, 1, tzinfo=UTC),
        cutoff + 3600,
    )
    assert [value("date", Signup=d) for d in signups] == ["early", "late", "none"]
    roles = (["dev", "admin"], ["dev"], ["viewer"], '["admin"]')
    assert [value("array", Roles=r) for r in roles] == ["admin", "editor", "none", "admin"]


def test_sensitive_comparators_are_hashed(
    manager: Manager, v2: Product, sdk: SdkFactory, http: httpx.Client
) -> None:
    flag(
        manager,
        v2,
        "secret",
        s("none"),
        [
            rule([user_cond("Email", "sensitiveTextEquals", stringValue="ceo@corp.io")], s("eq")),
            rule(
                [user_cond("Email", "sensitiveIsOneOf", items=["a@corp.io", "b@corp.io"])], s("one")
            ),
            rule([user_cond("Email", "sensitiveTextStartsWithAnyOf", items=["vip."])], s("starts")),
            rule([user_cond("Email", "sensitiveTextEndsWithAnyOf", items=["@ünï.io"])], s("ends")),
            rule([user_cond("Teams", "sensitiveArrayContainsAnyOf", items=["red"])], s("array")),
            rule(
                [
                    user_cond("Country", "sensitiveIsNotOneOf", items=["XX"]),
                    user_cond("Email", "sensitiveTextNotEndsWithAnyOf", items=[".org"]),
                    user_cond("Email", "sensitiveTextNotStartsWithAnyOf", items=["no-"]),
                    user_cond("Email", "sensitiveTextDoesNotEqual", stringValue="z@z.com"),
                    user_cond("Teams", "sensitiveArrayDoesNotContainAnyOf", items=["blue"]),
                ],
                s("not"),
            ),
        ],
    )
    client = sdk(v2.sdk_key)
    cases = {
        User("1", email="ceo@corp.io"): "eq",
        User("2", email="b@corp.io"): "one",
        User("3", email="vip.jo@corp.io"): "starts",
        User("4", email="zoë@ünï.io"): "ends",
        User("5", email="q@corp.io", custom={"Teams": ["green", "red"]}): "array",
        User("6", email="q@corp.com", country="HU", custom={"Teams": ["green"]}): "not",
        User("7", email="q@corp.org", country="HU", custom={"Teams": ["green"]}): "none",
        User("8", email="no-q@corp.com", country="HU", custom={"Teams": ["green"]}): "none",
        User("9", email="q@corp.com", country="XX", custom={"Teams": ["green"]}): "none",
        User("10", email="q@corp.com", country="HU", custom={"Teams": ["blue"]}): "none",
    }
    assert_cases(client, "secret", cases)
    served = http.get(f"/configuration-files/{v2.sdk_key}/config_v6.json").text
    for plain in ("ceo@corp.io", "a@corp.io", "vip.", "red", "XX", ".org"):
        assert plain not in served


def test_segments_and_prerequisites(manager: Manager, v2: Product, sdk: SdkFactory) -> None:
    beta = manager.segment(v2.product_id, "Beta testers", "Email", "contains", "@beta.io")
    staff = manager.segment(
        v2.product_id, "Staff", "Email", "sensitiveIsOneOf", "ann@corp.io, bob@corp.io"
    )

    def seg(segment_id: str, comparator: str) -> dict[str, Any]:
        return {
            "userCondition": None,
            "segmentCondition": {"segmentId": segment_id, "comparator": comparator},
            "prerequisiteFlagCondition": None,
        }

    gate = flag(manager, v2, "gate", b(False), [rule([seg(beta, "isIn")], b(True))])
    flag(manager, v2, "staffOnly", s("public"), [rule([seg(staff, "isIn")], s("staff"))])
    flag(manager, v2, "outsider", b(False), [rule([seg(beta, "isNotIn")], b(True))])
    prerequisite = {
        "userCondition": None,
        "segmentCondition": None,
        "prerequisiteFlagCondition": {
            "prerequisiteSettingId": gate,
            "comparator": "equals",
            "prerequisiteComparisonValue": b(True),
        },
    }
    flag(manager, v2, "newCheckout", s("classic"), [rule([prerequisite], s("new"))])
    client = sdk(v2.sdk_key)
    in_beta, regular = User("1", email="kim@beta.io"), User("2", email="lee@shop.io")
    assert client.get_value("gate", None, in_beta) is True
    assert client.get_value("gate", None, regular) is False
    assert client.get_value("outsider", None, in_beta) is False
    assert client.get_value("outsider", None, regular) is True
    assert client.get_value("newCheckout", "?", in_beta) == "new"
    assert client.get_value("newCheckout", "?", regular) == "classic"
    assert client.get_value("staffOnly", "?", User("3", email="bob@corp.io")) == "staff"
    assert client.get_value("staffOnly", "?", User("4", email="eve@corp.io")) == "public"


def shares(client: SdkClient, key: str, users: list[User]) -> dict[Any, float]:
    counts = Counter(client.get_value(key, None, u) for u in users)
    return {value: 100 * n / len(users) for value, n in counts.items()}


def test_percentage_options(manager: Manager, v2: Product, sdk: SdkFactory) -> None:
    options = [
        {"percentage": 20, "value": s("a")},
        {"percentage": 30, "value": s("b")},
        {"percentage": 50, "value": s("c")},
    ]
    flag(
        manager,
        v2,
        "split",
        s("off"),
        [
            rule([user_cond("Email", "textEndsWithAnyOf", items=["@vip.io"])], s("vip")),
            {"conditions": [], "percentageOptions": options, "value": None},
        ],
    )
    by_company = manager.flag(v2.config_id, "byCompany")
    manager.formula(
        v2.environment_id,
        by_company,
        {
            "defaultValue": b(False),
            "percentageEvaluationAttribute": "Company",
            "targetingRules": [
                {
                    "conditions": [],
                    "percentageOptions": [
                        {"percentage": 25, "value": b(True)},
                        {"percentage": 75, "value": b(False)},
                    ],
                    "value": None,
                }
            ],
        },
    )
    client = sdk(v2.sdk_key)
    users = [User(f"user-{i}") for i in range(1200)]
    got = shares(client, "split", users)
    assert set(got) == {"a", "b", "c"}
    for value, want in {"a": 20, "b": 30, "c": 50}.items():
        assert abs(got[value] - want) <= 3, got
    assert client.get_value("split", None, User("x", email="x@vip.io")) == "vip"
    company_users = [User("same-id", custom={"Company": f"co-{i}"}) for i in range(1200)]
    got = shares(client, "byCompany", company_users)
    assert abs(got[True] - 25) <= 3 and abs(got[False] - 75) <= 3, got
    # the same Company always lands in the same bucket, whatever the identifier
    same = {
        client.get_value("byCompany", None, User(f"id-{i}", custom={"Company": "co-7"}))
        for i in range(20)
    }
    assert len(same) == 1


def test_value_types(manager: Manager, v2: Product, sdk: SdkFactory) -> None:
    flag(manager, v2, "count", {"intValue": 7})
    flag(manager, v2, "ratio", {"doubleValue": 0.25})
    flag(manager, v2, "on", b(True))
    client = sdk(v2.sdk_key)
    assert client.get_value("count", 0) == 7
    assert client.get_value("ratio", 0.0) == 0.25
    assert client.get_value("on", False) is True
    assert sorted(client.get_all_keys()) == ["count", "on", "ratio"]


def test_change_is_seen_after_force_refresh_and_unchanged_is_304(
    manager: Manager, v2: Product, sdk: SdkFactory, mock_app: MockApp
) -> None:
    banner = flag(manager, v2, "banner", s("blue"))
    client = sdk(v2.sdk_key)
    assert client.get_value("banner", "?") == "blue"

    def fetches() -> list[int]:
        return [
            e.status
            for e in mock_app.journal.entries
            if e.path.endswith(f"{v2.sdk_key}/config_v6.json")
        ]

    assert fetches() == [200]
    client.force_refresh()
    assert fetches() == [200, 304]
    manager.formula(v2.environment_id, banner, {"defaultValue": s("green"), "targetingRules": []})
    assert client.get_value("banner", "?") == "blue"  # manual polling: nothing until a refresh
    client.force_refresh()
    assert client.get_value("banner", "?") == "green"
    assert fetches() == [200, 304, 200]
    client.force_refresh()
    assert fetches() == [200, 304, 200, 304]


@pytest.fixture
def v1(manager: Manager) -> Product:
    product_id = manager.product("Legacy")
    env_id = manager.environment(product_id, "Production")
    config_id = manager.config(product_id, "Old", "v1")
    return Product(product_id, env_id, config_id, manager.sdk_key(config_id, env_id))


def v1_rule(attribute: str, comparator: str, value: str, served: Any) -> dict[str, Any]:
    return {
        "comparisonAttribute": attribute,
        "comparator": comparator,
        "comparisonValue": value,
        "value": served,
        "segmentComparator": None,
        "segmentId": None,
    }


def test_v1_config(manager: Manager, v1: Product, sdk: SdkFactory) -> None:
    segment = manager.segment(v1.product_id, "Insiders", "Email", "contains", "@inside.io")
    legacy = manager.flag(v1.config_id, "legacy", "string")
    manager.v1_value(
        v1.environment_id,
        legacy,
        {
            "value": "default",
            "rolloutRules": [
                v1_rule("Email", "isOneOf", "a@x.io, b@x.io", "listed"),
                v1_rule("Email", "contains", "@corp", "corp"),
                v1_rule("Email", "sensitiveIsOneOf", "secret@x.io,hidden@x.io", "secret"),
                v1_rule("Version", "semVerLess", "1.0.0", "beta"),
                v1_rule("Age", "numberGreater", "60", "senior"),
                {
                    "comparisonAttribute": None,
                    "comparator": None,
                    "comparisonValue": None,
                    "value": "insider",
                    "segmentComparator": "isIn",
                    "segmentId": segment,
                },
            ],
            "rolloutPercentageItems": [],
        },
    )
    rollout = manager.flag(v1.config_id, "rollout")
    manager.v1_value(
        v1.environment_id,
        rollout,
        {
            "value": False,
            "rolloutRules": [],
            "rolloutPercentageItems": [
                {"percentage": 40, "value": True},
                {"percentage": 60, "value": False},
            ],
        },
    )
    client = sdk(v1.sdk_key)
    cases = {
        User("1", email="b@x.io"): "listed",
        User("2", email="jo@corp.io"): "corp",
        User("3", email="hidden@x.io"): "secret",
        User("4", email="q@x.io", custom={"Version": "0.9.1"}): "beta",
        User("5", email="q@x.io", custom={"Age": 61}): "senior",
        User("6", email="q@inside.io"): "insider",
        User("7", email="q@x.io", custom={"Age": 20, "Version": "1.2.0"}): "default",
    }
    assert_cases(client, "legacy", cases)
    got_shares = shares(client, "rollout", [User(f"id-{i}") for i in range(1500)])
    assert abs(got_shares[True] - 40) <= 3 and abs(got_shares[False] - 60) <= 3, got_shares


# Every comparator, one flag each: (comparator, comparison value, a hit, a miss). The value is
# a list (``listValue`` / comma-separated in v1), a str (``stringValue``) or a number.
COMPARATOR_CASES: list[tuple[str, Any, Any, Any]] = [
    ("isOneOf", ["x", "y"], "y", "z"),
    ("isNotOneOf", ["x"], "z", "x"),
    ("containsAnyOf", ["ab"], "xaby", "xy"),
    ("doesNotContainAnyOf", ["ab"], "xy", "xab"),
    ("semVerIsOneOf", ["1.2.3"], "1.2.3", "1.2.4"),
    ("semVerIsNotOneOf", ["1.2.3"], "1.2.4", "1.2.3"),
    ("semVerLess", "2.0.0", "1.9.0", "2.0.0"),
    ("semVerLessOrEquals", "2.0.0", "2.0.0", "2.0.1"),
    ("semVerGreater", "2.0.0", "2.0.1", "2.0.0"),
    ("semVerGreaterOrEquals", "2.0.0", "2.0.0", "1.9.9"),
    ("numberEquals", 5, "5", "6"),
    ("numberDoesNotEqual", 5, "6", "5"),
    ("numberLess", 5, "4.5", "5"),
    ("numberLessOrEquals", 5, "5", "5.1"),
    ("numberGreater", 5, "5.1", "5"),
    ("numberGreaterOrEquals", 5, "5", "4.9"),
    ("sensitiveIsOneOf", ["x", "y"], "y", "z"),
    ("sensitiveIsNotOneOf", ["x"], "y", "x"),
    ("dateTimeBefore", 1_700_000_000, 1_600_000_000, 1_800_000_000),
    ("dateTimeAfter", 1_700_000_000, 1_800_000_000, 1_600_000_000),
    ("sensitiveTextEquals", "x", "x", "y"),
    ("sensitiveTextDoesNotEqual", "x", "y", "x"),
    ("sensitiveTextStartsWithAnyOf", ["ab"], "abc", "cab"),
    ("sensitiveTextNotStartsWithAnyOf", ["ab"], "cab", "abc"),
    ("sensitiveTextEndsWithAnyOf", ["ab"], "cab", "abc"),
    ("sensitiveTextNotEndsWithAnyOf", ["ab"], "abc", "cab"),
    ("sensitiveArrayContainsAnyOf", ["x"], ["y", "x"], ["y"]),
    ("sensitiveArrayDoesNotContainAnyOf", ["x"], ["y"], ["y", "x"]),
    ("textEquals", "x", "x", "y"),
    ("textDoesNotEqual", "x", "y", "x"),
    ("textStartsWithAnyOf", ["ab"], "abc", "cab"),
    ("textNotStartsWithAnyOf", ["ab"], "cab", "abc"),
    ("textEndsWithAnyOf", ["ab"], "cab", "abc"),
    ("textNotEndsWithAnyOf", ["ab"], "abc", "cab"),
    ("arrayContainsAnyOf", ["x"], ["y", "x"], ["y"]),
    ("arrayDoesNotContainAnyOf", ["x"], ["y"], ["y", "x"]),
]
V1_COMPARATOR_CASES: list[tuple[str, str, Any, Any]] = [
    ("isOneOf", "x, y", "y", "z"),
    ("isNotOneOf", "x,y", "z", "y"),
    ("contains", "ab", "xaby", "xy"),
    ("doesNotContain", "ab", "xy", "xab"),
    ("semVerIsOneOf", "1.2.3, 1.2.5", "1.2.5", "1.2.4"),
    ("semVerIsNotOneOf", "1.2.3", "1.2.4", "1.2.3"),
    ("semVerLess", "2.0.0", "1.9.0", "2.0.0"),
    ("semVerLessOrEquals", "2.0.0", "2.0.0", "2.0.1"),
    ("semVerGreater", "2.0.0", "2.0.1", "2.0.0"),
    ("semVerGreaterOrEquals", "2.0.0", "2.0.0", "1.9.9"),
    ("numberEquals", "5", "5", "6"),
    ("numberDoesNotEqual", "5", "6", "5"),
    ("numberLess", "5,5", "5.25", "5.5"),
    ("numberLessOrEquals", "5", "5", "5.1"),
    ("numberGreater", "5", "5.1", "5"),
    ("numberGreaterOrEquals", "5", "5", "4.9"),
    ("sensitiveIsOneOf", "x, y", "y", "z"),
    ("sensitiveIsNotOneOf", "x", "y", "x"),
]


def test_every_comparator_hits_and_misses(manager: Manager, v2: Product, sdk: SdkFactory) -> None:
    assert len(COMPARATOR_CASES) == 36  # the spec's whole UserComparator enum
    for number, (comparator, operand, _, _) in enumerate(COMPARATOR_CASES):
        if isinstance(operand, list):
            condition = user_cond("A", comparator, items=operand)
        elif isinstance(operand, str):
            condition = user_cond("A", comparator, stringValue=operand)
        else:
            condition = user_cond("A", comparator, doubleValue=operand)
        flag(manager, v2, f"c{number}", s("none"), [rule([condition], s("hit"))])
    client = sdk(v2.sdk_key)
    got, want = {}, {}
    for number, (comparator, _, hit, miss) in enumerate(COMPARATOR_CASES):
        for label, attribute in (("hit", hit), ("miss", miss)):
            user = User(f"{comparator}-{label}", custom={"A": attribute})
            got[comparator, label] = client.get_value(f"c{number}", "?", user)
            want[comparator, label] = "hit" if label == "hit" else "none"
        # a user without the attribute matches no condition, negated or not
        got[comparator, "absent"] = client.get_value(f"c{number}", "?", User("nobody"))
        want[comparator, "absent"] = "none"
    assert got == want


def test_every_v1_comparator_hits_and_misses(
    manager: Manager, v1: Product, sdk: SdkFactory
) -> None:
    for number, (comparator, operand, _, _) in enumerate(V1_COMPARATOR_CASES):
        setting_id = manager.flag(v1.config_id, f"c{number}", "string")
        value = {
            "value": "none",
            "rolloutRules": [v1_rule("A", comparator, operand, "hit")],
            "rolloutPercentageItems": [],
        }
        manager.v1_value(v1.environment_id, setting_id, value)
    client = sdk(v1.sdk_key)
    got, want = {}, {}
    for number, (comparator, _, hit, miss) in enumerate(V1_COMPARATOR_CASES):
        for label, attribute in (("hit", hit), ("miss", miss)):
            user = User(f"{comparator}-{label}", custom={"A": attribute})
            got[comparator, label] = client.get_value(f"c{number}", "?", user)
            want[comparator, label] = "hit" if label == "hit" else "none"
    assert got == want
