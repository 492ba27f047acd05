"""Records as the API shows them (spec property names); :meth:`SchemaSet.shape` fills the rest."""

from __future__ import annotations

from typing import Any

from configcat_mock.state import records as m
from configcat_mock.state.backend import Backend

JSON = dict[str, Any]


def organization(org: m.Organization) -> JSON:
    return {"organizationId": org.organization_id, "name": org.name}


def product(b: Backend, p: m.Product) -> JSON:
    return {
        "organization": organization(b.organizations[p.organization_id]),
        "productId": p.product_id,
        "name": p.name,
        "description": p.description,
        "order": p.order,
        "reasonRequired": p.reason_required,
        "approveRequired": p.approve_required,
    }


def environment(b: Backend, e: m.Environment) -> JSON:
    return {
        "product": product(b, b.products[e.product_id]),
        "environmentId": e.environment_id,
        "name": e.name,
        "color": e.color,
        "description": e.description,
        "order": e.order,
        "reasonRequired": e.reason_required,
        "approveRequired": e.approve_required,
    }


def config(b: Backend, c: m.Config) -> JSON:
    return {
        "product": product(b, b.products[c.product_id]),
        "configId": c.config_id,
        "name": c.name,
        "description": c.description,
        "order": c.order,
        "migratedConfigId": c.migrated_config_id,
        "evaluationVersion": c.evaluation_version,
    }


def tag(b: Backend, t: m.Tag) -> JSON:
    return {
        "product": product(b, b.products[t.product_id]),
        "tagId": t.tag_id,
        "name": t.name,
        "color": t.color,
    }


def setting_data(s: m.Setting) -> JSON:
    return {
        "settingId": s.setting_id,
        "key": s.key,
        "name": s.name,
        "hint": s.hint,
        "settingType": s.setting_type,
        "isJson": s.is_json,
        "order": s.order,
        "createdAt": s.created_at or None,
        "creatorEmail": s.creator_email,
        "creatorFullName": s.creator_full_name,
        "isWatching": False,
        "predefinedVariations": s.predefined_variations,
    }


def setting_tags(b: Backend, s: m.Setting) -> list[JSON]:
    out = []
    for tag_id in s.tag_ids:
        t = b.tags.get(tag_id)
        if t is not None:
            out.append(
                {
                    "settingTagId": s.setting_id * 100_000 + tag_id,
                    "tagId": tag_id,
                    "name": t.name,
                    "color": t.color,
                }
            )
    return out


def setting(b: Backend, s: m.Setting) -> JSON:
    cfg = b.configs.get(s.config_id)
    return {
        **setting_data(s),
        "configId": s.config_id,
        "configName": cfg.name if cfg else "",
        "tags": [tag(b, b.tags[t]) for t in s.tag_ids if t in b.tags.rows],
    }


def integration_links(b: Backend, setting_id: int, environment_id: str) -> list[JSON]:
    return [
        {
            "key": link.key,
            "description": link.description,
            "integrationLinkType": link.link_type,
            "url": link.url,
        }
        for link in b.integration_links.where(setting_id=setting_id, environment_id=environment_id)
    ]


def segment(b: Backend, s: m.Segment) -> JSON:
    return {
        "product": product(b, b.products[s.product_id]),
        "segmentId": s.segment_id,
        "name": s.name,
        "description": s.description,
        "creatorEmail": s.creator_email,
        "creatorFullName": s.creator_full_name,
        "createdAt": s.created_at,
        "lastUpdaterEmail": s.last_updater_email,
        "lastUpdaterFullName": s.last_updater_full_name,
        "updatedAt": s.updated_at,
        "comparisonAttribute": s.comparison_attribute,
        "comparator": s.comparator,
        "comparisonValue": s.comparison_value,
    }


def ordered(rows: list[Any]) -> list[Any]:
    """The service's list order: by ``order``, then by name."""
    return sorted(rows, key=lambda r: (r.order, r.name.lower()))
