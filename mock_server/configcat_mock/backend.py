"""The one object holding the mock's state, with ``reset()``, ``dump()`` and ``load()``.

Tables are plain dicts of :mod:`configcat_mock.models` records keyed by id. Ids come from a
``random.Random`` seeded per backend, so a given sequence of requests yields the same ids on
every run. Access helpers (``product()``, ``config()``, ...) answer 404 both for ids that do not
exist and for ids in an organization the caller is not a member of, as the service does.
"""

from __future__ import annotations

import base64
import copy
import random
import threading
import uuid
from collections.abc import Callable, Hashable, Iterator
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import attrs

from configcat_mock import models as m
from configcat_mock import passwords
from configcat_mock.errors import BadRequest, NotFound
from configcat_mock.integrity import check_references, check_row
from configcat_mock.seed import DEFAULT_SEED

T = TypeVar("T")
STATE_VERSION = 1


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Table(Generic[T]):
    """Records of one type keyed by their id."""

    def __init__(self, cls: type[T], key: Callable[[T], Hashable]) -> None:
        self.cls = cls
        self.key = key
        self.rows: dict[Hashable, T] = {}

    def add(self, row: T) -> T:
        self.rows[self.key(row)] = row
        return row

    def get(self, key: Hashable) -> T | None:
        return self.rows.get(key)

    def __getitem__(self, key: Hashable) -> T:
        """A row that must exist (a parent of a row in hand); ``KeyError`` means a bug."""
        return self.rows[key]

    def remove(self, key: Hashable) -> T | None:
        return self.rows.pop(key, None)

    def where(self, **match: Any) -> list[T]:
        items = match.items()
        return [r for r in self.rows.values() if all(getattr(r, k) == v for k, v in items)]

    def drop(self, pred: Callable[[T], bool]) -> list[T]:
        gone = [k for k, r in self.rows.items() if pred(r)]
        return [self.rows.pop(k) for k in gone]

    def __iter__(self) -> Iterator[T]:
        return iter(list(self.rows.values()))

    def __len__(self) -> int:
        return len(self.rows)


def _tables() -> dict[str, Table[Any]]:
    return {
        "users": Table(m.User, lambda r: r.user_id),
        "organizations": Table(m.Organization, lambda r: r.organization_id),
        "memberships": Table(m.Membership, lambda r: (r.organization_id, r.user_id)),
        "products": Table(m.Product, lambda r: r.product_id),
        "permission_groups": Table(m.PermissionGroup, lambda r: r.permission_group_id),
        "product_members": Table(m.ProductMember, lambda r: (r.product_id, r.user_id)),
        "invitations": Table(m.Invitation, lambda r: r.invitation_id),
        "environments": Table(m.Environment, lambda r: r.environment_id),
        "configs": Table(m.Config, lambda r: r.config_id),
        "tags": Table(m.Tag, lambda r: r.tag_id),
        "segments": Table(m.Segment, lambda r: r.segment_id),
        "sdk_keys": Table(m.SdkKey, lambda r: (r.config_id, r.environment_id)),
        "settings": Table(m.Setting, lambda r: r.setting_id),
        "setting_values": Table(m.SettingValue, lambda r: (r.setting_id, r.environment_id)),
        "deleted_settings": Table(m.DeletedSetting, lambda r: (r.config_id, r.setting_id)),
        "code_reports": Table(m.CodeReport, lambda r: (r.config_id, r.repository, r.branch)),
        "webhooks": Table(m.Webhook, lambda r: r.webhook_id),
        "integrations": Table(m.Integration, lambda r: r.integration_id),
        "integration_links": Table(
            m.IntegrationLink, lambda r: (r.environment_id, r.setting_id, r.link_type, r.key)
        ),
        "proxy_profiles": Table(m.ProxyProfile, lambda r: r.proxy_profile_id),
        "audit_logs": Table(m.AuditLog, lambda r: r.audit_log_id),
        "change_requests": Table(m.ChangeRequest, lambda r: r.change_request_id),
        "change_request_comments": Table(m.ChangeRequestComment, lambda r: r.comment_id),
    }


class Backend:
    """All state of one mock ConfigCat. ``reset()`` goes back to the start state (the seed)."""

    def __init__(self, seed_state: dict[str, Any] | None = None, *, id_seed: int = 0) -> None:
        self.lock = threading.RLock()
        self.id_seed = id_seed
        self.start_state: dict[str, Any] = copy.deepcopy(seed_state or DEFAULT_SEED)
        self.reset()

    # -- lifecycle -----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every change: back to the state loaded at start."""
        with self.lock:
            self.load(self.start_state)

    def reseed(self, state: dict[str, Any]) -> None:
        """Load ``state`` and make it the start state that :meth:`reset` goes back to."""
        with self.lock:
            self.load(state)
            self.start_state = copy.deepcopy(state)

    def clear(self) -> None:
        self.rng = random.Random(self.id_seed)
        self.counters: dict[str, int] = {}
        self.t: dict[str, Table[Any]] = _tables()

    def dump(self) -> dict[str, Any]:
        """The whole state as JSON; :meth:`load` of it gives back the same state."""
        with self.lock:
            return {
                "version": STATE_VERSION,
                "counters": dict(self.counters),
                "rngState": _encode_rng(self.rng),
                "tables": {
                    name: [attrs.asdict(r) for r in table.rows.values()]
                    for name, table in self.t.items()
                },
            }

    def load(self, state: dict[str, Any]) -> None:
        """Replace the state. Accepts a :meth:`dump` or a hand-written seed (missing tables
        are empty); raises ``BadRequest`` naming the first row that does not fit."""
        if not isinstance(state, dict):
            raise BadRequest("state", "A state must be a JSON object.")
        with self.lock:
            old = (
                getattr(self, "rng", None),
                getattr(self, "counters", {}),
                getattr(self, "t", {}),
            )
            self.clear()
            try:
                tables = state.get("tables", {})
                if not isinstance(tables, dict):
                    raise BadRequest("tables", "Must be an object of table name to rows.")
                for name, rows in tables.items():
                    table = self.t.get(name)
                    if table is None:
                        raise BadRequest(f"tables.{name}", "Unknown table.")
                    if not isinstance(rows, list | None):
                        raise BadRequest(f"tables.{name}", "Must be a list of rows.")
                    for i, row in enumerate(rows or []):
                        check_row(table.cls, f"tables.{name}[{i}]", row)
                        try:
                            # a copy: later changes must not reach the caller's state
                            # (nor the start state that reset() goes back to)
                            table.add(table.cls(**copy.deepcopy(row)))
                        except TypeError as exc:
                            raise BadRequest(f"tables.{name}[{i}]", str(exc)) from None
                check_references({name: table.rows for name, table in self.t.items()})
                counters = state.get("counters", {})
                if not isinstance(counters, dict) or not all(
                    type(v) is int for v in counters.values()
                ):
                    raise BadRequest("counters", "Must be an object of name to integer.")
                self.counters = {str(k): v for k, v in counters.items()}
                for name, key in (
                    ("tags", "tag"),
                    ("settings", "setting"),
                    ("webhooks", "webhook"),
                    ("permission_groups", "permission_group"),
                    ("audit_logs", "audit_log"),
                    ("change_requests", "change_request"),
                    ("change_request_comments", "comment"),
                ):
                    ids = [k for k in self.t[name].rows if isinstance(k, int)]
                    self.counters[key] = max([self.counters.get(key, 0), *ids])
                if "rngState" in state:
                    _decode_rng(self.rng, state["rngState"])
            except BadRequest:
                self._restore(old)
                raise
            except Exception as exc:  # anything else a hand-written state trips: still a 400
                self._restore(old)
                raise BadRequest("state", f"The state could not be loaded ({exc!r}).") from None

    def _restore(self, old: tuple[Any, dict[str, int], dict[str, Table[Any]]]) -> None:
        if old[0] is not None:
            self.rng, self.counters, self.t = old

    # -- ids -----------------------------------------------------------------------------

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def next_id(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def token(self, length: int = 22) -> str:
        raw = self.rng.getrandbits(8 * 18).to_bytes(18, "big")
        return base64.urlsafe_b64encode(raw).decode()[:length].replace("-", "A").replace("_", "B")

    def new_sdk_key(self) -> str:
        return f"configcat-sdk-1/{self.token()}/{self.token()}"

    # -- identity and access --------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> m.User | None:
        for user in self.t["users"]:
            if user.username == username and passwords.verify(user.password, password):
                return user  # type: ignore[no-any-return]
        return None

    def org_ids(self, user: m.User) -> set[str]:
        return {ms.organization_id for ms in self.t["memberships"].where(user_id=user.user_id)}

    def organization(self, organization_id: str, user: m.User) -> m.Organization:
        org = self.t["organizations"].get(organization_id)
        if org is None or org.organization_id not in self.org_ids(user):
            raise NotFound("organization")
        return org  # type: ignore[no-any-return]

    def product(self, product_id: str, user: m.User) -> m.Product:
        product = self.t["products"].get(product_id)
        if product is None or product.organization_id not in self.org_ids(user):
            raise NotFound("product")
        return product  # type: ignore[no-any-return]

    def _in_product(self, table: str, key: Hashable, what: str, user: m.User) -> Any:
        row = self.t[table].get(key)
        if row is None:
            raise NotFound(what)
        self.product(row.product_id, user)
        return row

    def environment(self, environment_id: str, user: m.User) -> m.Environment:
        return self._in_product("environments", environment_id, "environment", user)  # type: ignore[no-any-return]

    def config(self, config_id: str, user: m.User) -> m.Config:
        return self._in_product("configs", config_id, "config", user)  # type: ignore[no-any-return]

    def tag(self, tag_id: int, user: m.User) -> m.Tag:
        return self._in_product("tags", tag_id, "tag", user)  # type: ignore[no-any-return]

    def segment(self, segment_id: str, user: m.User) -> m.Segment:
        return self._in_product("segments", segment_id, "segment", user)  # type: ignore[no-any-return]

    def integration(self, integration_id: str, user: m.User) -> m.Integration:
        return self._in_product("integrations", integration_id, "integration", user)  # type: ignore[no-any-return]

    def permission_group(self, group_id: int, user: m.User) -> m.PermissionGroup:
        return self._in_product("permission_groups", group_id, "permission group", user)  # type: ignore[no-any-return]

    def change_request(self, change_request_id: int, user: m.User) -> m.ChangeRequest:
        return self._in_product("change_requests", change_request_id, "change request", user)  # type: ignore[no-any-return]

    def setting(self, setting_id: int, user: m.User) -> m.Setting:
        setting = self.t["settings"].get(setting_id)
        if setting is None:
            raise NotFound("setting")
        self.config(setting.config_id, user)
        return setting  # type: ignore[no-any-return]

    def webhook(self, webhook_id: int, user: m.User) -> m.Webhook:
        hook = self.t["webhooks"].get(webhook_id)
        if hook is None:
            raise NotFound("webhook")
        self.config(hook.config_id, user)
        return hook  # type: ignore[no-any-return]

    def proxy_profile(self, profile_id: str, user: m.User) -> m.ProxyProfile:
        profile = self.t["proxy_profiles"].get(profile_id)
        if profile is None or profile.organization_id not in self.org_ids(user):
            raise NotFound("proxy profile")
        return profile  # type: ignore[no-any-return]

    def config_environment(
        self, config_id: str, environment_id: str, user: m.User
    ) -> tuple[m.Config, m.Environment]:
        config = self.config(config_id, user)
        env = self.environment(environment_id, user)
        if env.product_id != config.product_id:
            raise NotFound("environment")
        return config, env

    def by_sdk_key(self, sdk_key: str | None, user: m.User) -> tuple[m.Config, m.Environment]:
        if not sdk_key:  # optional in the spec: without it there is no config to look in
            raise NotFound("setting (no X-CONFIGCAT-SDKKEY header was sent)")
        for key in self.t["sdk_keys"]:
            if sdk_key in (key.primary, key.secondary):
                return self.config_environment(key.config_id, key.environment_id, user)
        raise NotFound("SDK key")

    # -- writes shared by handlers ---------------------------------------------------------

    def ensure_sdk_keys(self, config_id: str, environment_id: str) -> m.SdkKey:
        key = self.t["sdk_keys"].get((config_id, environment_id))
        if key is None:
            key = self.t["sdk_keys"].add(m.SdkKey(config_id, environment_id, self.new_sdk_key()))
        return key  # type: ignore[no-any-return]

    def audit(
        self,
        user: m.User,
        organization_id: str,
        product_id: str | None,
        kind: str,
        target: str,
        *,
        details: str = "",
        why: str | None = None,
        config_id: str | None = None,
        environment_id: str | None = None,
    ) -> None:
        where = []
        if product_id and (product := self.t["products"].get(product_id)):
            where.append(product.name)
        if config_id and (config := self.t["configs"].get(config_id)):
            where.append(config.name)
        if environment_id and (env := self.t["environments"].get(environment_id)):
            where.append(env.name)
        self.t["audit_logs"].add(
            m.AuditLog(
                audit_log_id=self.next_id("audit_log"),
                organization_id=organization_id,
                product_id=product_id,
                type=kind,
                created_at=utcnow(),
                user_email=user.email,
                user_name=user.full_name,
                action_target=target,
                details=details,
                why=why,
                config_id=config_id,
                environment_id=environment_id,
                where=" / ".join(where),
            )
        )

    # -- cascades --------------------------------------------------------------------------

    def delete_setting(self, setting: m.Setting) -> None:
        sid = setting.setting_id
        self.t["settings"].remove(sid)
        self.t["setting_values"].drop(lambda r: r.setting_id == sid)
        self.t["integration_links"].drop(lambda r: r.setting_id == sid)
        self.t["deleted_settings"].add(
            m.DeletedSetting(
                config_id=setting.config_id,
                setting_id=sid,
                key=setting.key,
                name=setting.name,
                setting_type=setting.setting_type,
                hint=setting.hint,
                deleted_at=utcnow(),
            )
        )

    def delete_config(self, config_id: str) -> None:
        for setting in self.t["settings"].where(config_id=config_id):
            self.delete_setting(setting)
        self.t["deleted_settings"].drop(lambda r: r.config_id == config_id)
        self.t["sdk_keys"].drop(lambda r: r.config_id == config_id)
        self.t["webhooks"].drop(lambda r: r.config_id == config_id)
        self.t["code_reports"].drop(lambda r: r.config_id == config_id)
        self._drop_change_requests(lambda r: r.config_id == config_id)
        for integration in self.t["integrations"]:
            if config_id in integration.config_ids:
                integration.config_ids.remove(config_id)
        for profile in self.t["proxy_profiles"]:
            profile.sdk_keys = [o for o in profile.sdk_keys if o.get("configId") != config_id]
        self.t["configs"].remove(config_id)

    def delete_environment(self, environment_id: str) -> None:
        self.t["setting_values"].drop(lambda r: r.environment_id == environment_id)
        self.t["integration_links"].drop(lambda r: r.environment_id == environment_id)
        self.t["sdk_keys"].drop(lambda r: r.environment_id == environment_id)
        self.t["webhooks"].drop(lambda r: r.environment_id == environment_id)
        self._drop_change_requests(lambda r: r.environment_id == environment_id)
        for integration in self.t["integrations"]:
            if environment_id in integration.environment_ids:
                integration.environment_ids.remove(environment_id)
        for profile in self.t["proxy_profiles"]:
            profile.sdk_keys = [
                o for o in profile.sdk_keys if o.get("environmentId") != environment_id
            ]
        for group in self.t["permission_groups"]:
            group.environment_accesses = [
                a for a in group.environment_accesses if a.get("environmentId") != environment_id
            ]
        self.t["environments"].remove(environment_id)

    def _drop_change_requests(self, pred: Callable[[m.ChangeRequest], bool]) -> None:
        gone = {r.change_request_id for r in self.t["change_requests"].drop(pred)}
        self.t["change_request_comments"].drop(lambda r: r.change_request_id in gone)

    def delete_product(self, product_id: str) -> None:
        for config in self.t["configs"].where(product_id=product_id):
            self.delete_config(config.config_id)
        for env in self.t["environments"].where(product_id=product_id):
            self.delete_environment(env.environment_id)
        for name in ("tags", "segments", "integrations", "permission_groups", "invitations"):
            self.t[name].drop(lambda r: r.product_id == product_id)
        self.t["product_members"].drop(lambda r: r.product_id == product_id)
        self.t["products"].remove(product_id)


def _encode_rng(rng: random.Random) -> list[Any]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _decode_rng(rng: random.Random, state: Any) -> None:
    try:
        version, internal, gauss = state
        rng.setstate((int(version), tuple(int(x) for x in internal), gauss))
    except (TypeError, ValueError) as exc:
        raise BadRequest("rngState", f"Not a random generator state: {exc}") from None
