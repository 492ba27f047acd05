"""Writes whose answer is lost: raised, never resent; safe creates look before sending again.

Against the mock with after-commit faults (the write is applied, then the answer is a 500/503
or the connection drops), which is how a lost answer looks to a client.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest

from configcat_mock import MockConfigCat
from configcat_mock.http.faults import FaultRule
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID as ORG
from configcat_publicapi import (
    APIConnectionError,
    AsyncConfigCatClient,
    BadRequestError,
    ConfigCatClient,
    ConfigCatConfigurationError,
    InternalServerError,
    RetryPolicy,
)
from configcat_publicapi.safe_create import AsyncSafeCreates, SafeCreates, is_ambiguous
from configcat_publicapi_client.models import (
    CreateConfigRequest,
    CreateEnvironmentModel,
    CreatePermissionGroupRequest,
    CreateProductRequest,
    CreateSegmentModel,
    CreateSettingInitialValues,
    CreateTagModel,
    JsonPatchOperation,
    OperationType,
    RolloutRuleComparator,
    SettingType,
    UpdateSettingValueModel,
)

#: Many quick retries: the faults below hit reads too, and the tests should not sleep.
RETRY = RetryPolicy(max_retries=8, backoff_base=0.0005, backoff_max=0.002)
AFTER_COMMIT_10_PERCENT = [
    FaultRule("*", rate_500_after=0.04, rate_503_after=0.03, rate_drop_after=0.03)
]


def client(mock: MockConfigCat) -> ConfigCatClient:
    return ConfigCatClient(
        "demo",
        "demo",
        base_url="http://mock",
        transport=mock.transport,
        rate_limit=None,
        retry=RETRY,
    )


def sent(mock: MockConfigCat, operation_id: str) -> int:
    return sum(e.operation_id == operation_id for e in mock.journal.entries)


def make_product(cc: ConfigCatClient, name: str = "P") -> str:
    return str(cc.products.create_product(ORG, body=CreateProductRequest(name=name)).product_id)


# -- the plain client: raised, never resent ---------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        (FaultRule("create-tag", rate_500_after=1.0), InternalServerError),
        (FaultRule("create-tag", rate_503_after=1.0), InternalServerError),
        (FaultRule("create-tag", rate_drop_after=1.0), APIConnectionError),
    ],
    ids=["500", "503", "drop"],
)
def test_a_post_whose_answer_is_lost_is_raised_once(rule: FaultRule, error: type) -> None:
    with MockConfigCat(rate_limits=False, faults=[rule]) as mock:
        cc = client(mock)
        pid = make_product(cc)
        with pytest.raises(error) as raised:
            cc.tags.create_tag(pid, body=CreateTagModel(name="beta"))
        assert is_ambiguous(raised.value)
        assert sent(mock, "create-tag") == 1  # never sent again
        assert [t.name for t in cc.tags.get_tags(pid)] == ["beta"]  # and it was applied


def test_a_patch_whose_answer_is_lost_is_raised_once() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        cc = client(mock)
        pid = make_product(cc)
        cid = cc.configs.create_config(pid, body=CreateConfigRequest(name="C")).config_id
        setting = cc.settings.create_setting(
            cid,
            body=CreateSettingInitialValues(name="F", key="f", setting_type=SettingType.BOOLEAN),
        )
        mock.app.faults.configure([FaultRule("update-setting", rate_500_after=1.0)])
        patch = [JsonPatchOperation(op=OperationType.REPLACE, path="/name", value="G")]
        with pytest.raises(InternalServerError):
            cc.settings.update_setting(setting.setting_id, body=patch)
        assert sent(mock, "update-setting") == 1
        assert cc.settings.get_setting(setting.setting_id).name == "G"


def test_a_put_whose_answer_is_lost_is_sent_again() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        cc = client(mock)
        pid = make_product(cc)
        eid = cc.environments.create_environment(pid, body=CreateEnvironmentModel(name="E"))
        cid = cc.configs.create_config(pid, body=CreateConfigRequest(name="C")).config_id
        sid = cc.settings.create_setting(
            cid, body=CreateSettingInitialValues(name="F", key="f", setting_type=SettingType.STRING)
        ).setting_id
        mock.app.faults.configure([FaultRule("replace-setting-value", rate_drop_after=0.5)], 3)
        for i in range(10):
            value = cc.setting_values.replace_setting_value(
                eid.environment_id, sid, body=UpdateSettingValueModel(value=f"v{i}")
            )
            assert value.value == f"v{i}"
        assert sent(mock, "replace-setting-value") > 10  # PUT is idempotent: resent


# -- safe creates ---------------------------------------------------------------------------


def test_a_safe_create_returns_what_landed_and_sends_once() -> None:
    rule = FaultRule("create-tag", rate_drop_after=1.0)
    with MockConfigCat(rate_limits=False, faults=[rule]) as mock:
        cc = client(mock)
        pid = make_product(cc)
        mock.app.faults.configure([])
        old = cc.tags.create_tag(pid, body=CreateTagModel(name="beta"))  # a namesake
        mock.app.faults.configure([rule])
        tag = SafeCreates(cc).tag(pid, body=CreateTagModel(name="beta"))
        assert tag.tag_id != old.tag_id  # the new one, not the namesake that was there
        assert sent(mock, "create-tag") == 2
        assert sorted(t.tag_id for t in cc.tags.get_tags(pid)) == sorted([old.tag_id, tag.tag_id])


def first_seed_failing_once(operation_id: str, share: float) -> int:
    """A fault seed whose first draw for ``operation_id`` is a fault and whose second is not."""
    for seed in range(1000):
        rng = random.Random(f"{seed}:{operation_id}")
        if rng.random() < share <= rng.random():
            return seed
    raise AssertionError("no such seed")


def test_a_safe_create_sends_again_when_nothing_landed() -> None:
    seed = first_seed_failing_once("create-setting", 0.5)
    rules = [FaultRule("create-setting", rate_503=0.5)]  # before the handler: nothing applied
    with MockConfigCat(rate_limits=False, faults=rules, fault_seed=seed) as mock:
        cc = client(mock)
        cid = cc.configs.create_config(make_product(cc), body=CreateConfigRequest(name="C"))
        body = CreateSettingInitialValues(name="F", key="f", setting_type=SettingType.BOOLEAN)
        setting = SafeCreates(cc).setting(cid.config_id, body=body)
        assert setting.key == "f"
        assert sent(mock, "create-setting") == 2
        assert sent(mock, "get-settings") == 1
        assert [s.key for s in cc.settings.get_settings(cid.config_id)] == ["f"]


def test_a_safe_create_gives_up_after_its_attempts() -> None:
    with MockConfigCat(rate_limits=False, faults=[FaultRule("create-tag", rate_500=1.0)]) as m:
        cc = client(m)
        pid = make_product(cc)
        with pytest.raises(InternalServerError):
            SafeCreates(cc, attempts=2).tag(pid, body=CreateTagModel(name="t"))
        assert sent(m, "create-tag") == 2
        assert cc.tags.get_tags(pid) == []


def test_a_refusal_is_raised_at_once() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        cc = client(mock)
        pid = make_product(cc)
        SafeCreates(cc).environment(pid, body=CreateEnvironmentModel(name="E"))
        with pytest.raises(BadRequestError):  # the name is taken: a definite answer
            SafeCreates(cc).environment(pid, body=CreateEnvironmentModel(name="e"))
        assert sent(mock, "create-environment") == 2
        assert sent(mock, "get-environments") == 0


def test_a_failed_lookup_raises_the_creates_error() -> None:
    rules = [FaultRule("create-segment", rate_500_after=1.0), FaultRule("get-segments", rate_503=1)]
    with MockConfigCat(rate_limits=False, faults=rules) as mock:
        cc = client(mock)
        pid = make_product(cc)
        body = CreateSegmentModel(
            name="S",
            comparison_attribute="a",
            comparator=RolloutRuleComparator.ISONEOF,
            comparison_value="v",
        )
        with pytest.raises(InternalServerError) as raised:
            SafeCreates(cc).segment(pid, body=body)
        assert raised.value.status_code == 500
        assert isinstance(raised.value.__cause__, InternalServerError)
        assert raised.value.__cause__.status_code == 503
        assert sent(mock, "create-segment") == 1


async def test_async_safe_creates() -> None:
    rules = [FaultRule("create-*", rate_drop_after=1.0), FaultRule("get-*", rate_500_after=0.3)]
    with MockConfigCat(rate_limits=False) as mock:
        async with AsyncConfigCatClient(
            "demo",
            "demo",
            base_url="http://mock",
            transport=mock.async_transport,
            rate_limit=None,
            retry=RETRY,
        ) as acc:
            pid = await acc.products.create_product(ORG, body=CreateProductRequest(name="P"))
            mock.app.faults.configure(rules)
            safe = AsyncSafeCreates(acc)
            product_id = pid.product_id
            segment = await safe.segment(
                product_id,
                body=CreateSegmentModel(
                    name="S",
                    comparison_attribute="a",
                    comparator=RolloutRuleComparator.ISONEOF,
                    comparison_value="v",
                ),
            )
            config = await safe.config(product_id, body=CreateConfigRequest(name="C"))
            product = await safe.product(ORG, body=CreateProductRequest(name="Q"))
            group = await safe.permission_group(
                product_id, body=CreatePermissionGroupRequest(name="G")
            )
        assert (segment.name, config.name, product.name, group.name) == ("S", "C", "Q", "G")
        assert segment.comparison_value == "v"  # the full model, fetched by id
        assert sent(mock, "create-segment") == sent(mock, "create-config") == 1


# -- the proof: 100 creates and 300 value updates with 10 % after-commit faults --------------


def workload(mock: MockConfigCat, create: str) -> int:
    """5 environments, 5 tags, 5 segments, 5 configs and 80 settings, then 300 value updates.

    ``create``: ``"safe"`` (safe creates), ``"plain"`` (errors are counted and swallowed) or
    ``"naive"`` (sent again after any error, the bug faults after commit reveal).
    Returns how many creates raised.
    """
    cc = client(mock)
    safe = SafeCreates(cc)
    raised = 0

    def make(kind: str, parent: Any, body: Any) -> Any:
        nonlocal raised
        if create == "safe":
            return getattr(safe, kind)(parent, body=body)
        plain = {
            "environment": cc.environments.create_environment,
            "tag": cc.tags.create_tag,
            "segment": cc.segments.create_segment,
            "config": cc.configs.create_config,
            "setting": cc.settings.create_setting,
        }[kind]
        while True:
            try:
                return plain(parent, body=body)
            except (InternalServerError, APIConnectionError):
                raised += 1
                if create == "plain":
                    return None
            except BadRequestError:  # naive: the resend of a unique key was refused
                return None

    mock.app.faults.configure([])
    pid = make_product(cc)
    mock.app.faults.configure(AFTER_COMMIT_10_PERCENT, 11)
    for i in range(5):
        make("environment", pid, CreateEnvironmentModel(name=f"env{i}"))
        make("tag", pid, CreateTagModel(name=f"tag{i}"))
        make(
            "segment",
            pid,
            CreateSegmentModel(
                name=f"seg{i}",
                comparison_attribute="a",
                comparator=RolloutRuleComparator.ISONEOF,
                comparison_value=str(i),
            ),
        )
        make("config", pid, CreateConfigRequest(name=f"config{i}"))
    environments = sorted(str(e.environment_id) for e in cc.environments.get_environments(pid))
    configs = sorted({str(c.config_id): c.name for c in cc.configs.get_configs(pid)}.items())
    for i in range(80):
        config_id = configs[i % len(configs)][0]
        body = CreateSettingInitialValues(
            name=f"F{i}", key=f"flag{i}", setting_type=SettingType.STRING
        )
        make("setting", config_id, body)
    settings = sorted(
        (s.setting_id for c, _ in configs for s in cc.settings.get_settings(c)),
    )
    for i in range(300):
        cc.setting_values.replace_setting_value(
            environments[i // len(settings) % len(environments)],
            settings[i % len(settings)],
            body=UpdateSettingValueModel(value=f"value {i}"),
        )
    return raised


def final_state(mock: MockConfigCat) -> dict[str, Any]:
    """The dump without the audit log and the times of day."""
    tables = mock.dump()["tables"]

    def plain(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if not k.endswith("_at")}

    return {
        name: [plain(r) for r in rows]
        for name, rows in tables.items()
        if name not in ("audit_logs",)
    }


def duplicates(state: dict[str, Any]) -> list[Any]:
    keys = Counter(
        [("setting", s["config_id"], s["key"]) for s in state["settings"]]
        + [
            (table, r["product_id"], r["name"])
            for table in ("environments", "tags", "segments", "configs")
            for r in state[table]
        ]
    )
    return [k for k, n in keys.items() if n > 1]


@pytest.fixture(scope="module")
def fault_free() -> dict[str, Any]:
    with MockConfigCat(rate_limits=False) as mock:
        assert workload(mock, "safe") == 0
        return final_state(mock)


def test_fault_free_run_is_the_intended_world(fault_free: dict[str, Any]) -> None:
    assert [len(fault_free[t]) for t in ("environments", "tags", "segments", "configs")] == [5] * 4
    assert len(fault_free["settings"]) == 80
    written = [v for v in fault_free["setting_values"] if "value " in json.dumps(v)]
    assert len(written) == 300  # 300 updates of 300 of the 400 cells
    assert duplicates(fault_free) == []


def test_safe_creates_under_faults_end_where_a_fault_free_run_does(
    fault_free: dict[str, Any],
) -> None:
    with MockConfigCat(rate_limits=False) as mock:
        workload(mock, "safe")
        faulted = [e for e in mock.journal.entries if e.status in (0, 500, 503)]
        state = final_state(mock)
    assert len(faulted) >= 30  # the faults did hit (10 % of some 450 requests)
    assert duplicates(state) == []
    assert state == fault_free


def test_plain_creates_under_faults_raise_and_never_duplicate() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        raised = workload(mock, "plain")
        state = final_state(mock)
    assert raised > 0
    assert duplicates(state) == []
    # every create landed (the faults come after commit), though some were reported failed
    assert len(state["settings"]) == 80


def test_resending_after_a_lost_answer_makes_duplicates() -> None:
    """What the faults are for: the naive retry loop of a user's script is caught out."""
    with MockConfigCat(rate_limits=False) as mock:
        workload(mock, "naive")
        state = final_state(mock)
    assert duplicates(state) != []  # tags and configs: the service does not refuse namesakes


def test_what_counts_as_ambiguous() -> None:
    def status(code: int) -> InternalServerError:
        return InternalServerError(
            f"{code}", status_code=code, method="POST", url="u", text="", field_errors={}
        )

    assert is_ambiguous(APIConnectionError("gone", method="POST", url="u"))
    assert [is_ambiguous(status(c)) for c in (500, 501, 502, 503, 504, 505)] == [
        True,
        False,
        True,
        True,
        True,
        False,
    ]


def test_a_body_without_its_key_is_refused() -> None:
    with MockConfigCat(rate_limits=False) as mock:
        cc = client(mock)
        with pytest.raises(ConfigCatConfigurationError, match="'name'"):
            SafeCreates(cc).tag("p", body={"color": "red"})  # type: ignore[arg-type]
        with pytest.raises(ConfigCatConfigurationError, match="attempts"):
            SafeCreates(cc, attempts=0).tag("p", body=CreateTagModel(name="t"))
        assert list(mock.journal.entries) == []  # nothing was sent


def test_the_safe_creates_are_typed_as_the_generated_operations() -> None:
    """Each ``_Create[Body, Model]`` names the generated create's body and answer, and the
    listing it looks in holds rows with the natural key and the id."""
    import re
    import typing
    from importlib import import_module

    from configcat_publicapi import safe_create
    from configcat_publicapi_client.api import NAMESPACES

    API_PACKAGE = "configcat_publicapi_client.api"

    def hints(folder: str, name: str) -> dict[str, Any]:
        module = import_module(f"{API_PACKAGE}.{folder}.{name}")
        return typing.get_type_hints(module.sync_detailed)

    def models(annotation: Any) -> set[str]:
        return {a.__name__ for a in typing.get_args(annotation) if hasattr(a, "__attrs_attrs__")}

    annotations = vars(safe_create._Creates)["__annotations__"]
    assert len(annotations) == 7
    for name, annotation in annotations.items():
        kind = vars(safe_create._Creates)[name].kind
        match = re.fullmatch(r"_Create\[(\w+), (\w+)\]", annotation)
        assert match, annotation
        body, answer = match.groups()
        folder = NAMESPACES[kind.namespace]
        created = hints(folder, kind.create)
        assert created["body"].__name__ == body, name
        (response,) = typing.get_args(created["return"])
        assert answer in models(response), name
        (listed,) = typing.get_args(hints(folder, kind.listing)["return"])
        (row_list,) = [a for a in typing.get_args(listed) if typing.get_origin(a) is list]
        (row,) = typing.get_args(row_list)
        fields = {f.name for f in row.__attrs_attrs__}
        assert {kind.key, kind.ident} <= fields, name
