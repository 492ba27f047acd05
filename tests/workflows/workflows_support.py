"""What the workflow tests share: an organization of the fake with a client on it, and a
product that holds every value and rule shape, built through the client from a document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from configcat_mock import MockConfigCat
from configcat_mock.state.seed import DEMO_ORGANIZATION_ID
from configcat_publicapi import ConfigCatClient
from configcat_publicapi.workflows import FORMAT, VERSION
from configcat_publicapi_client.models import CreateProductRequest


@dataclass
class Org:
    """The fake's demo organization and a client on it (the ``source`` and ``target`` fixtures)."""

    mock: MockConfigCat
    cc: ConfigCatClient

    def product(self, name: str = "Shop") -> UUID:
        made = self.cc.products.create_product(
            UUID(DEMO_ORGANIZATION_ID), body=CreateProductRequest(name=name)
        )
        return made.product_id


def _user(attribute: str, comparator: str, **value: Any) -> dict[str, Any]:
    return {
        "userCondition": {
            "comparisonAttribute": attribute,
            "comparator": comparator,
            "comparisonValue": value,
        }
    }


def _items(*values: str) -> list[dict[str, str]]:
    return [{"value": v} for v in values]


def full_document() -> dict[str, Any]:
    """Two environments, preferences, tags, segments, a v2 and a v1 config: every condition kind."""
    b = {"boolValue": True}
    nb = {"boolValue": False}
    v2_settings = [
        {
            "key": "isBeta",
            "name": "Beta",
            "hint": "beta users",
            "settingType": "boolean",
            "tags": ["client"],
            "values": {
                "Production": {
                    "defaultValue": nb,
                    "targetingRules": [
                        {
                            "conditions": [
                                {
                                    "segmentCondition": {
                                        "segment": "Beta testers",
                                        "comparator": "isIn",
                                    }
                                }
                            ],
                            "value": b,
                        },
                        {
                            "conditions": [
                                _user(
                                    "Email", "textEndsWithAnyOf", listValue=_items("@example.com")
                                )
                            ],
                            "value": b,
                        },
                    ],
                },
                "Staging": {"defaultValue": b},
            },
        },
        {
            "key": "discount",
            "name": "Discount",
            "settingType": "int",
            "values": {
                "Production": {
                    "defaultValue": {"intValue": 0},
                    "percentageEvaluationAttribute": "Country",
                    "targetingRules": [
                        {
                            "conditions": [
                                {
                                    "prerequisiteFlagCondition": {
                                        "prerequisiteKey": "isBeta",
                                        "comparator": "equals",
                                        "prerequisiteComparisonValue": b,
                                    }
                                },
                                _user("Country", "isOneOf", listValue=_items("HU", "DE")),
                            ],
                            "value": {"intValue": 30},
                        },
                        {
                            "conditions": [_user("Age", "numberGreaterOrEquals", doubleValue=65)],
                            "value": {"intValue": 20},
                        },
                        {
                            "conditions": [_user("Version", "semVerLess", stringValue="2.0.0")],
                            "value": {"intValue": 5},
                        },
                        {
                            "conditions": [
                                _user("Email", "sensitiveTextEquals", stringValue="vip@example.com")
                            ],
                            "value": {"intValue": 50},
                        },
                        {
                            "conditions": [
                                _user("Signup", "dateTimeAfter", doubleValue=1.7e9),
                                {
                                    "segmentCondition": {
                                        "segment": "Internal",
                                        "comparator": "isNotIn",
                                    }
                                },
                            ],
                            "value": {"intValue": 7},
                        },
                        {
                            "conditions": [
                                _user("Roles", "arrayContainsAnyOf", listValue=_items("admin"))
                            ],
                            "percentageOptions": [
                                {"percentage": 30, "value": {"intValue": 10}},
                                {"percentage": 70, "value": {"intValue": 15}},
                            ],
                        },
                    ],
                },
                "Staging": {
                    "defaultValue": {"intValue": 1},
                    "targetingRules": [
                        {
                            "conditions": [],
                            "percentageOptions": [
                                {"percentage": 50, "value": {"intValue": 2}},
                                {"percentage": 50, "value": {"intValue": 3}},
                            ],
                        }
                    ],
                },
            },
        },
        {
            "key": "theme",
            "name": "Theme",
            "settingType": "string",
            "tags": ["client", "ui"],
            "predefinedVariations": [
                {"name": "Light", "value": {"stringValue": "light"}},
                {"name": "Dark", "hint": "night", "value": {"stringValue": "dark"}},
            ],
            "values": {
                "Production": {
                    "defaultValue": {"predefinedVariation": "Light"},
                    "targetingRules": [
                        {
                            "conditions": [
                                _user("Email", "containsAnyOf", listValue=_items("night"))
                            ],
                            "value": {"predefinedVariation": "Dark"},
                        },
                    ],
                },
                "Staging": {"defaultValue": {"predefinedVariation": "Dark"}},
            },
        },
        {
            "key": "ratio",
            "name": "Ratio",
            "settingType": "double",
            "values": {
                "Production": {"defaultValue": {"doubleValue": 0.25}},
                "Staging": {
                    "defaultValue": {"doubleValue": 1.5},
                    "targetingRules": [
                        {
                            "conditions": [
                                _user("Plan", "textNotStartsWithAnyOf", listValue=_items("free"))
                            ],
                            "value": {"doubleValue": 2.5},
                        }
                    ],
                },
            },
        },
        {
            "key": "layout",
            "name": "Layout",
            "settingType": "string",
            "isJson": True,
            "values": {
                "Production": {"defaultValue": {"stringValue": '{"columns": 2}'}},
                "Staging": {"defaultValue": {"stringValue": '{"columns": 3}'}},
            },
        },
    ]
    v1_settings = [
        {
            "key": "legacyBanner",
            "name": "Legacy banner",
            "settingType": "string",
            "values": {
                "Production": {
                    "value": "off",
                    "rolloutRules": [
                        {
                            "comparisonAttribute": "Email",
                            "comparator": "contains",
                            "comparisonValue": "@example.com",
                            "value": "on",
                        },
                        {"segment": "Beta testers", "segmentComparator": "isIn", "value": "beta"},
                        {
                            "comparisonAttribute": "Version",
                            "comparator": "semVerGreater",
                            "comparisonValue": "1.2.0",
                            "value": "new",
                        },
                    ],
                    "rolloutPercentageItems": [
                        {"percentage": 40, "value": "a"},
                        {"percentage": 60, "value": "b"},
                    ],
                },
                "Staging": {"value": "on"},
            },
        },
        {
            "key": "legacyLimit",
            "name": "Legacy limit",
            "settingType": "int",
            "values": {
                "Production": {
                    "value": 10,
                    "rolloutRules": [
                        {
                            "comparisonAttribute": "Age",
                            "comparator": "numberLess",
                            "comparisonValue": "18",
                            "value": 1,
                        },
                    ],
                },
                "Staging": {"value": 99},
            },
        },
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "product": {"name": "Shop", "description": "the web shop"},
        "environments": [
            {"name": "Production", "color": "#ff0000", "description": "live"},
            {"name": "Staging"},
        ],
        "preferences": {
            "reasonRequired": False,
            "keyGenerationMode": "kebabCase",
            "showVariationId": True,
            "mandatorySettingHint": False,
            "approveRequired": False,
            "reasonRequiredEnvironments": {"Production": False, "Staging": False},
            "approveRequiredEnvironments": {"Production": False, "Staging": False},
        },
        "tags": [{"name": "client", "color": "panther"}, {"name": "ui"}],
        "segments": [
            {
                "name": "Beta testers",
                "description": "opted in",
                "comparisonAttribute": "Email",
                "comparator": "contains",
                "comparisonValue": "beta",
            },
            {
                "name": "Internal",
                "comparisonAttribute": "Email",
                "comparator": "isOneOf",
                "comparisonValue": "a@corp.io,b@corp.io",
            },
        ],
        "configs": [
            {
                "name": "Main",
                "description": "v2 flags",
                "evaluationVersion": "v2",
                "settings": v2_settings,
            },
            {"name": "Legacy", "evaluationVersion": "v1", "settings": v1_settings},
        ],
    }
