"""Error texts read like the service's: sentences, never a Python repr of what was sent.

Every operation that takes a body gets the kinds of wrong JSON a fuzzer sends (the wrong
type at the top, nulls, nested nulls, huge strings and numbers, unknown enum values), and
every message of every 400 is checked.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from configcat_mock import MockConfigCat
from configcat_mock.api.schema import SchemaSet, message_of

ANY_ID = "00000000-0000-0000-0000-000000000000"
WRONG_BODIES: list[Any] = [
    [None, None],
    None,
    0,
    -1.5,
    2**70,
    "text",
    True,
    [],
    {},
    [{"op": "replace", "path": 5}],
    {"name": None, "key": None, "settingType": None},
    {"name": [None], "key": {"a": None}, "settingType": "nope", "evaluationVersion": 5},
    {"name": "x" * 5000, "emails": [None], "permissionGroupId": "x"},
    {"value": {}, "defaultValue": [], "rules": "no", "percentageEvaluationAttribute": 1},
    {"settingIds": [True], "tagIds": ["x"], "order": 1.5, "color": 7},
]
#: What a Python repr of a JSON value looks like inside a message.
PYTHON_REPR = re.compile(r"\b(None|True|False)\b|[\[{]'|'[\]}]|\bis not of type\b|\bis too long\b")


@pytest.fixture(scope="module")
def answers() -> list[tuple[str, Any, str]]:
    out: list[tuple[str, Any, str]] = []
    with (
        MockConfigCat(rate_limits=False) as mock,
        httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        for op in mock.spec.operations:
            if op.body_schema is None:
                continue
            path = re.sub(r"\{[^}]+\}", ANY_ID, op.path)
            for body in WRONG_BODIES:
                r = h.request(op.method, path, content=json.dumps(body))
                if r.status_code == 400:
                    for field, messages in r.json().items():
                        for message in messages:
                            out.append((f"{op.operation_id} {field}", body, message))
        assert mock.app.internal_errors == []
    return out


def test_the_fuzz_reaches_many_messages(answers: list[tuple[str, Any, str]]) -> None:
    kinds = {re.sub(r"\d+", "N", message) for _, _, message in answers}
    assert len(answers) > 500
    assert len(kinds) >= 6, kinds


def test_no_message_carries_a_python_repr(answers: list[tuple[str, Any, str]]) -> None:
    bad = [(where, message) for where, _, message in answers if PYTHON_REPR.search(message)]
    assert bad == []


def test_every_message_is_a_sentence(answers: list[tuple[str, Any, str]]) -> None:
    bad = [(w, m) for w, _, m in answers if not (m[:1].isupper() and m.endswith("."))]
    assert bad == []


def test_the_jira_connect_message_of_the_report() -> None:
    with (
        MockConfigCat(rate_limits=False) as mock,
        httpx.Client(transport=mock.transport, base_url="http://m", auth=("demo", "demo")) as h,
    ):
        r = h.post("/v1/jira/connect", content=b"[null,null]")
    assert r.status_code == 400
    assert r.json() == {"body": ["The value must be an object."]}


@pytest.mark.parametrize(
    ("schema", "value", "message"),
    [
        ({"type": "string", "maxLength": 3}, "abcd", "a maximum length of 3"),
        ({"type": "string", "minLength": 2}, "a", "a minimum length of 2"),
        ({"type": "array", "maxItems": 1}, [1, 2], "at most 1 item."),
        ({"type": "array", "minItems": 2}, [1], "at least 2 items."),
        ({"type": "integer", "minimum": 1}, 0, "at least 1."),
        ({"type": "integer", "maximum": 1}, 2, "at most 1."),
        ({"type": "string", "pattern": "^a+$"}, "b", "match the pattern ^a+$."),
        ({"enum": ["on", None]}, "off", 'one of "on", null.'),
        ({"type": ["string", "null"]}, 5, "a string or null."),
        (
            {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
            {"a": 1, "b": None},
            "The field b is not allowed here.",
        ),
        ({"type": "array", "uniqueItems": True}, [1, 1], "The items must be unique."),
        ({"not": {"type": "string"}}, "s", "The value is not valid."),
    ],
)
def test_each_keyword_has_its_sentence(schema: dict[str, Any], value: Any, message: str) -> None:
    errors = list(SchemaSet({}).validator(schema).iter_errors(value))
    assert len(errors) == 1
    text = message_of(errors[0])
    assert message in text
    assert not PYTHON_REPR.search(text)
