"""JSON Patch builders and the model diff."""

from __future__ import annotations

import pytest

from configcat_publicapi.patch import (
    JsonPatch,
    SettingPatch,
    SettingValuePatch,
    SettingValueV2Patch,
    WebhookPatch,
    diff,
    patch_for,
)


def as_json(ops: object) -> list[dict[str, object]]:
    return [op.to_dict() for op in ops]  # type: ignore[attr-defined]


def test_setting_patch_builds_generated_operations() -> None:
    ops = SettingPatch().name("Checkout v2").hint(None).order(3).add_tag(7).build()
    from configcat_publicapi_client.models import JsonPatchOperation

    assert all(isinstance(op, JsonPatchOperation) for op in ops)
    assert as_json(ops) == [
        {"op": "replace", "path": "/name", "value": "Checkout v2"},
        {"op": "replace", "path": "/hint", "value": None},
        {"op": "replace", "path": "/order", "value": 3},
        {"op": "add", "path": "/tags/-", "value": 7},
    ]


def test_remove_tag_guards_and_tracks_positions() -> None:
    patch = SettingPatch().remove_tag(5, [3, 5, 9]).remove_tag(9, [3, 5, 9])
    assert patch.to_json() == [
        {"op": "test", "path": "/tags/1", "value": 5},
        {"op": "remove", "path": "/tags/1"},
        {"op": "test", "path": "/tags/1", "value": 9},
        {"op": "remove", "path": "/tags/1"},
    ]
    with pytest.raises(ValueError, match="not among"):
        SettingPatch().remove_tag(4, [3, 5])


def test_value_patches_v1_and_v2() -> None:
    v1 = SettingValuePatch().value(False).remove_rollout_rule(2).move_rollout_rule(0, 1)
    assert v1.to_json() == [
        {"op": "replace", "path": "/value", "value": False},
        {"op": "remove", "path": "/rolloutRules/2"},
        {"op": "move", "path": "/rolloutRules/1", "from": "/rolloutRules/0"},
    ]
    v2 = (
        SettingValueV2Patch()
        .default_value(True)
        .default_value(3)
        .default_value(0.5)
        .targeting_rule_value(0, "blue")
        .percentage_evaluation_attribute("Email")
    )
    assert [op["value"] for op in v2.to_json()] == [
        {"boolValue": True},
        {"intValue": 3},
        {"doubleValue": 0.5},
        {"stringValue": "blue"},
        "Email",
    ]
    assert v2.to_json()[3]["path"] == "/targetingRules/0/value"
    with pytest.raises(TypeError):
        SettingValueV2Patch().default_value(None)  # type: ignore[arg-type]


def test_models_inside_values_become_json() -> None:
    from configcat_publicapi_client.models import UpdateSettingValueModel

    patch = JsonPatch().add("/rolloutRules/-", UpdateSettingValueModel(value=True))
    assert patch.to_json()[0]["value"] == {"value": True}
    assert len(patch) == 1 and len(list(patch)) == 1


def test_webhook_patch() -> None:
    ops = WebhookPatch().url("https://example.com/h").http_method("POST").content("x")
    ops.add_header("X-Team", "flags", is_secure=True).remove_header(0)
    assert ops.to_json() == [
        {"op": "replace", "path": "/url", "value": "https://example.com/h"},
        {"op": "replace", "path": "/httpMethod", "value": "post"},
        {"op": "replace", "path": "/content", "value": "x"},
        {
            "op": "add",
            "path": "/webHookHeaders/-",
            "value": {"key": "X-Team", "value": "flags", "isSecure": True},
        },
        {"op": "remove", "path": "/webHookHeaders/0"},
    ]


def test_pointer_parts_are_escaped() -> None:
    from configcat_publicapi.patch import _pointer

    assert _pointer("a/b", "c~d", 0) == "/a~1b/c~0d/0"


def test_diff_of_dicts_and_models() -> None:
    before = {"name": "A", "hint": "h", "tags": [1, 2]}
    after = {"name": "B", "hint": "h", "tags": [1, 2, 3]}
    assert sorted(as_json(diff(before, after)), key=lambda o: str(o["path"])) == [
        {"op": "replace", "path": "/name", "value": "B"},
        {"op": "add", "path": "/tags/2", "value": 3},
    ]
    from configcat_publicapi_client.models import UpdateSettingValueModel

    old = UpdateSettingValueModel(value=False)
    assert as_json(patch_for(old, value=True)) == [
        {"op": "replace", "path": "/value", "value": True}
    ]
    assert patch_for(old) == []


def test_rule_builders_add_remove_and_move_rules_by_position() -> None:
    rule = {"comparisonAttribute": "Email", "comparator": 0, "comparisonValue": "a", "value": 1}
    v1 = (
        SettingValuePatch()
        .add_rollout_rule(rule)
        .percentage_rules([{"percentage": 100, "value": True}])
    )
    assert v1.to_json() == [
        {"op": "add", "path": "/rolloutRules/-", "value": rule},
        {
            "op": "replace",
            "path": "/rolloutPercentageItems",
            "value": [{"percentage": 100, "value": True}],
        },
    ]
    v2 = (
        SettingValueV2Patch()
        .add_targeting_rule({"conditions": []})
        .move_targeting_rule(2, 0)
        .remove_targeting_rule(1)
    )
    assert v2.to_json() == [
        {"op": "add", "path": "/targetingRules/-", "value": {"conditions": []}},
        {"op": "move", "from": "/targetingRules/2", "path": "/targetingRules/0"},
        {"op": "remove", "path": "/targetingRules/1"},
    ]
