"""Flag keys: the whole key is checked, a trailing newline included."""

from __future__ import annotations

import pytest
from world import build_demo_world, http

from configcat_mock import MockConfigCat


@pytest.mark.parametrize("key", ["isOn\n", "isOn\r\n", "1st", "has space", "dot.key", ""])
def test_a_key_the_service_refuses_is_refused(key: str) -> None:
    with http(MockConfigCat()) as client:
        config_id = build_demo_world(client)["configId"]
        answer = client.post(
            f"/v1/configs/{config_id}/settings",
            json={"key": key, "name": "N", "settingType": "boolean"},
        )
    assert answer.status_code == 400, answer.text
    assert "key" in answer.json()


@pytest.mark.parametrize("key", ["isOn", "a", "with_under-and-dash9"])
def test_a_key_of_letters_digits_dashes_and_underscores_is_taken(key: str) -> None:
    with http(MockConfigCat()) as client:
        config_id = build_demo_world(client)["configId"]
        answer = client.post(
            f"/v1/configs/{config_id}/settings",
            json={"key": key, "name": "N", "settingType": "boolean"},
        )
    assert answer.status_code == 201, answer.text
