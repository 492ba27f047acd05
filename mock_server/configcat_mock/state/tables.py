"""The tables of the fake's state, each declared once: its name, record type, key, the parents
it refers to and the indexes requests look rows up by.

Everything else is derived from :class:`Tables`: the backend's typed attributes
(``backend.settings`` is a ``Table[records.Setting]``), the order of dumps, the id counters a
load starts from, the references a load checks, and the empty tables with their indexes that a
reset or load fills. A table added here is dumped, loaded, checked and kept in the state file
with no other list to edit.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar, overload

from configcat_mock.state import records
from configcat_mock.state.audit_log import AuditLogTable
from configcat_mock.state.table import IndexKeys, Table, field

R = TypeVar("R")


class TableSpec(Generic[R]):
    """One table's declaration, and (as a descriptor) the table of that name on a backend.

    ``refs`` maps a field to the table whose key it holds (indexed under the field's name and
    checked on load); ``indexes`` are the further lookups; ``counter`` names the id counter
    whose value a load raises to the largest integer key held."""

    name: str

    def __init__(
        self,
        record: type[R],
        key: Callable[[R], Hashable],
        *,
        refs: dict[str, str] | None = None,
        indexes: dict[str, IndexKeys] | None = None,
        counter: str | None = None,
    ) -> None:
        self.record = record
        self.key = key
        self.refs = dict(refs or {})
        self.indexes = dict(indexes or {})
        self.counter = counter

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    def new(self) -> Table[R]:
        """An empty table with its indexes: every reference field, and the extras."""
        indexes: dict[str, IndexKeys] = {name: field(name) for name in self.refs}
        indexes.update(self.indexes)
        return Table(self.record, self.key, indexes)

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> TableSpec[R]: ...
    @overload
    def __get__(self, instance: Tables, owner: type[Any]) -> Table[R]: ...
    def __get__(self, instance: Tables | None, owner: type[Any]) -> TableSpec[R] | Table[R]:
        if instance is None:
            return self
        table: Table[R] = instance.tables[self.name]
        return table


class AuditLogSpec(TableSpec[records.AuditLog]):
    """The audit log's declaration: its table also keeps the entries in time order."""

    def new(self) -> AuditLogTable:
        indexes: dict[str, IndexKeys] = {name: field(name) for name in self.refs}
        return AuditLogTable(self.record, self.key, indexes)

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> AuditLogSpec: ...
    @overload
    def __get__(self, instance: Tables, owner: type[Any]) -> AuditLogTable: ...
    def __get__(self, instance: Tables | None, owner: type[Any]) -> AuditLogSpec | AuditLogTable:
        if instance is None:
            return self
        table = instance.tables[self.name]
        assert isinstance(table, AuditLogTable)
        return table


def _prerequisites(value: records.SettingValue) -> Iterator[Hashable]:
    """The settings a (v2) formula names as prerequisite flags."""
    for rule in value.formula.get("targetingRules") or []:
        for cond in rule.get("conditions") or []:
            pre = (cond or {}).get("prerequisiteFlagCondition") or {}
            if pre.get("prerequisiteSettingId") is not None:
                yield pre["prerequisiteSettingId"]


def _scheduled(row: records.ChangeRequest) -> tuple[Hashable, ...]:
    """Open change requests with an ``applyAt`` are filed under ``True``."""
    return (True,) if row.status == "open" and row.apply_at else ()


def _sdk_key_strings(row: records.SdkKey) -> Iterator[Hashable]:
    yield row.primary
    if row.secondary:
        yield row.secondary


def _config_key(row: records.Setting) -> tuple[Hashable]:
    return ((row.config_id, row.key.casefold()),)


_ORG = "organizations"
_PRODUCT = {"product_id": "products"}


class Tables:
    """The declarations, in the order of dumps; an instance holds one table per declaration
    in :attr:`tables` (the backend is one)."""

    users = TableSpec(records.User, lambda r: r.user_id, indexes={"username": field("username")})
    organizations = TableSpec(records.Organization, lambda r: r.organization_id)
    memberships = TableSpec(
        records.Membership,
        lambda r: (r.organization_id, r.user_id),
        refs={"organization_id": _ORG, "user_id": "users"},
    )
    products = TableSpec(records.Product, lambda r: r.product_id, refs={"organization_id": _ORG})
    permission_groups = TableSpec(
        records.PermissionGroup,
        lambda r: r.permission_group_id,
        refs=_PRODUCT,
        counter="permission_group",
    )
    product_members = TableSpec(
        records.ProductMember,
        lambda r: (r.product_id, r.user_id),
        refs={**_PRODUCT, "user_id": "users", "permission_group_id": "permission_groups"},
    )
    invitations = TableSpec(records.Invitation, lambda r: r.invitation_id, refs=_PRODUCT)
    environments = TableSpec(records.Environment, lambda r: r.environment_id, refs=_PRODUCT)
    configs = TableSpec(records.Config, lambda r: r.config_id, refs=_PRODUCT)
    tags = TableSpec(records.Tag, lambda r: r.tag_id, refs=_PRODUCT, counter="tag")
    segments = TableSpec(records.Segment, lambda r: r.segment_id, refs=_PRODUCT)
    sdk_keys = TableSpec(
        records.SdkKey,
        lambda r: (r.config_id, r.environment_id),
        refs={"config_id": "configs", "environment_id": "environments"},
        indexes={"sdk_key": _sdk_key_strings},
    )
    settings = TableSpec(
        records.Setting,
        lambda r: r.setting_id,
        refs={"config_id": "configs"},
        indexes={"config_key": _config_key},
        counter="setting",
    )
    setting_values = TableSpec(
        records.SettingValue,
        lambda r: (r.setting_id, r.environment_id),
        refs={"setting_id": "settings", "environment_id": "environments"},
        indexes={"prerequisite": _prerequisites},
    )
    deleted_settings = TableSpec(
        records.DeletedSetting,
        lambda r: (r.config_id, r.setting_id),
        refs={"config_id": "configs"},
    )
    code_reports = TableSpec(
        records.CodeReport,
        lambda r: (r.config_id, r.repository, r.branch),
        refs={"config_id": "configs"},
    )
    webhooks = TableSpec(
        records.Webhook,
        lambda r: r.webhook_id,
        refs={"config_id": "configs", "environment_id": "environments"},
        counter="webhook",
    )
    integrations = TableSpec(records.Integration, lambda r: r.integration_id, refs=_PRODUCT)
    integration_links = TableSpec(
        records.IntegrationLink,
        lambda r: (r.environment_id, r.setting_id, r.link_type, r.key),
        refs={"environment_id": "environments", "setting_id": "settings"},
    )
    proxy_profiles = TableSpec(
        records.ProxyProfile, lambda r: r.proxy_profile_id, refs={"organization_id": _ORG}
    )
    audit_logs = AuditLogSpec(
        records.AuditLog,
        lambda r: r.audit_log_id,
        refs={"organization_id": _ORG},
        counter="audit_log",
    )
    change_requests = TableSpec(
        records.ChangeRequest,
        lambda r: r.change_request_id,
        refs={
            **_PRODUCT,
            "config_id": "configs",
            "environment_id": "environments",
            "creator_user_id": "users",
            "owner_user_id": "users",
        },
        indexes={"scheduled": _scheduled},
        counter="change_request",
    )
    change_request_comments = TableSpec(
        records.ChangeRequestComment,
        lambda r: r.comment_id,
        refs={"change_request_id": "change_requests", "user_id": "users"},
        counter="comment",
    )

    def __init__(self) -> None:
        self.tables: dict[str, Table[Any]] = {}
        """Table name -> table, in dump order (for dump, load and checks; handlers use the
        typed attributes)."""

    def use_tables(self, tables: dict[str, Table[Any]]) -> None:
        """Hold ``tables``. Each is also put in the instance's ``__dict__``, which Python reads
        before a descriptor that defines only ``__get__``: ``backend.settings`` then costs a
        plain attribute lookup, and the declarations still give it its type."""
        self.tables = tables
        vars(self).update(tables)


#: Every declaration, in dump order.
SPECS: tuple[TableSpec[Any], ...] = tuple(
    value for value in vars(Tables).values() if isinstance(value, TableSpec)
)

#: Record type -> its declaration (each type lives in one table).
BY_RECORD: dict[type[Any], TableSpec[Any]] = {spec.record: spec for spec in SPECS}

#: ``(table, field, parent table)``: the field holds the key of a row in the parent table.
REFERENCES: tuple[tuple[str, str, str], ...] = tuple(
    (spec.name, name, parent) for spec in SPECS for name, parent in spec.refs.items()
)


def new_tables() -> dict[str, Table[Any]]:
    """One empty table per declaration, in dump order."""
    return {spec.name: spec.new() for spec in SPECS}
