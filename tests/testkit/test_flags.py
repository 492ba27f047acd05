"""configcat_flags: what ConfigCat's own SDK (and its OpenFeature provider) sees of a flag set."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import configcatclient
import httpx
import pytest
from configcatclient.configcatoptions import ConfigCatOptions
from configcatclient.pollingmode import PollingMode
from configcatclient.user import User

from configcat_mock.flags import Flag, FlagSet, flag, segment, user, when

Make = Callable[..., FlagSet]


@pytest.fixture
def sdk() -> Iterator[Callable[[FlagSet, PollingMode], Any]]:
    """An SDK client per call, closed after the test."""
    clients: list[Any] = []

    def make(flags: FlagSet, mode: PollingMode) -> Any:
        options = ConfigCatOptions(base_url=flags.base_url, polling_mode=mode)
        clients.append(configcatclient.get(flags.sdk_key, options))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def _eventually(read: Callable[[], object], want: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while read() != want:
        if time.monotonic() > deadline:
            raise AssertionError(f"still {read()!r}, not {want!r}, after {seconds} s")
        time.sleep(0.05)


def test_values_of_every_type_in_manual_mode(configcat_flags: Make, sdk: Any) -> None:
    flags = configcat_flags(
        {"isCheckoutEnabled": True, "discountPercent": 10, "ratio": 0.25, "banner": "Hi"}
    )
    client = sdk(flags, PollingMode.manual_poll())
    client.force_refresh()
    assert client.get_value("isCheckoutEnabled", False) is True
    assert client.get_value("discountPercent", 0) == 10
    assert client.get_value("ratio", 0.0) == 0.25
    assert client.get_value("banner", "") == "Hi"
    flags.set("isCheckoutEnabled", False)
    flags.set("newFlag", "added")
    assert client.get_value("isCheckoutEnabled", True) is True  # not refreshed yet
    client.force_refresh()
    assert client.get_value("isCheckoutEnabled", True) is False
    assert client.get_value("newFlag", "") == "added"


def test_auto_poll_sees_a_change_on_its_next_poll(configcat_flags: Make, sdk: Any) -> None:
    flags = configcat_flags({"isCheckoutEnabled": True})
    client = sdk(flags, PollingMode.auto_poll(poll_interval_seconds=1))
    _eventually(lambda: client.get_value("isCheckoutEnabled", False), True)
    flags.set("isCheckoutEnabled", False)
    _eventually(lambda: client.get_value("isCheckoutEnabled", True), False)


def test_lazy_load_sees_a_change_when_its_cache_expires(configcat_flags: Make, sdk: Any) -> None:
    flags = configcat_flags({"discountPercent": 10})
    client = sdk(flags, PollingMode.lazy_load(cache_refresh_interval_seconds=1))
    assert client.get_value("discountPercent", 0) == 10
    flags.set("discountPercent", 20)
    assert client.get_value("discountPercent", 0) == 10  # still cached
    time.sleep(1.1)
    assert client.get_value("discountPercent", 0) == 20


def test_v2_rules_segments_prerequisites_and_percentages(configcat_flags: Make, sdk: Any) -> None:
    flags = configcat_flags(
        {
            "isBeta": Flag(False, rules=[when(segment("Beta").is_in()).then(True)]),
            "discount": Flag(
                0,
                rules=[
                    when(user("Email").text_ends_with_any_of("@example.com")).then(50),
                    when(flag("isBeta").equals(True), user("Country").is_one_of("HU")).then(30),
                ],
                percentages=[(50, 5), (50, 15)],
            ),
        },
        segments={"Beta": user("Email").contains_any_of("beta")},
    )
    client = sdk(flags, PollingMode.manual_poll())
    client.force_refresh()
    assert client.get_value("discount", -1, User("1", email="a@example.com")) == 50
    beta_hu = User("2", email="x@beta.org", country="HU")
    assert client.get_value("isBeta", False, beta_hu) is True
    assert client.get_value("discount", -1, beta_hu) == 30
    spread = {
        client.get_value("discount", -1, User(str(i), email=f"u{i}@x.org")) for i in range(60)
    }
    assert spread == {5, 15}
    same = User("42", email="u42@x.org")
    assert client.get_value("discount", -1, same) == client.get_value("discount", -1, same)


def test_v1_configs_and_what_they_cannot_hold(configcat_flags: Make, sdk: Any) -> None:
    flags = configcat_flags(
        {
            "plan": Flag(
                "free",
                rules=[
                    when(user("Email").contains_any_of("@example.com")).then("pro"),
                    when(segment("Staff").is_in()).then("staff"),
                ],
                percentages=[(100, "free")],
            )
        },
        version="v1",
        segments={"Staff": user("Email").is_one_of("boss@corp.io")},
    )
    client = sdk(flags, PollingMode.manual_poll())
    client.force_refresh()
    assert client.get_value("plan", "", User("1", email="a@example.com")) == "pro"
    assert client.get_value("plan", "", User("2", email="boss@corp.io")) == "staff"
    assert client.get_value("plan", "", User("3", email="c@d.org")) == "free"
    with pytest.raises(ValueError, match="flag 'gate', rule 1: prerequisite flags need a v2"):
        flags.set("gate", Flag(True, rules=[when(flag("plan").equals("pro")).then(False)]))
    with pytest.raises(ValueError, match="textEquals has no counterpart in a v1 config"):
        flags.set("other", Flag("a", rules=[when(user("Name").text_equals("x")).then("b")]))


def test_bad_input_is_refused_naming_the_flag(configcat_flags: Make) -> None:
    with pytest.raises(ValueError, match="segment 'Nope' is not defined"):
        configcat_flags({"f": Flag(True, rules=[when(segment("Nope").is_in()).then(False)])})
    with pytest.raises(TypeError, match="not a boolean value"):
        configcat_flags({"f": Flag(True, rules=[when(user("A").is_one_of("x")).then("yes")])})
    with pytest.raises(TypeError, match="bool, str, int or float"):
        configcat_flags({"f": [1, 2]})


def test_every_shortcut_is_a_comparator_of_the_spec(configcat_flag_server: Any) -> None:
    from configcat_mock.flags import UserAttribute

    schemas = configcat_flag_server.mock.spec.document["components"]["schemas"]
    known = set(schemas["UserComparator"]["enum"])
    shortcuts = [
        n for n in vars(UserAttribute) if not n.startswith("_") and n not in ("compare", "name")
    ]
    attribute = user("A")
    for name in shortcuts:
        method = getattr(attribute, name)
        arg: Any = 1.0 if "number" in name or "date" in name else "1.0.0"
        assert method(arg).comparator in known, name


def test_flag_sets_are_apart_and_removed_after_use(configcat_flags: Make) -> None:
    first, second = configcat_flags({"f": True}), configcat_flags({"f": False})
    assert first.sdk_key != second.sdk_key
    url = f"{first.base_url}/configuration-files/{first.sdk_key}/config_v6.json"
    assert httpx.get(url).status_code == 200
    first.close()
    assert httpx.get(url).status_code == 404


def test_the_openfeature_provider_reads_the_flags(configcat_flags: Make) -> None:
    from configcat_openfeature_provider import ConfigCatProvider
    from openfeature import api
    from openfeature.evaluation_context import EvaluationContext

    flags = configcat_flags(
        {"isCheckoutEnabled": Flag(False, rules=[when(user("Country").is_one_of("HU")).then(True)])}
    )
    # auto polling waits for its first download before the first evaluation answers
    mode = PollingMode.auto_poll(max_init_wait_time_seconds=10)
    provider = ConfigCatProvider(
        flags.sdk_key, ConfigCatOptions(base_url=flags.base_url, polling_mode=mode)
    )
    api.set_provider(provider)
    try:
        client = api.get_client()
        hu = EvaluationContext(targeting_key="1", attributes={"Country": "HU"})
        assert client.get_boolean_value("isCheckoutEnabled", False, hu) is True
        assert client.get_boolean_value("isCheckoutEnabled", True, EvaluationContext("2")) is False
    finally:
        api.shutdown()
