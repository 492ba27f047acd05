"""The one object holding the mock's state, with ``reset()``, ``dump()`` and ``load()``.

Tables (:class:`~configcat_mock.state.table.Table`) hold :mod:`configcat_mock.state.records`
records keyed by id, indexed by every reference to a parent and by what requests look rows up by.
Ids come from a ``random.Random`` seeded per backend, so a given sequence of requests yields the
same ids on every run. Access helpers (``product()``, ``config()``, ...) answer 404 both for ids
that do not exist and for ids in an organization the caller is not a member of, as the service
does.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import os
import random
import threading
import uuid
from collections.abc import Hashable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import attrs

from configcat_mock.errors import BadRequest, NotFound, StorageFailed
from configcat_mock.state import passwords, records
from configcat_mock.state.audit_log import DEFAULT_AUDIT_LOG_LIMIT, AuditLogTable
from configcat_mock.state.integrity import check_references, check_row
from configcat_mock.state.persistence import Persistence
from configcat_mock.state.records import changes
from configcat_mock.state.seed import DEFAULT_SEED
from configcat_mock.state.state_file import StateFile, StateFileError, pack_rng
from configcat_mock.state.table import Table
from configcat_mock.state.tables import REFERENCES, SPECS, Tables, new_tables

STATE_VERSION = 1


class _InProduct(Protocol):
    product_id: str


R = TypeVar("R", bound=_InProduct)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@attrs.frozen
class ValueChange:
    """A setting value stored anew (what webhooks report): before and after, by whom, why."""

    setting_id: int
    environment_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    user_email: str | None = None
    user_name: str | None = None
    why: str | None = None


@attrs.define
class Prepared:
    """A state checked and built into tables, ready to take the place of the current one
    (see :meth:`Backend.prepare`)."""

    tables: dict[str, Table[Any]]
    counters: dict[str, int]
    rng: random.Random


class Backend(Tables):
    """All state of one mock ConfigCat. ``reset()`` goes back to the start state (the seed).

    Each table is a typed attribute (``backend.settings: Table[records.Setting]``) derived from
    its declaration in :class:`~configcat_mock.state.tables.Tables`; :attr:`tables` names them
    for dump and load.
    """

    def __init__(
        self,
        seed_state: dict[str, Any] | None = None,
        *,
        id_seed: int = 0,
        audit_log_limit: int | None = DEFAULT_AUDIT_LOG_LIMIT,
    ) -> None:
        super().__init__()
        self.lock = threading.RLock()
        self.id_seed = id_seed
        self.audit_log_limit = audit_log_limit
        """Audit-log entries kept (``None``: all); beyond it the oldest are dropped."""
        self.generation = 0
        """Grows whenever the tables are replaced (reset, load): caches of state compare it."""
        self.start_state: dict[str, Any] = copy.deepcopy(seed_state or DEFAULT_SEED)
        self.persistence: Persistence | None = None
        """Where every write is kept (see :meth:`attach`); ``None``: in memory only."""
        self.delivery_section: Any = None
        """The delivery section a state file held, for the delivery store to start from."""
        self.value_changes: list[ValueChange] | None = None
        """While a list (the app sets one per request), every stored value is noted in it."""
        self.rng = random.Random(id_seed)
        self._words = 0
        self.counters: dict[str, int] = {}
        self.reset()

    @property
    def state_file(self) -> StateFile | None:
        return self.persistence.state_file if self.persistence is not None else None

    @property
    def rng_words(self) -> int:
        """The 32-bit words drawn from :attr:`rng` since it was installed: the state file
        stores this count with each write and the generator's whole state (2.5 kB) only now
        and then, and replays the words on opening."""
        return self._words

    def _bits(self, bits: int) -> int:
        self._words += (bits + 31) // 32  # what getrandbits takes of a Mersenne Twister
        return self.rng.getrandbits(bits)

    def packed_rng(self) -> str:
        return pack_rng(self.rng)

    # -- lifecycle -----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every change: back to the state loaded at start."""
        with self.lock:
            self.load(self.start_state)

    def reseed(self, state: dict[str, Any]) -> None:
        """Load ``state`` and make it the start state that :meth:`reset` goes back to."""
        prepared = self.prepare(state)  # built without the lock, as for a load
        with self.lock:
            self.install(prepared)
            self.start_state = copy.deepcopy(state)

    def check_indexes(self) -> list[str]:
        """Every index compared with a full scan of its table (empty: all agree)."""
        return [
            f"{name}.{problem}" for name, table in self.tables.items() for problem in table.check()
        ]

    def dump(self) -> dict[str, Any]:
        """The whole state as JSON; :meth:`load` of it gives back the same state."""
        with self.lock:
            return {
                "version": STATE_VERSION,
                "counters": dict(self.counters),
                "rngState": _encode_rng(self.rng),
                "tables": {
                    name: [attrs.asdict(r) for r in table.rows.values()]
                    for name, table in self.tables.items()
                },
            }

    def prepare(
        self, state: dict[str, Any], *, trusted: bool = False, owned: bool = False
    ) -> Prepared:
        """``state`` checked and built into new tables, without touching the current ones (so
        without the lock: a big state is built while requests are answered). Raises
        ``BadRequest`` naming the first row that does not fit. ``trusted``: rows this backend
        wrote itself (a checksummed state file), not checked field by field; ``owned``: parsed
        for this call alone, so not copied."""
        if not isinstance(state, dict):
            raise BadRequest("state", "A state must be a JSON object.")
        try:
            return self._prepare(state, trusted=trusted, owned=owned or trusted)
        except BadRequest:
            raise
        except Exception as exc:  # anything else a hand-written state trips: still a 400
            raise BadRequest("state", f"The state could not be loaded ({exc!r}).") from None

    def _prepare(self, state: dict[str, Any], *, trusted: bool, owned: bool) -> Prepared:
        mine = new_tables()
        tables = state.get("tables", {})
        if not isinstance(tables, dict):
            raise BadRequest("tables", "Must be an object of table name to rows.")
        for name, rows in tables.items():
            table = mine.get(name)
            if table is None:
                raise BadRequest(f"tables.{name}", "Unknown table.")
            if not isinstance(rows, list | None):
                raise BadRequest(f"tables.{name}", "Must be a list of rows.")
            for i, row in enumerate(rows or []):
                if not trusted:
                    check_row(table.cls, f"tables.{name}[{i}]", row)
                if not owned:
                    # a copy: later changes must not reach the caller's state
                    # (nor the start state that reset() goes back to)
                    row = copy.deepcopy(row)
                try:
                    table.add(table.cls(**row))
                except TypeError as exc:
                    raise BadRequest(f"tables.{name}[{i}]", str(exc)) from None
                if owned and rows is not None:
                    # each parsed row let go as it is used: freed all at once at the end, a
                    # big state's rows would hold the interpreter lock for a second
                    rows[i] = None
        check_references({name: table.rows for name, table in mine.items()}, REFERENCES)
        counters = state.get("counters", {})
        if not isinstance(counters, dict) or not all(type(v) is int for v in counters.values()):
            raise BadRequest("counters", "Must be an object of name to integer.")
        counters = {str(k): v for k, v in counters.items()}
        for spec in SPECS:
            if spec.counter is not None:
                ids = [k for k in mine[spec.name].rows if isinstance(k, int)]
                counters[spec.counter] = max([counters.get(spec.counter, 0), *ids])
        rng = random.Random(self.id_seed)
        if "rngState" in state:
            _decode_rng(rng, state["rngState"])
        audit_logs = mine["audit_logs"]
        assert isinstance(audit_logs, AuditLogTable)
        audit_logs.trim(self.audit_log_limit)
        return Prepared(mine, counters, rng)

    def install(self, prepared: Prepared, *, save: bool = True) -> None:
        """Make ``prepared`` the state (and, with a state file, what the file holds)."""
        with self.lock:
            old = (self.tables, self.counters, self.rng, self.delivery_section, self._words)
            self.counters, self.rng = prepared.counters, prepared.rng
            self.use_tables(prepared.tables)
            self.delivery_section = None
            self.generation += 1
            self._words = 0
            if save and self.persistence is not None:
                try:
                    self.persistence.save_all()
                except StorageFailed:
                    tables, self.counters, self.rng, self.delivery_section, self._words = old
                    self.use_tables(tables)
                    self.generation += 1
                    raise

    def load(self, state: dict[str, Any], *, trusted: bool = False, owned: bool = False) -> None:
        """Replace the state. Accepts a :meth:`dump` or a hand-written seed (missing tables
        are empty); raises ``BadRequest`` naming the first row that does not fit, and leaves
        the current state as it was."""
        self.install(self.prepare(state, trusted=trusted, owned=owned))

    # -- the state file ------------------------------------------------------------------

    def attach(self, path: str | os.PathLike[str]) -> None:
        """Keep the state in the file ``path`` from now on: load what it holds (a new or
        empty file gets the current state). Raises :class:`StateFileError` for a file it
        cannot use, which it leaves untouched."""
        with self.lock:
            state_file = StateFile(path, state_version=STATE_VERSION)
            try:
                held = state_file.read()
                rng_words = 0
                if held is not None:
                    delivery = held.pop("delivery", None)
                    rng_words = state_file.rng_words
                    try:
                        self.install(self.prepare(held, trusted=True), save=False)
                    except BadRequest as exc:
                        raise StateFileError(
                            f"state file {state_file.path} holds a state that does not load "
                            f"({json.dumps(exc.body)}); it was left untouched"
                        ) from None
                    self.delivery_section = delivery
                self.persistence = Persistence(self, state_file, self._reload)
                if held is None:
                    self.persistence.save_all()
                else:
                    self.persistence.synced(self.delivery_section, rng_words)
                state_file.mark_open()
            except BaseException:
                self.persistence = None
                state_file.close()
                raise

    def _reload(self) -> None:
        """Memory back to what the state file holds (after a write it refused)."""
        assert self.persistence is not None
        held = self.persistence.state_file.read()
        if held is not None:
            delivery = held.pop("delivery", None)
            rng_words = self.persistence.state_file.rng_words
            self.install(self.prepare(held, trusted=True), save=False)
            self.delivery_section = delivery  # the client keys the file holds, as on attach
            self.persistence.synced(delivery, rng_words)

    def detach(self) -> None:
        """Stop keeping the state in the file; the file is left whole on its own (its
        write-ahead log checkpointed into it) and its lock let go."""
        with self.lock:
            if self.persistence is not None:
                self.persistence.close()
                self.persistence = None

    def save_delivery(self, section: Any) -> None:
        """Write the delivery section (client keys and usage) if it changed, and keep it as
        the one to go back to (raises :class:`StorageFailed`, keeping the last one, when the
        state file refuses it)."""
        if self.persistence is not None:
            self.persistence.save_delivery(section)
        self.delivery_section = copy.deepcopy(section)

    def tracked(self) -> contextlib.AbstractContextManager[None]:
        """Run a request's work and, with a state file, store what it changed before
        returning (see :mod:`configcat_mock.state.persistence`). Call with the lock held."""
        if self.persistence is None:
            return contextlib.nullcontext()
        return self.persistence.recorded()

    def changed(self, row: Any) -> None:
        """Note ``row`` as changed in place (a list or dict in one of its fields)."""
        changes.changed(row)

    # -- ids -----------------------------------------------------------------------------

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self._bits(128), version=4))

    def next_id(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def token(self, length: int = 22) -> str:
        raw = self._bits(8 * 18).to_bytes(18, "big")
        return base64.urlsafe_b64encode(raw).decode()[:length].replace("-", "A").replace("_", "B")

    def new_sdk_key(self) -> str:
        return f"configcat-sdk-1/{self.token()}/{self.token()}"

    # -- identity and access --------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> records.User | None:
        for user in self.users.by("username", username):
            if passwords.verify(user.password, password):
                return user
        return None

    def org_ids(self, user: records.User) -> set[str]:
        return {ms.organization_id for ms in self.memberships.where(user_id=user.user_id)}

    def organization(self, organization_id: str, user: records.User) -> records.Organization:
        org = self.organizations.get(organization_id)
        if org is None or org.organization_id not in self.org_ids(user):
            raise NotFound("organization")
        return org

    def product(self, product_id: str, user: records.User) -> records.Product:
        product = self.products.get(product_id)
        if product is None or product.organization_id not in self.org_ids(user):
            raise NotFound("product")
        return product

    def _in_product(self, table: Table[R], key: Hashable, what: str, user: records.User) -> R:
        row = table.get(key)
        if row is None:
            raise NotFound(what)
        self.product(row.product_id, user)
        return row

    def environment(self, environment_id: str, user: records.User) -> records.Environment:
        return self._in_product(self.environments, environment_id, "environment", user)

    def config(self, config_id: str, user: records.User) -> records.Config:
        return self._in_product(self.configs, config_id, "config", user)

    def tag(self, tag_id: int, user: records.User) -> records.Tag:
        return self._in_product(self.tags, tag_id, "tag", user)

    def segment(self, segment_id: str, user: records.User) -> records.Segment:
        return self._in_product(self.segments, segment_id, "segment", user)

    def integration(self, integration_id: str, user: records.User) -> records.Integration:
        return self._in_product(self.integrations, integration_id, "integration", user)

    def permission_group(self, group_id: int, user: records.User) -> records.PermissionGroup:
        return self._in_product(self.permission_groups, group_id, "permission group", user)

    def change_request(self, change_request_id: int, user: records.User) -> records.ChangeRequest:
        return self._in_product(self.change_requests, change_request_id, "change request", user)

    def setting(self, setting_id: int, user: records.User) -> records.Setting:
        setting = self.settings.get(setting_id)
        if setting is None:
            raise NotFound("setting")
        self.config(setting.config_id, user)
        return setting

    def webhook(self, webhook_id: int, user: records.User) -> records.Webhook:
        hook = self.webhooks.get(webhook_id)
        if hook is None:
            raise NotFound("webhook")
        self.config(hook.config_id, user)
        return hook

    def proxy_profile(self, profile_id: str, user: records.User) -> records.ProxyProfile:
        profile = self.proxy_profiles.get(profile_id)
        if profile is None or profile.organization_id not in self.org_ids(user):
            raise NotFound("proxy profile")
        return profile

    def config_environment(
        self, config_id: str, environment_id: str, user: records.User
    ) -> tuple[records.Config, records.Environment]:
        config = self.config(config_id, user)
        env = self.environment(environment_id, user)
        if env.product_id != config.product_id:
            raise NotFound("environment")
        return config, env

    def by_sdk_key(
        self, sdk_key: str | None, user: records.User
    ) -> tuple[records.Config, records.Environment]:
        if not sdk_key:  # optional in the spec: without it there is no config to look in
            raise NotFound("setting (no X-CONFIGCAT-SDKKEY header was sent)")
        key = self.sdk_keys.first("sdk_key", sdk_key)
        if key is None:
            raise NotFound("SDK key")
        return self.config_environment(key.config_id, key.environment_id, user)

    # -- writes shared by handlers ---------------------------------------------------------

    def ensure_sdk_keys(self, config_id: str, environment_id: str) -> records.SdkKey:
        key = self.sdk_keys.get((config_id, environment_id))
        if key is None:
            key = self.sdk_keys.add(records.SdkKey(config_id, environment_id, self.new_sdk_key()))
        return key

    def audit(
        self,
        user: records.User,
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
        if product_id and (product := self.products.get(product_id)):
            where.append(product.name)
        if config_id and (config := self.configs.get(config_id)):
            where.append(config.name)
        if environment_id and (env := self.environments.get(environment_id)):
            where.append(env.name)
        self.audit_logs.add(
            records.AuditLog(
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
        self.audit_logs.trim(self.audit_log_limit)

    def set_formula(
        self,
        value: records.SettingValue,
        formula: dict[str, Any],
        *,
        by: records.User | None = None,
        why: str | None = None,
    ) -> None:
        """Store a new formula (and file the value under the prerequisites it names). Every
        value write comes here: with :attr:`value_changes` a list, the change is noted in it."""
        if self.value_changes is not None and formula != value.formula:
            self.value_changes.append(
                ValueChange(
                    value.setting_id,
                    value.environment_id,
                    value.formula,
                    formula,
                    by.email if by else None,
                    by.full_name if by else None,
                    why,
                )
            )
        value.formula = formula
        self.setting_values.refresh(value)

    # -- cascades --------------------------------------------------------------------------

    def delete_setting(self, setting: records.Setting) -> None:
        sid = setting.setting_id
        self.settings.remove(sid)
        self.setting_values.drop_where(setting_id=sid)
        self.integration_links.drop_where(setting_id=sid)
        self.deleted_settings.add(
            records.DeletedSetting(
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
        for setting in self.settings.where(config_id=config_id):
            self.delete_setting(setting)
        self.deleted_settings.drop_where(config_id=config_id)
        self.sdk_keys.drop_where(config_id=config_id)
        self.webhooks.drop_where(config_id=config_id)
        self.code_reports.drop_where(config_id=config_id)
        self._drop_change_requests(config_id=config_id)
        for integration in self.integrations:
            if config_id in integration.config_ids:
                integration.config_ids.remove(config_id)
                changes.changed(integration)
        for profile in self.proxy_profiles:
            profile.sdk_keys = [o for o in profile.sdk_keys if o.get("configId") != config_id]
        self.configs.remove(config_id)

    def delete_environment(self, environment_id: str) -> None:
        self.setting_values.drop_where(environment_id=environment_id)
        self.integration_links.drop_where(environment_id=environment_id)
        self.sdk_keys.drop_where(environment_id=environment_id)
        self.webhooks.drop_where(environment_id=environment_id)
        self._drop_change_requests(environment_id=environment_id)
        for integration in self.integrations:
            if environment_id in integration.environment_ids:
                integration.environment_ids.remove(environment_id)
                changes.changed(integration)
        for profile in self.proxy_profiles:
            profile.sdk_keys = [
                o for o in profile.sdk_keys if o.get("environmentId") != environment_id
            ]
        for group in self.permission_groups:
            group.environment_accesses = [
                a for a in group.environment_accesses if a.get("environmentId") != environment_id
            ]
        self.environments.remove(environment_id)

    def _drop_change_requests(self, **match: str) -> None:
        for request in self.change_requests.drop_where(**match):
            self.change_request_comments.drop_where(change_request_id=request.change_request_id)

    def delete_product(self, product_id: str) -> None:
        for config in self.configs.where(product_id=product_id):
            self.delete_config(config.config_id)
        for env in self.environments.where(product_id=product_id):
            self.delete_environment(env.environment_id)
        for table in (
            self.tags,
            self.segments,
            self.integrations,
            self.permission_groups,
            self.invitations,
            self.product_members,
        ):
            table.drop_where(product_id=product_id)
        self.products.remove(product_id)


def _encode_rng(rng: random.Random) -> list[Any]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _decode_rng(rng: random.Random, state: Any) -> None:
    try:
        version, internal, gauss = state
        rng.setstate((int(version), tuple(int(x) for x in internal), gauss))
    except (TypeError, ValueError) as exc:
        raise BadRequest("rngState", f"Not a random generator state: {exc}") from None
