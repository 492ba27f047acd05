"""Records as the API shows them (spec property names); :meth:`SchemaSet.shape` fills the rest."""

from __future__ import annotations

from typing import Any

from configcat_mock.state import records
from configcat_mock.state.backend import Backend

JSON = dict[str, Any]


def organization(org: records.Organization) -> JSON:
    return {"organizationId": org.organization_id, "name": org.name}


def product(backend: Backend, product: records.Product) -> JSON:
    return {
        "organization": organization(backend.organizations[product.organization_id]),
        "productId": product.product_id,
        "name": product.name,
        "description": product.description,
        "order": product.order,
        "reasonRequired": product.reason_required,
        "approveRequired": product.approve_required,
    }


def environment(backend: Backend, environment: records.Environment) -> JSON:
    return {
        "product": product(backend, backend.products[environment.product_id]),
        "environmentId": environment.environment_id,
        "name": environment.name,
        "color": environment.color,
        "description": environment.description,
        "order": environment.order,
        "reasonRequired": environment.reason_required,
        "approveRequired": environment.approve_required,
    }


def config(backend: Backend, config: records.Config) -> JSON:
    return {
        "product": product(backend, backend.products[config.product_id]),
        "configId": config.config_id,
        "name": config.name,
        "description": config.description,
        "order": config.order,
        "migratedConfigId": config.migrated_config_id,
        "evaluationVersion": config.evaluation_version,
    }


def tag(backend: Backend, tag: records.Tag) -> JSON:
    return {
        "product": product(backend, backend.products[tag.product_id]),
        "tagId": tag.tag_id,
        "name": tag.name,
        "color": tag.color,
    }


def setting_data(setting: records.Setting) -> JSON:
    return {
        "settingId": setting.setting_id,
        "key": setting.key,
        "name": setting.name,
        "hint": setting.hint,
        "settingType": setting.setting_type,
        "isJson": setting.is_json,
        "order": setting.order,
        "createdAt": setting.created_at or None,
        "creatorEmail": setting.creator_email,
        "creatorFullName": setting.creator_full_name,
        "isWatching": False,
        "predefinedVariations": setting.predefined_variations,
    }


def setting_tags(backend: Backend, setting: records.Setting) -> list[JSON]:
    out = []
    for tag_id in setting.tag_ids:
        tag = backend.tags.get(tag_id)
        if tag is not None:
            out.append(
                {
                    "settingTagId": setting.setting_id * 100_000 + tag_id,
                    "tagId": tag_id,
                    "name": tag.name,
                    "color": tag.color,
                }
            )
    return out


def setting(backend: Backend, setting: records.Setting) -> JSON:
    cfg = backend.configs.get(setting.config_id)
    return {
        **setting_data(setting),
        "configId": setting.config_id,
        "configName": cfg.name if cfg else "",
        "tags": [tag(backend, backend.tags[t]) for t in setting.tag_ids if t in backend.tags.rows],
    }


def integration_links(backend: Backend, setting_id: int, environment_id: str) -> list[JSON]:
    return [
        {
            "key": link.key,
            "description": link.description,
            "integrationLinkType": link.link_type,
            "url": link.url,
        }
        for link in backend.integration_links.where(
            setting_id=setting_id, environment_id=environment_id
        )
    ]


def segment(backend: Backend, segment: records.Segment) -> JSON:
    return {
        "product": product(backend, backend.products[segment.product_id]),
        "segmentId": segment.segment_id,
        "name": segment.name,
        "description": segment.description,
        "creatorEmail": segment.creator_email,
        "creatorFullName": segment.creator_full_name,
        "createdAt": segment.created_at,
        "lastUpdaterEmail": segment.last_updater_email,
        "lastUpdaterFullName": segment.last_updater_full_name,
        "updatedAt": segment.updated_at,
        "comparisonAttribute": segment.comparison_attribute,
        "comparator": segment.comparator,
        "comparisonValue": segment.comparison_value,
    }


def ordered(rows: list[Any]) -> list[Any]:
    """The service's list order: by ``order``, then by name."""
    return sorted(rows, key=lambda r: (r.order, r.name.lower()))
