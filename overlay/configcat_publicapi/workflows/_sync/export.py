# Derived from configcat_publicapi/workflows/_async/export.py
# by scripts/make_sync.py: do not edit.
"""Read a product through the client: the snapshot behind ``export``, ``plan`` and ``apply``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from configcat_publicapi._sync.client import ConfigCatClient
from configcat_publicapi.workflows._clients import expect_client
from configcat_publicapi.workflows.document import Document
from configcat_publicapi.workflows.export import (
    Snapshot,
    add_config,
    add_environments,
    add_preferences,
    add_segments,
    add_tags,
    as_dict,
    by_order,
    chosen_configs,
    config_version,
    finish_snapshot,
    start_snapshot,
)


def snapshot(
    cc: ConfigCatClient, product_id: str | UUID, *, configs: Iterable[str] | None = None
) -> Snapshot:
    """Read a product (only the configs named in ``configs``, if given) with its ids."""
    expect_client(cc, ConfigCatClient, "snapshot")
    pid = UUID(str(product_id))
    snap = start_snapshot(pid, as_dict(cc.products.get_product(pid)))
    envs = sorted((as_dict(e) for e in cc.environments.get_environments(pid)), key=by_order)
    add_environments(snap, envs)
    add_preferences(snap, as_dict(cc.products.get_product_preferences(pid)))
    add_tags(snap, [as_dict(t) for t in cc.tags.get_tags(pid)])
    segments = [
        as_dict(cc.segments.get_segment(s.segment_id)) for s in cc.segments.get_segments(pid)
    ]
    add_segments(snap, segments)
    names = None if configs is None else list(configs)
    every = [as_dict(c) for c in cc.configs.get_configs(pid)]
    for config in chosen_configs(snap, every, names):
        cid = UUID(str(config["configId"]))
        settings = [as_dict(s) for s in cc.settings.get_settings(cid)]
        values: dict[str, list[dict[str, Any]]] = {}
        for env in envs:
            eid = UUID(str(env["environmentId"]))
            if config_version(config) == "v2":
                formulas = cc.setting_values_v2.get_setting_values_v2(cid, eid)
                values[env["name"]] = as_dict(formulas)["settingFormulas"]
            else:
                v1 = cc.setting_values.get_setting_values(cid, eid)
                values[env["name"]] = as_dict(v1)["settingValues"]
        add_config(snap, config, settings, values)
    return finish_snapshot(snap, names)


def export(
    cc: ConfigCatClient, product_id: str | UUID, *, configs: Iterable[str] | None = None
) -> Document:
    """The product ``product_id`` (or only its configs named in ``configs``) as a document."""
    expect_client(cc, ConfigCatClient, "export")
    return (snapshot(cc, product_id, configs=configs)).document
