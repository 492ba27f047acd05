"""What the pages show, read from the backend: products, the grid of a config, one value.

Reads use the tables' indexes (a config's settings, a value by setting and environment), so a
grid of 1,000 flags in three environments is a few thousand dictionary look-ups. Called with
the backend's lock held, so a page never shows half of a change.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

import attrs

from configcat_mock.dashboard.wording import default_value, rule_count, value_text
from configcat_mock.state import records
from configcat_mock.state.backend import Backend


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def _ordered_by_name(rows: list[N]) -> list[N]:
    """The service's list order: by ``order``, then by name."""
    return sorted(rows, key=lambda row: (getattr(row, "order", 0), row.name.lower()))


@attrs.frozen
class ProductSummary:
    product: records.Product
    organization: str
    environments: list[records.Environment]
    configs: list[tuple[records.Config, int]]  # each with its number of flags
    segments: list[records.Segment]


def products(backend: Backend) -> list[ProductSummary]:
    summaries = []
    for product in _ordered_by_name(list(backend.products)):
        organization = backend.organizations.get(product.organization_id)
        configs = _ordered_by_name(backend.configs.where(product_id=product.product_id))
        summaries.append(
            ProductSummary(
                product=product,
                organization=organization.name if organization else "",
                environments=_ordered_by_name(
                    backend.environments.where(product_id=product.product_id)
                ),
                configs=[
                    (config, len(backend.settings.where(config_id=config.config_id)))
                    for config in configs
                ],
                segments=_ordered_by_name(backend.segments.where(product_id=product.product_id)),
            )
        )
    return summaries


@attrs.frozen
class Cell:
    """One flag in one environment, with what its toggle sends (``setting|environment|value``)."""

    environment: records.Environment
    text: str  # the default value as shown
    rules: int  # targeting rules (percentage options count as one)
    toggle: str  # empty unless the flag is a boolean


@attrs.frozen
class Row:
    setting: records.Setting
    cells: list[Cell]


@attrs.frozen
class Grid:
    product: records.Product
    config: records.Config
    environments: list[records.Environment]
    rows: list[Row]
    total: int  # flags in the config (rows: those the filter kept)
    reason_required: bool  # by the product or any of its environments
    approval_required: bool


def grid(backend: Backend, config: records.Config, search: str = "") -> Grid:
    product = backend.products[config.product_id]
    environments = _ordered_by_name(backend.environments.where(product_id=product.product_id))
    settings = _ordered_by_name(backend.settings.where(config_id=config.config_id))
    total = len(settings)
    if search:
        folded = search.casefold()
        settings = [
            s for s in settings if folded in s.key.casefold() or folded in s.name.casefold()
        ]
    values = backend.setting_values
    rows = []
    for setting in settings:
        is_bool = setting.setting_type == "boolean"
        cells = []
        for environment in environments:
            value = values.get((setting.setting_id, environment.environment_id))
            if value is None:  # not in a consistent state; shown rather than failing
                cells.append(Cell(environment, "(no value)", 0, ""))
                continue
            served = default_value(value)
            toggle = ""
            if is_bool:
                toggle = f"{setting.setting_id}|{environment.environment_id}|{not served}".lower()
            cells.append(Cell(environment, value_text(served), rule_count(value), toggle))
        rows.append(Row(setting, cells))
    return Grid(
        product=product,
        config=config,
        environments=environments,
        rows=rows,
        total=total,
        reason_required=product.reason_required or any(e.reason_required for e in environments),
        approval_required=any(e.approve_required for e in environments),
    )


def reason_required(backend: Backend, environment: records.Environment) -> bool:
    product = backend.products[environment.product_id]
    return product.reason_required or environment.reason_required
